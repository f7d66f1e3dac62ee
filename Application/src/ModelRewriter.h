#ifndef AILoad_ModelRewriter_INCLUDED
#define AILoad_ModelRewriter_INCLUDED

#include "JsonScanner.h"
#include <string>
#include <string_view>

namespace AILoad {

class ModelRewriter
	/// Produces the body sent upstream: the client's bytes with only the top-level
	/// `model` value replaced. Every other byte (numbers, escapes, key order, spacing,
	/// nested "model" keys) stays as the client wrote it.
{
public:
	static std::string rewrite(std::string_view body, const JsonScanner::Result& scanned, const std::string& model);
		/// `scanned` must be the scan of `body` and describe a valid object. Every top-level
		/// `model` member is replaced; without one, `"model":"..."` is inserted first.
};

} // namespace AILoad

#endif

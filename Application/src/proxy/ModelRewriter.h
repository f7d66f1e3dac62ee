#ifndef AILoad_ModelRewriter_INCLUDED
#define AILoad_ModelRewriter_INCLUDED

#include "JsonScanner.h"
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace AILoad {

class ModelRewriter
	/// Produces the body sent upstream: the client's bytes with only the top-level
	/// `model` value replaced. Every other byte (numbers, escapes, key order, spacing,
	/// nested "model" keys) stays as the client wrote it.
{
public:
	struct Splice
		/// The body to send, without a copy of the client's: spans of the client's bytes
		/// with `replacement` between each two of them.
	{
		std::vector<std::pair<std::size_t, std::size_t>> spans;  /// offset and length in the client's body
		std::string replacement;

		std::size_t size() const;
		void writeTo(std::ostream& out, std::string_view body) const;
	};

	static Splice splice(std::string_view body, const JsonScanner::Result& scanned, const std::string& model);
		/// `scanned` must be the scan of `body` and describe a valid object. Every top-level
		/// `model` member is replaced; without one, `"model":"..."` is inserted first.

	static std::string rewrite(std::string_view body, const JsonScanner::Result& scanned, const std::string& model);
		/// The splice's bytes as one string.
};

} // namespace AILoad

#endif

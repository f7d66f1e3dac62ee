#ifndef AILoad_UsageReader_INCLUDED
#define AILoad_UsageReader_INCLUDED

#include "JsonScanner.h"
#include "TokenUsage.h"
#include <string_view>

namespace AILoad {

class UsageReader
	/// Reads the token counts of an upstream's own `usage` object (docs/observability.md,
	/// "Usage"): `prompt_tokens` and `completion_tokens`, each a plain non-negative integer;
	/// anything else counts as unknown (-1), never as an error.
{
public:
	static TokenUsage ofObject(std::string_view json, const JsonScanner::Result& scanned);
		/// The top-level `usage` of a JSON object and its scan; unknown when it has none.

	static TokenUsage ofUsage(std::string_view usage);
		/// The counts in the bytes of a `usage` value (an object, as written).
};

} // namespace AILoad

#endif

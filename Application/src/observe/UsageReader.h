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
	static TokenUsage ofBody(std::string_view json);
		/// The last top-level `usage` of a JSON object; unknown when it has none, or when the
		/// body is not an object. Only the body's structure is followed (strings and brackets),
		/// backwards from its end, and only as far as that `usage`: the body is not validated.
		/// An upstream could state any usage in a valid body just as well, and a strict scan of
		/// every answer costs more than the rest of the counting together. The `usage` value
		/// itself is read strictly (ofUsage); a key written with escapes is not recognised.

	static TokenUsage ofUsage(std::string_view usage);
		/// The counts in the bytes of a `usage` value (an object, as written).
};

} // namespace AILoad

#endif

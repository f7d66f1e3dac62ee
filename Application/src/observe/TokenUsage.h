#ifndef AILoad_TokenUsage_INCLUDED
#define AILoad_TokenUsage_INCLUDED

#include <Poco/Types.h>

namespace AILoad {

struct TokenUsage
	/// The tokens of one answer as the upstream's own `usage` reports them
	/// (docs/observability.md, "Usage"); -1 where it reported nothing usable.
{
	Poco::Int64 prompt = -1;
	Poco::Int64 completion = -1;

	bool known() const { return prompt >= 0 && completion >= 0; }
};

} // namespace AILoad

#endif

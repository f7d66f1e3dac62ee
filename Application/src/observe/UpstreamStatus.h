#ifndef AILoad_UpstreamStatus_INCLUDED
#define AILoad_UpstreamStatus_INCLUDED

#include "UpstreamConfig.h"
#include "UpstreamState.h"
#include <Poco/JSON/Object.h>

namespace AILoad {

class UpstreamStatus
	/// How /status, /status.json and /metrics name an upstream's state.
{
public:
	static const char* stateOf(const UpstreamConfig& upstream, const UpstreamState::Snapshot& state);
		/// "disabled", "cooling", "at_limit" or "up".

	static Poco::JSON::Object::Ptr toJson(const UpstreamConfig& upstream, const UpstreamState::Snapshot& state);
		/// The upstream's entry of /status.json (docs/observability.md, "Status").
};

} // namespace AILoad

#endif

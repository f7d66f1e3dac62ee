#ifndef AILoad_UpstreamRouter_INCLUDED
#define AILoad_UpstreamRouter_INCLUDED

#include "UpstreamConfig.h"
#include <Poco/Net/IPAddress.h>
#include <Poco/Timespan.h>
#include <string>
#include <vector>

namespace AILoad {

struct RouteRequest
	/// What the router may know of one client request.
{
	std::string affinityKey;     /// X-AILoad-Affinity, or the client address
	std::string clientAddress;
	std::string requestedModel;  /// as the client wrote it; "auto" when absent
	bool stream = false;
};

struct AttemptResult
	/// How one attempt at one upstream went.
{
	int status = 0;              /// HTTP status, 0 when no answer came
	bool timedOut = false;
	Poco::Timespan timeToFirstByte;
};

class UpstreamRouter
	/// The one place where the order of upstreams for a request is chosen.
	/// The first upstream is tried first; the rest, in order, are the failover path.
	/// Implementations are called from many request threads at once.
{
public:
	virtual ~UpstreamRouter() = default;

	virtual std::vector<const UpstreamConfig*> order(const std::vector<const UpstreamConfig*>& candidates, const RouteRequest& request) = 0;
		/// Orders (and may drop) the candidates.

	virtual void attemptFinished(const UpstreamConfig& upstream, const RouteRequest& request, const AttemptResult& result) = 0;
		/// Told once per attempt, so that a stateful router can learn.
};

} // namespace AILoad

#endif

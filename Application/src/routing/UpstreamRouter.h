#ifndef AILoad_UpstreamRouter_INCLUDED
#define AILoad_UpstreamRouter_INCLUDED

#include "GatewayConfig.h"
#include "UpstreamConfig.h"
#include "AILoad/AttemptResult.h"
#include "AILoad/RequestContext.h"
#include <vector>

namespace AILoad {

using RouteRequest = RequestContext;
	/// What the router may know of one client request (the strategy SDK's RequestContext).

class UpstreamRouter
	/// The one place where the order of upstreams for a request is chosen.
	/// The first upstream is tried first; the rest, in order, are the failover path.
	/// Implementations are called from many request threads at once.
{
public:
	virtual ~UpstreamRouter() = default;

	virtual void configure(const GatewayConfig& config) = 0;
		/// Takes a config before it comes into effect: at start and on every reload, from one
		/// thread at a time. Throws (Poco::Exception, with a message naming the setting) and
		/// keeps routing as before when it cannot route with it.

	virtual std::vector<const UpstreamConfig*> order(const std::vector<const UpstreamConfig*>& candidates, const RouteRequest& request) = 0;
		/// Orders (and may drop) the candidates.

	virtual void attemptFinished(const UpstreamConfig& upstream, const RouteRequest& request, const AttemptResult& result) = 0;
		/// Told once per attempt, so that a stateful router can learn.
};

} // namespace AILoad

#endif

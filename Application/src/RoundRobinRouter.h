#ifndef AILoad_RoundRobinRouter_INCLUDED
#define AILoad_RoundRobinRouter_INCLUDED

#include "UpstreamRouter.h"
#include <atomic>

namespace AILoad {

class RoundRobinRouter final: public UpstreamRouter
	/// Plain round-robin: each request starts one further along the candidate list,
	/// the rest follow in order as the failover path.
{
public:
	std::vector<const UpstreamConfig*> order(const std::vector<const UpstreamConfig*>& candidates, const RouteRequest& request) override;
	void attemptFinished(const UpstreamConfig& upstream, const RouteRequest& request, const AttemptResult& result) override;

private:
	std::atomic<unsigned long> _next{0};
};

} // namespace AILoad

#endif

#include "RoundRobinRouter.h"

#include <algorithm>

namespace AILoad {

std::vector<const UpstreamConfig*> RoundRobinRouter::order(const std::vector<const UpstreamConfig*>& candidates, const RouteRequest&)
{
	std::vector<const UpstreamConfig*> ordered(candidates);
	if (!ordered.empty())
		std::rotate(ordered.begin(), ordered.begin() + static_cast<long>(_next++ % ordered.size()), ordered.end());
	return ordered;
}


void RoundRobinRouter::attemptFinished(const UpstreamConfig&, const RouteRequest&, const AttemptResult&)
{
}

} // namespace AILoad

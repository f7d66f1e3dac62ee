// Smooth weighted round-robin, the algorithm of nginx's upstream module
// (src/http/ngx_http_upstream_round_robin.c, "smooth weighted balancing"): for each pick every
// peer adds its weight to its current weight, the peer with the largest current weight wins,
// and the winner gives back the sum of the weights. Weights 5:1:1 then give a, a, b, a, c, a, a
// rather than five a in a row, and equal weights give plain rotation.
//
// nginx keeps the state per peer of one fixed upstream block; here the candidate set changes
// with every request (the model asked for, the group chosen, upstreams cooling down), so the
// current weight is kept per upstream name and only the candidates of a request take part in
// its pick. nginx's effective_weight (lowered after failures) is left out: failures are the
// gateway's policy, and an upstream that keeps failing is cooling down and not a candidate.
#include "RoundRobinStrategy.h"

#include <algorithm>
#include <vector>

namespace AILoad {

void RoundRobinStrategy::configure(const StrategyConfig& config)
{
	// A reload is when upstreams come and go; the names of those gone would otherwise stay
	// for ever. An order() still running on the config before may bring one back: the next
	// reload drops it again.
	std::lock_guard<std::mutex> lock(_mutex);
	for (auto it = _currentWeights.begin(); it != _currentWeights.end();)
	{
		if (config.upstreamNames.count(it->first)) ++it;
		else
			it = _currentWeights.erase(it);
	}
}


void RoundRobinStrategy::order(CandidateOrder& order, const RequestContext&)
{
	const std::size_t tied = std::min(order.tied, order.candidates.size());
	if (tied < 2) return;

	// Weight 0 means "only as failover": such an upstream takes part only when no tied
	// candidate has a weight, and then all count as equals.
	bool weighted = false;
	for (std::size_t i = 0; i < tied; ++i) weighted = weighted || order.candidates[i]->weight() > 0;

	struct Score
	{
		const Candidate* candidate;
		long long current;
		bool eligible;
	};
	std::vector<Score> scores;
	scores.reserve(tied);
	{
		std::lock_guard<std::mutex> lock(_mutex);
		long long total = 0;
		long long* best = nullptr;
		for (std::size_t i = 0; i < tied; ++i)
		{
			const Candidate* candidate = order.candidates[i];
			const int weight = weighted ? candidate->weight() : 1;
			long long& current = _currentWeights[candidate->name()];
			if (weight > 0)
			{
				current += weight;
				total += weight;
				if (!best || current > *best) best = &current;
			}
			scores.push_back({candidate, current, weight > 0});
		}
		*best -= total;
	}

	// The winner (the largest current weight before it gave back; the first of equals) goes
	// first; the failover path is the rest in the order they would win next, the failover-only
	// ones last.
	std::stable_sort(scores.begin(), scores.end(), [](const Score& a, const Score& b) {
		if (a.eligible != b.eligible) return a.eligible;
		return a.current > b.current;
	});
	for (std::size_t i = 0; i < tied; ++i) order.candidates[i] = scores[i].candidate;
	order.tied = 1;
}


std::size_t RoundRobinStrategy::size() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _currentWeights.size();
}

} // namespace AILoad

#ifndef AILoad_RoundRobinStrategy_INCLUDED
#define AILoad_RoundRobinStrategy_INCLUDED

#include "AILoad/Strategy.h"
#include <mutex>
#include <string>
#include <unordered_map>

namespace AILoad {

class RoundRobinStrategy final: public Strategy
	/// `round-robin`: smooth weighted round-robin over the tied candidates, by `models[].weight`
	/// (0 = only as failover). With equal weights, N requests over k upstreams give each
	/// N/k ± 1.
{
public:
	void configure(const StrategyConfig& config) override;
		/// Forgets the upstreams not in `config.upstreamNames` (gone, or disabled) and keeps
		/// the current weights of the others, so that their rotation goes on where it was
		/// (nginx starts every peer from 0 on a reload). An upstream that comes, or comes
		/// back, starts from 0.

	void order(CandidateOrder& order, const RequestContext& request) override;

	std::size_t size() const;
		/// The number of upstreams with a current weight.

private:
	mutable std::mutex _mutex;
	std::unordered_map<std::string, long long> _currentWeights; /// by upstream name, so that they survive a reload
};

} // namespace AILoad

#endif

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
		/// Forgets the upstreams not offered since the reload before: they are gone, or
		/// rarely asked for (and start again from 0, as nginx's peers do after a reload).

	void order(CandidateOrder& order, const RequestContext& request) override;

	std::size_t size() const;
		/// The number of upstreams with a current weight.

private:
	struct Peer
	{
		long long currentWeight = 0;
		bool offered = true;        /// among the candidates of an order() since the last configure()
	};

	mutable std::mutex _mutex;
	std::unordered_map<std::string, Peer> _peers;  /// by upstream name, so that it survives a reload
};

} // namespace AILoad

#endif

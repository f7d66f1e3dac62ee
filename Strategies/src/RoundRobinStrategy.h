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
	void order(CandidateOrder& order, const RequestContext& request) override;

private:
	std::mutex _mutex;
	std::unordered_map<std::string, long long> _currentWeight;  /// by upstream name, so that it survives a reload
};

} // namespace AILoad

#endif

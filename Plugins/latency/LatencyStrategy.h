#ifndef AILoad_LatencyStrategy_INCLUDED
#define AILoad_LatencyStrategy_INCLUDED

#include "AILoad/Strategy.h"
#include <Poco/Timestamp.h>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>

namespace AILoad {

class LatencyStrategy final: public Strategy
	/// `latency`: prefers the upstream that answers first. Of two tied candidates drawn at
	/// random it puts the one with the lower recent time to first byte first (the other
	/// second), so fast upstreams take most requests without all requests herding onto one.
	///
	/// Options (`settings.strategy_options.latency`):
	///   - `alpha`: weight of a new sample in the moving average, from 0 to 1 (default 0.3);
	///   - `half_life_s`: seconds in which an upstream's average halves while it gets no
	///     requests, so that a slow one is tried again now and then (default 30);
	///   - `failure_ms`: the sample a failed attempt counts as, at least (default 2000).
{
public:
	LatencyStrategy();

	void configure(const StrategyConfig& config) override;
	void order(CandidateOrder& order, const RequestContext& request) override;
	void attemptFinished(const Candidate& upstream, const RequestContext& request, const AttemptResult& result) override;

private:
	struct Average
	{
		double micros = 0;             /// the moving average of the time to first byte
		Poco::Timestamp updated;
	};

	double score(const std::string& upstream, const Poco::Timestamp& now) const;

	mutable std::mutex _mutex;
	std::unordered_map<std::string, Average> _averages;  /// by upstream name
	std::minstd_rand _random;
	double _alpha = 0.3;
	double _halfLifeMicros = 30e6;
	double _failureMicros = 2e6;
};

} // namespace AILoad

#endif

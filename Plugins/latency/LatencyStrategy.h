#ifndef AILoad_LatencyStrategy_INCLUDED
#define AILoad_LatencyStrategy_INCLUDED

#include "AILoad/Clock.h"
#include "AILoad/Strategy.h"
#include <Poco/Timestamp.h>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace AILoad {

class LatencyStrategy final: public Strategy
	/// `latency`: prefers the upstream that answers first. Of two tied candidates drawn at
	/// random it puts the one with the lower recent time to first byte first (the other
	/// second), so fast upstreams take most requests without all requests herding onto one.
	///
	/// Options (`settings.strategy_options.latency`):
	///   - `alpha`: weight of a new sample in the moving average, from 0.01 to 1 (default 0.3);
	///   - `half_life_s`: seconds in which an upstream's average halves while it gets no
	///     requests, so that a slow one is tried again now and then (default 30);
	///   - `failure_ms`: the sample a failed attempt counts as, at least (default 2000).
{
public:
	using Draw = std::function<std::size_t(std::size_t count)>;
		/// A random number from 0 to count - 1.

	LatencyStrategy();
		/// On the system's clock, drawing from a generator seeded by std::random_device:
		/// what the plugin creates.

	LatencyStrategy(const Clock& clock, Draw draw);
		/// Averages decay on `clock` and pairs are drawn by `draw`, so that a test can drive
		/// both; the clock must outlive the strategy. `draw` is called under the strategy's lock.

	void configure(const StrategyConfig& config) override;
	void order(CandidateOrder& order, const RequestContext& request) override;
	void attemptFinished(const Candidate& upstream, const RequestContext& request, const AttemptResult& result) override;

	std::size_t size() const;
		/// The number of upstreams with an average. On each reload (configure()) those whose
		/// average has decayed to nothing are forgotten.

private:
	struct Average
	{
		double micros = 0; /// the moving average of the time to first byte
		Poco::Timestamp updated;
	};

	double score(const std::string& upstream, const Poco::Timestamp& now) const;
	void forgetFadedAverages(const Poco::Timestamp& now);

	const Clock& _clock;
	Draw _draw;

	mutable std::mutex _mutex;
	std::unordered_map<std::string, Average> _averages; /// by upstream name
	double _alpha = 0.3;
	double _halfLifeMicros = 30e6;
	double _failureMicros = 2e6;
};

} // namespace AILoad

#endif

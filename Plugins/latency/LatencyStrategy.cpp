// Latency-aware balancing with the power of two choices: pick two candidates at random and
// take the better one (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing",
// 2001), where "better" is the lower exponentially weighted moving average of the time to
// first byte, as Finagle's and Linkerd's "peak EWMA" balancers do. Comparing two random
// candidates instead of taking the best of all keeps a burst from herding onto one upstream
// whose average has not caught up yet. The average decays while an upstream gets no requests,
// so a slow one is sampled again now and then instead of being shunned forever; an upstream
// never measured scores 0 and is tried soon.
#include "LatencyStrategy.h"

#include "AILoad/StrategyPlugin.h"
#include "AILoad/SystemClock.h"
#include <algorithm>
#include <cmath>
#include <random>

namespace AILoad {

LatencyStrategy::LatencyStrategy():
	LatencyStrategy(SystemClock::instance(), [random = std::minstd_rand(std::random_device()())](std::size_t count) mutable {
		return std::uniform_int_distribution<std::size_t>(0, count - 1)(random);
	})
{
}


LatencyStrategy::LatencyStrategy(const Clock& clock, Draw draw):
	_clock(clock),
	_draw(std::move(draw))
{
}


void LatencyStrategy::configure(const StrategyConfig& config)
{
	const double alpha = config.options.getDouble("alpha", 0.3, 0.01, 1);
	const double halfLife = config.options.getDouble("half_life_s", 30, 0.1, 86400);
	const double failure = config.options.getDouble("failure_ms", 2000, 0, 3600000);
	std::lock_guard<std::mutex> lock(_mutex);
	_alpha = alpha;
	_halfLifeMicros = halfLife * 1e6;
	_failureMicros = failure * 1e3;
	forgetFadedAverages(_clock.now());
}


void LatencyStrategy::order(CandidateOrder& order, const RequestContext&)
{
	const std::size_t tied = std::min(order.tied, order.candidates.size());
	if (tied < 2) return;
	const Poco::Timestamp now = _clock.now();

	std::lock_guard<std::mutex> lock(_mutex);
	const std::size_t first = _draw(tied);
	std::size_t second = _draw(tied - 1);
	if (second >= first) ++second;
	const bool firstWins = score(order.candidates[first]->name(), now) <= score(order.candidates[second]->name(), now);
	const std::size_t winner = firstWins ? first : second;
	const std::size_t runnerUp = firstWins ? second : first;

	// The loser of the pair is the first failover; the rest keep their order.
	const Candidate* loser = order.candidates[runnerUp];
	order.choose(winner);
	const auto at = std::find(order.candidates.begin(), order.candidates.end(), loser);
	std::rotate(order.candidates.begin() + 1, at, at + 1);
}


void LatencyStrategy::attemptFinished(const Candidate& upstream, const RequestContext&, const AttemptResult& result)
{
	const Poco::Timestamp now = _clock.now();
	double sample = static_cast<double>(result.timeToFirstByte.totalMicroseconds());

	std::lock_guard<std::mutex> lock(_mutex);
	if (!result.answered) sample = std::max(sample, _failureMicros);
	const auto found = _averages.find(upstream.name());
	if (found == _averages.end())
	{
		_averages[upstream.name()] = Average{sample, now};
		return;
	}
	found->second.micros = _alpha * sample + (1 - _alpha) * score(upstream.name(), now);
	found->second.updated = now;
}


std::size_t LatencyStrategy::size() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _averages.size();
}


void LatencyStrategy::forgetFadedAverages(const Poco::Timestamp& now)
{
	// A reload is when upstreams come and go. An average that has decayed below a
	// microsecond scores as an upstream never measured, so dropping it changes no order,
	// and the averages of upstreams gone for a few half-lives do not pile up.
	for (auto it = _averages.begin(); it != _averages.end();)
	{
		if (score(it->first, now) < 1) it = _averages.erase(it);
		else
			++it;
	}
}


double LatencyStrategy::score(const std::string& upstream, const Poco::Timestamp& now) const
{
	const auto found = _averages.find(upstream);
	if (found == _averages.end()) return 0;
	const double idle = static_cast<double>(now - found->second.updated);
	return found->second.micros * std::exp2(-idle / _halfLifeMicros);
}

} // namespace AILoad


AILOAD_STRATEGY_PLUGIN(AILoad::LatencyStrategy)

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
#include <Poco/Exception.h>
#include <Poco/NumberFormatter.h>
#include <algorithm>
#include <cmath>

namespace AILoad {

namespace {

double number(const Poco::JSON::Object& options, const std::string& key, double fallback, double minimum, double maximum)
{
	if (!options.has(key)) return fallback;
	const Poco::Dynamic::Var value = options.get(key);
	const double result = value.isNumeric() ? value.convert<double>() : std::nan("");
	if (!(result >= minimum && result <= maximum))
		throw Poco::InvalidArgumentException(key + ": expected a number from " + Poco::NumberFormatter::format(minimum) + " to " + Poco::NumberFormatter::format(maximum));
	return result;
}

} // namespace


LatencyStrategy::LatencyStrategy():
	_random(std::random_device()())
{
}


void LatencyStrategy::configure(const StrategyConfig& config)
{
	const double alpha = number(*config.options, "alpha", 0.3, 0.01, 1);
	const double halfLife = number(*config.options, "half_life_s", 30, 0.1, 86400);
	const double failure = number(*config.options, "failure_ms", 2000, 0, 3600000);
	std::lock_guard<std::mutex> lock(_mutex);
	_alpha = alpha;
	_halfLifeMicros = halfLife * 1e6;
	_failureMicros = failure * 1e3;
}


void LatencyStrategy::order(CandidateOrder& order, const RequestContext&)
{
	const std::size_t tied = std::min(order.tied, order.candidates.size());
	if (tied < 2) return;
	const Poco::Timestamp now;

	std::lock_guard<std::mutex> lock(_mutex);
	const std::size_t first = std::uniform_int_distribution<std::size_t>(0, tied - 1)(_random);
	std::size_t second = std::uniform_int_distribution<std::size_t>(0, tied - 2)(_random);
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
	const Poco::Timestamp now;
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


double LatencyStrategy::score(const std::string& upstream, const Poco::Timestamp& now) const
{
	const auto found = _averages.find(upstream);
	if (found == _averages.end()) return 0;
	const double idle = static_cast<double>(now - found->second.updated);
	return found->second.micros * std::exp2(-idle / _halfLifeMicros);
}

} // namespace AILoad


AILOAD_STRATEGY_PLUGIN(AILoad::LatencyStrategy)

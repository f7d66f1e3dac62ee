#include "CooldownTracker.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <algorithm>

namespace AILoad {

namespace {

const Poco::Timespan maximumRetryAfter(3600, 0);
const Poco::Timespan defaultRateLimitCooldown(30, 0);
const Poco::Timespan badKeyCooldown(600, 0);
const Poco::Timespan firstFailureCooldown(10, 0);
const Poco::Timespan maximumFailureCooldown(300, 0);
const int failuresBeforeCooldown = 3;

} // namespace


void CooldownTracker::succeeded(const std::string& upstream)
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _states.find(upstream);
	if (it != _states.end()) it->second.consecutiveFailures = 0;
}


void CooldownTracker::rateLimited(const std::string& upstream, Poco::Timespan retryAfter)
{
	std::lock_guard<std::mutex> lock(_mutex);
	coolDown(_states[upstream], Reason::RateLimited, retryAfter < 0 ? defaultRateLimitCooldown : std::min(retryAfter, maximumRetryAfter));
}


void CooldownTracker::badKey(const std::string& upstream)
{
	std::lock_guard<std::mutex> lock(_mutex);
	coolDown(_states[upstream], Reason::BadKey, badKeyCooldown);
}


void CooldownTracker::failed(const std::string& upstream)
{
	std::lock_guard<std::mutex> lock(_mutex);
	State& state = _states[upstream];
	const int failures = ++state.consecutiveFailures;
	if (failures < failuresBeforeCooldown) return;
	// 10 s at the third failure in a row, then twice as long with each further one.
	Poco::Timespan duration = firstFailureCooldown;
	for (int i = failuresBeforeCooldown; i < failures && duration < maximumFailureCooldown; ++i) duration += duration;
	coolDown(state, Reason::Failing, std::min(duration, maximumFailureCooldown));
}


Poco::Timespan CooldownTracker::remaining(const std::string& upstream, const Poco::Timestamp& now) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _states.find(upstream);
	if (it == _states.end() || it->second.reason == Reason::None || it->second.until <= now) return 0;
	return it->second.until - now;
}


CooldownTracker::State CooldownTracker::state(const std::string& upstream) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _states.find(upstream);
	if (it == _states.end()) return State();
	State state = it->second;
	if (state.until <= Poco::Timestamp()) state.reason = Reason::None;
	return state;
}


Poco::Timespan CooldownTracker::parseRetryAfter(const std::string& value, const Poco::Timestamp& now)
{
	const std::string text = Poco::trim(value);
	if (text.empty()) return -1;
	Poco::Timespan wait;
	int seconds = 0;
	if (Poco::NumberParser::tryParse(text, seconds))
	{
		if (seconds < 0) return -1;
		wait = Poco::Timespan(seconds, 0);
	}
	else
	{
		Poco::DateTime date;
		int zone = 0;
		// POCO's parser is lenient (it takes "soon"): an HTTP date has at least a time of day.
		if (text.find(':') == std::string::npos || !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, text, date, zone)) return -1;
		const Poco::Timestamp at = date.timestamp() - Poco::Timespan(zone, 0).totalMicroseconds();
		wait = at > now ? Poco::Timespan(at - now) : Poco::Timespan(0);
	}
	return std::min(wait, maximumRetryAfter);
}


const char* CooldownTracker::describe(Reason reason)
{
	switch (reason)
	{
	case Reason::RateLimited: return "rate_limited";
	case Reason::BadKey: return "bad_key";
	case Reason::Failing: return "failing";
	default: return "none";
	}
}


void CooldownTracker::coolDown(State& state, Reason reason, Poco::Timespan duration)
{
	const Poco::Timestamp until = Poco::Timestamp() + duration.totalMicroseconds();
	// A shorter cooldown never cuts a longer one short (a 429 during a bad-key cooldown).
	if (state.reason != Reason::None && state.until > until) return;
	state.reason = reason;
	state.until = until;
}

} // namespace AILoad

#include "Cooldown.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/String.h>
#include <algorithm>

namespace AILoad {

namespace {

const Poco::Timespan maximumRetryAfter(3600, 0);
const Poco::Timespan firstFailureCooldown(10, 0);
const Poco::Timespan maximumFailureCooldown(300, 0);
const int failuresBeforeCooldown = 3;

} // namespace


void Cooldown::succeeded()
{
	_consecutiveFailures = 0;
}


void Cooldown::failed(const Poco::Timestamp& now)
{
	const int failures = ++_consecutiveFailures;
	if (failures < failuresBeforeCooldown) return;
	// 10 s at the third failure in a row, then twice as long with each further one.
	Poco::Timespan duration = firstFailureCooldown;
	for (int i = failuresBeforeCooldown; i < failures && duration < maximumFailureCooldown; ++i) duration += duration;
	coolDown(Reason::Failing, std::min(duration, maximumFailureCooldown), now);
}


void Cooldown::until(Reason reason, const Poco::Timestamp& end, const Poco::Timestamp& now)
{
	coolDown(reason, end > now ? Poco::Timespan(end - now) : Poco::Timespan(0), now);
}


void Cooldown::probeSucceeded(const Poco::Timestamp& now)
{
	_consecutiveFailures = 0;
	if (_reason == Reason::Failing && _end > now) _end = now;
}


Poco::Timespan Cooldown::remaining(const Poco::Timestamp& now) const
{
	if (_reason == Reason::None || _end <= now) return 0;
	return _end - now;
}


Cooldown::Reason Cooldown::reason(const Poco::Timestamp& now) const
{
	return _end <= now ? Reason::None : _reason;
}


Poco::Timestamp Cooldown::end() const
{
	return _end;
}


int Cooldown::consecutiveFailures() const
{
	return _consecutiveFailures;
}


Poco::Timespan Cooldown::parseRetryAfter(const std::string& value, const Poco::Timestamp& now)
{
	const std::string text = Poco::trim(value);
	if (text.empty()) return -1;
	Poco::Timespan wait;
	if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
	{
		// delta-seconds: digits only (no sign); a huge one is the maximum, not an overflow.
		if (text.size() > 9) return maximumRetryAfter;
		wait = Poco::Timespan(std::stol(text), 0);
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


const char* Cooldown::describe(Reason reason)
{
	switch (reason)
	{
	case Reason::RateLimited: return "rate_limited";
	case Reason::QuotaExhausted: return "quota_exhausted";
	case Reason::BadKey: return "bad_key";
	case Reason::Failing: return "failing";
	default: return "none";
	}
}


void Cooldown::coolDown(Reason reason, Poco::Timespan duration, const Poco::Timestamp& now)
{
	const Poco::Timestamp end = now + duration.totalMicroseconds();
	// A shorter cooldown never cuts a longer one short (a 429 during a bad-key cooldown).
	if (_reason != Reason::None && _end > end) return;
	_reason = reason;
	_end = end;
}

} // namespace AILoad

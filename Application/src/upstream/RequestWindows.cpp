#include "RequestWindows.h"

#include <algorithm>

namespace AILoad {

namespace {

const Poco::Timespan minute(60, 0);
const Poco::Timespan day(86400, 0);

} // namespace


bool RequestWindows::tryAcquire(const UpstreamConfig& upstream, const Poco::Timestamp& now)
{
	if (!upstream.rpm && !upstream.rpd) return true;
	expire(now);
	if (upstream.rpm && static_cast<int>(_minute.size()) >= *upstream.rpm) return false;
	if (upstream.rpd && static_cast<int>(_day.size()) >= *upstream.rpd) return false;
	// Only what a limit needs is kept: the day's log can be long, the minute's is short.
	if (upstream.rpm) _minute.push_back(now);
	if (upstream.rpd) _day.push_back(now);
	return true;
}


Poco::Timespan RequestWindows::waitTime(const UpstreamConfig& upstream, const Poco::Timestamp& now)
{
	if (!upstream.rpm && !upstream.rpd) return 0;
	expire(now);
	Poco::Timespan wait = 0;
	if (upstream.rpm) wait = std::max(wait, waitIn(_minute, *upstream.rpm, minute, now));
	if (upstream.rpd) wait = std::max(wait, waitIn(_day, *upstream.rpd, day, now));
	return wait;
}


int RequestWindows::sentInLastMinute(const Poco::Timestamp& now)
{
	expire(now);
	return static_cast<int>(_minute.size());
}


int RequestWindows::sentInLastDay(const Poco::Timestamp& now)
{
	expire(now);
	return static_cast<int>(_day.size());
}


void RequestWindows::expire(const Poco::Timestamp& now)
{
	while (!_minute.empty() && now - _minute.front() >= minute.totalMicroseconds()) _minute.pop_front();
	while (!_day.empty() && now - _day.front() >= day.totalMicroseconds()) _day.pop_front();
}


Poco::Timespan RequestWindows::waitIn(const std::deque<Poco::Timestamp>& sent, int limit, Poco::Timespan length, const Poco::Timestamp& now)
{
	if (static_cast<int>(sent.size()) < limit) return 0;
	// The slot frees when the request `limit` places back leaves the window.
	const Poco::Timestamp frees = sent[sent.size() - static_cast<std::size_t>(limit)] + length.totalMicroseconds();
	return frees > now ? Poco::Timespan(frees - now) : Poco::Timespan(0);
}

} // namespace AILoad

#include "RequestRateLimiter.h"

#include <algorithm>

namespace AILoad {

namespace {

const Poco::Timespan minute(60, 0);
const Poco::Timespan day(86400, 0);

} // namespace


bool RequestRateLimiter::tryAcquire(const UpstreamConfig& upstream, const Poco::Timestamp& now)
{
	if (!upstream.rpm && !upstream.rpd) return true;
	std::lock_guard<std::mutex> lock(_mutex);
	Window& window = _windows[upstream.name];
	expire(window, now);
	if (upstream.rpm && static_cast<int>(window.minute.size()) >= *upstream.rpm) return false;
	if (upstream.rpd && static_cast<int>(window.day.size()) >= *upstream.rpd) return false;
	// Only what a limit needs is kept: the day's log can be long, the minute's is short.
	if (upstream.rpm) window.minute.push_back(now);
	if (upstream.rpd) window.day.push_back(now);
	return true;
}


Poco::Timespan RequestRateLimiter::waitTime(const UpstreamConfig& upstream, const Poco::Timestamp& now) const
{
	if (!upstream.rpm && !upstream.rpd) return 0;
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _windows.find(upstream.name);
	if (it == _windows.end()) return 0;
	expire(it->second, now);
	Poco::Timespan wait = 0;
	if (upstream.rpm) wait = std::max(wait, waitIn(it->second.minute, *upstream.rpm, minute, now));
	if (upstream.rpd) wait = std::max(wait, waitIn(it->second.day, *upstream.rpd, day, now));
	return wait;
}


int RequestRateLimiter::sentInLastMinute(const std::string& upstream) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _windows.find(upstream);
	if (it == _windows.end()) return 0;
	expire(it->second, Poco::Timestamp());
	return static_cast<int>(it->second.minute.size());
}


void RequestRateLimiter::expire(Window& window, const Poco::Timestamp& now)
{
	while (!window.minute.empty() && now - window.minute.front() >= minute.totalMicroseconds()) window.minute.pop_front();
	while (!window.day.empty() && now - window.day.front() >= day.totalMicroseconds()) window.day.pop_front();
}


Poco::Timespan RequestRateLimiter::waitIn(const std::deque<Poco::Timestamp>& sent, int limit, Poco::Timespan length, const Poco::Timestamp& now)
{
	if (static_cast<int>(sent.size()) < limit) return 0;
	// The slot frees when the request `limit` places back leaves the window.
	const Poco::Timestamp frees = sent[sent.size() - static_cast<std::size_t>(limit)] + length.totalMicroseconds();
	return frees > now ? Poco::Timespan(frees - now) : Poco::Timespan(0);
}

} // namespace AILoad

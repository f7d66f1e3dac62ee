#include "UpstreamState.h"

#include <algorithm>

namespace AILoad {

UpstreamState::UpstreamState(const std::string& name, const Clock& clock):
	_name(name),
	_clock(clock)
{
}


const std::string& UpstreamState::name() const
{
	return _name;
}


void UpstreamState::succeeded(Poco::Timespan timeToFirstByte)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_cooldown.succeeded();
	++_counters.answered;
	firstByte(timeToFirstByte);
}


void UpstreamState::brokeOff(Poco::Timespan timeToFirstByte)
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	_cooldown.failed(now);
	++_counters.brokeOff;
	firstByte(timeToFirstByte);
}


void UpstreamState::rateLimited(const std::string& retryAfter)
{
	const Poco::Timestamp now = _clock.now();
	const Poco::Timespan wait = Cooldown::parseRetryAfter(retryAfter, now);
	std::lock_guard<std::mutex> lock(_mutex);
	_cooldown.rateLimited(wait, now);
	++_counters.rateLimited;
}


void UpstreamState::badKey()
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	_cooldown.badKey(now);
	++_counters.badKey;
}


void UpstreamState::timedOut()
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	_cooldown.failed(now);
	++_counters.timedOut;
}


void UpstreamState::failed()
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	_cooldown.failed(now);
	++_counters.failed;
}


Poco::Timespan UpstreamState::coolingFor() const
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	return _cooldown.remaining(now);
}


int UpstreamState::consecutiveFailures() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _cooldown.consecutiveFailures();
}


Poco::Timespan UpstreamState::limitedFor(const UpstreamConfig& upstream) const
{
	if (!upstream.rpm && !upstream.rpd) return 0;
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	return _windows.waitTime(upstream, now);
}


Poco::Timespan UpstreamState::busyFor(const UpstreamConfig& upstream) const
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	return std::max(_cooldown.remaining(now), _windows.waitTime(upstream, now));
}


bool UpstreamState::tryAcquire(const UpstreamConfig& upstream)
{
	if (!upstream.rpm && !upstream.rpd) return true;
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	return _windows.tryAcquire(upstream, now);
}


UpstreamState::Snapshot UpstreamState::snapshot(const UpstreamConfig& upstream) const
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	Snapshot snapshot;
	snapshot.cooldown = _cooldown.reason(now);
	snapshot.coolingFor = _cooldown.remaining(now);
	snapshot.cooldownEnd = _cooldown.end();
	snapshot.limitedFor = _windows.waitTime(upstream, now);
	snapshot.consecutiveFailures = _cooldown.consecutiveFailures();
	snapshot.sentInLastMinute = _windows.sentInLastMinute(now);
	snapshot.counters = _counters;
	return snapshot;
}


void UpstreamState::firstByte(Poco::Timespan timeToFirstByte)
{
	if (timeToFirstByte > 0) _counters.firstByteMicros += static_cast<Poco::UInt64>(timeToFirstByte.totalMicroseconds());
}

} // namespace AILoad

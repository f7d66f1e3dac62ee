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


void UpstreamState::succeeded()
{
	std::lock_guard<std::mutex> lock(_mutex);
	_cooldown.succeeded();
}


void UpstreamState::brokeOff()
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	_cooldown.failed(now);
}


void UpstreamState::timedOut()
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	_cooldown.failed(now);
}


void UpstreamState::failed()
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	_cooldown.failed(now);
}


UpstreamErrorClassifier::Verdict UpstreamState::refused(int status, const Poco::Net::NameValueCollection& headers, std::string_view body, Poco::Timespan quotaCooldown)
{
	const Poco::Timestamp now = _clock.now();
	const UpstreamErrorClassifier::Verdict verdict = UpstreamErrorClassifier::classify(status, headers, body, now, quotaCooldown);
	Reason reason = Reason::None;
	if (verdict.kind == UpstreamErrorClassifier::Kind::RateLimited) reason = Reason::RateLimited;
	else if (verdict.kind == UpstreamErrorClassifier::Kind::QuotaExhausted)
		reason = Reason::QuotaExhausted;
	else if (verdict.kind == UpstreamErrorClassifier::Kind::BadKey)
		reason = Reason::BadKey;
	if (reason == Reason::None) return verdict;
	std::lock_guard<std::mutex> lock(_mutex);
	_cooldown.until(reason, verdict.until, now);
	return verdict;
}


void UpstreamState::limitsReported(const Poco::Net::NameValueCollection& headers)
{
	const Poco::Timestamp now = _clock.now();
	const ReportedLimits limits = ReportedLimits::read(headers, now);
	if (limits.empty() && _reportedNothing) return; // most upstreams report nothing: no lock for them
	const std::optional<Poco::Timestamp> until = limits.setAsideUntil(now);
	std::lock_guard<std::mutex> lock(_mutex);
	_reported = limits;
	_reportedNothing = limits.empty();
	_setAsideUntil = until ? *until : Poco::Timestamp(0);
}


bool UpstreamState::probeDue(Poco::Timespan interval)
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	if (_cooldown.reason(now) != Reason::Failing || now - _lastProbe < interval.totalMicroseconds()) return false;
	_lastProbe = now;
	return true;
}


void UpstreamState::probeSucceeded()
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	_cooldown.probeSucceeded(now);
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
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	return limitedFor(upstream, now, nullptr);
}


Poco::Timespan UpstreamState::busyFor(const UpstreamConfig& upstream) const
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	return std::max(_cooldown.remaining(now), limitedFor(upstream, now, nullptr));
}


Poco::Timespan UpstreamState::limitedFor(const UpstreamConfig& upstream, const Poco::Timestamp& now, std::string* by) const
{
	Poco::Timespan wait = 0;
	auto longer = [&](Poco::Timespan candidate, const char* what) {
		if (candidate <= wait) return;
		wait = candidate;
		if (by) *by = what;
	};
	if (upstream.rpm || upstream.rpd)
	{
		const Poco::Timespan windows = _windows.waitTime(upstream, now);
		longer(windows, upstream.rpm && _windows.sentInLastMinute(now) >= *upstream.rpm ? "rpm" : "rpd");
	}
	if (upstream.tpm && tokensInLastMinute(now) >= *upstream.tpm)
	{
		// Free again when the oldest tokens leave the minute.
		longer(Poco::Timespan(_tokens.front().first + Poco::Timespan(60, 0).totalMicroseconds() - now), "tpm");
	}
	if (_setAsideUntil > now) longer(Poco::Timespan(_setAsideUntil - now), "reported");
	return wait;
}


int UpstreamState::tokensInLastMinute(const Poco::Timestamp& now) const
{
	while (!_tokens.empty() && now - _tokens.front().first >= Poco::Timespan(60, 0).totalMicroseconds())
	{
		_tokensSum -= _tokens.front().second;
		_tokens.pop_front();
	}
	return static_cast<int>(std::min<Poco::Int64>(_tokensSum, 2000000000));
}


bool UpstreamState::tryAcquire(const UpstreamConfig& upstream)
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	if (_setAsideUntil > now || (upstream.tpm && tokensInLastMinute(now) >= *upstream.tpm)) return false;
	if (!upstream.rpm && !upstream.rpd) return true;
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
	snapshot.limitedFor = limitedFor(upstream, now, &snapshot.limitedBy);
	snapshot.reported = _reported;
	snapshot.tokensInLastMinute = upstream.tpm ? tokensInLastMinute(now) : 0;
	snapshot.consecutiveFailures = _cooldown.consecutiveFailures();
	snapshot.sentInLastMinute = _windows.sentInLastMinute(now);
	snapshot.sentInLastDay = upstream.rpd ? _windows.sentInLastDay(now) : -1;
	const Poco::Int64 second = now.epochMicroseconds() / 1000000;
	for (Poco::Int64 s = std::max(second - 59, _lastMinuteSecond - 59); s <= std::min(second, _lastMinuteSecond); ++s)
		snapshot.attemptsLastMinute += static_cast<int>(_lastMinute[static_cast<std::size_t>(s % 60)]);
	snapshot.recentFirstByteMs = _recentFirstByteMs;
	snapshot.counters = _counters;
	snapshot.today = _today;
	if (_today.day != now.epochMicroseconds() / (86400LL * 1000000)) snapshot.today = Today{};
	return snapshot;
}


void UpstreamState::attemptEnded(AttemptOutcome outcome, Poco::Timespan firstByte, const TokenUsage& usage)
{
	const Poco::Timestamp now = _clock.now();
	std::lock_guard<std::mutex> lock(_mutex);
	++_counters.attempts[static_cast<std::size_t>(outcome)];
	if (firstByte >= 0)
	{
		_counters.firstByte.observe(firstByte);
		const double ms = static_cast<double>(firstByte.totalMicroseconds()) / 1000.0;
		_recentFirstByteMs = _recentFirstByteMs < 0 ? ms : 0.8 * _recentFirstByteMs + 0.2 * ms;
	}

	rollDay(now);
	++_today.attempts;
	if (outcome != AttemptOutcome::Ok && outcome != AttemptOutcome::Http4xx && outcome != AttemptOutcome::ClientGone) ++_today.failures;
	if (usage.known())
	{
		_today.promptTokens += static_cast<Poco::UInt64>(usage.prompt);
		_today.completionTokens += static_cast<Poco::UInt64>(usage.completion);
		// For `tpm`; an upstream's figure is not trusted to be sane.
		const Poco::Int64 used = std::min<Poco::Int64>(usage.prompt + usage.completion, 1000000000);
		_tokens.emplace_back(now, used);
		_tokensSum += used;
		tokensInLastMinute(now); // drops what left the minute
		if (_tokens.size() > 100000)
		{
			_tokensSum -= _tokens.front().second;
			_tokens.pop_front();
		}
	}

	const Poco::Int64 second = now.epochMicroseconds() / 1000000;
	if (second > _lastMinuteSecond)
	{
		// Clear the slots of the seconds that passed without attempts.
		for (Poco::Int64 s = std::max(_lastMinuteSecond + 1, second - 59); s <= second; ++s) _lastMinute[static_cast<std::size_t>(s % 60)] = 0;
		_lastMinuteSecond = second;
	}
	if (second > _lastMinuteSecond - 60) ++_lastMinute[static_cast<std::size_t>(second % 60)];
}


void UpstreamState::answered(Poco::Timespan requestDuration)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_counters.duration.observe(requestDuration);
}


void UpstreamState::sentOn(bool reusedConnection)
{
	std::lock_guard<std::mutex> lock(_mutex);
	++(reusedConnection ? _counters.reusedConnections : _counters.newConnections);
}


void UpstreamState::failedOver(AttemptOutcome outcome)
{
	std::lock_guard<std::mutex> lock(_mutex);
	++_counters.failovers[static_cast<std::size_t>(outcome)];
}


void UpstreamState::rollDay(const Poco::Timestamp& now)
{
	const Poco::Int64 day = now.epochMicroseconds() / (86400LL * 1000000);
	if (day != _today.day) _today = Today{day};
}

} // namespace AILoad

#ifndef AILoad_UpstreamState_INCLUDED
#define AILoad_UpstreamState_INCLUDED

#include "AttemptOutcome.h"
#include "Cooldown.h"
#include "Histogram.h"
#include "ReportedLimits.h"
#include "RequestWindows.h"
#include "UpstreamErrorClassifier.h"
#include "TokenUsage.h"
#include "UpstreamConfig.h"
#include "AILoad/Clock.h"
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <Poco/Types.h>
#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace AILoad {

class UpstreamState
	/// Everything the gateway learns about one upstream while it runs, in one place, as
	/// nginx keeps one struct per peer: its cooldown (reason and end) and run of failures,
	/// its rpm/rpd windows, and counters of its attempts and of the connections they went out
	/// on (new or pooled). UpstreamRegistry keeps one per upstream `name`, across reloads;
	/// /health reads it, the request path writes it.
	///
	/// The request path tells it the effect of each attempt with exactly one of
	/// succeeded(), brokeOff(), refused(), timedOut() or failed(), and counts it with
	/// attemptEnded(); limitsReported() reads the limit headers of every answer.
	///
	/// Thread-safe: a mutex of its own, held for the microseconds of one call, so that
	/// requests to different upstreams never wait for each other.
{
public:
	using Ptr = std::shared_ptr<UpstreamState>;
	using Reason = Cooldown::Reason;

	struct Counters
		/// Attempts since the upstream was first configured under its name (the
		/// `aiload_upstream_*` metrics, docs/observability.md).
	{
		std::array<Poco::UInt64, attemptOutcomeCount> attempts{}; /// by outcome
		std::array<Poco::UInt64, attemptOutcomeCount> failovers{}; /// attempts after which the next upstream was tried, by outcome
		Histogram firstByte; /// until the answer's head, of the attempts that got one
		Histogram duration; /// of the requests it answered, from the request's first byte to the answer's last
		Poco::UInt64 newConnections = 0; /// requests sent on a connection opened for them
		Poco::UInt64 reusedConnections = 0; /// requests sent on an idle pooled connection
	};

	struct Today
		/// Counts of the current UTC day, for /status.
	{
		Poco::Int64 day = 0; /// days since the epoch
		Poco::UInt64 attempts = 0;
		Poco::UInt64 failures = 0; /// attempts that did not end in an answer (a client leaving is not one)
		Poco::UInt64 promptTokens = 0;
		Poco::UInt64 completionTokens = 0;
	};

	struct Snapshot
		/// One consistent reading of the state, for /health, /status and /metrics.
	{
		Reason cooldown = Reason::None; /// None when it does not cool down now
		Poco::Timespan coolingFor; /// 0 when it does not cool down
		Poco::Timestamp cooldownEnd = 0; /// when the last cooldown ends or ended (0: never cooled down)
		Poco::Timespan limitedFor; /// until its rpm/rpd/tpm, or the limits it reported, let a request through; 0 when they do now
		std::string limitedBy; /// "rpm", "rpd", "tpm" or "reported" while limitedFor > 0
		ReportedLimits reported; /// what its last answer said of its limits
		int tokensInLastMinute = 0; /// counted while it has a `tpm`
		int consecutiveFailures = 0;
		int sentInLastMinute = 0; /// counted while it has an `rpm`
		int sentInLastDay = -1; /// counted while it has an `rpd`, else -1
		int attemptsLastMinute = 0; /// counted always
		double recentFirstByteMs = -1; /// a moving average of recent answers' time to first byte; -1 before the first
		Counters counters;
		Today today;
	};

	UpstreamState(const std::string& name, const Clock& clock);
		/// The clock must outlive the state.

	const std::string& name() const;

	void succeeded();
		/// Answered, and the answer went to the client to its end: the run of failures ends.

	void brokeOff();
		/// Answered, then broke off or fell silent mid-body: a failure in a row.

	void timedOut();
		/// Gave no answer within `settings.timeout`: a failure in a row.

	void failed();
		/// Could not be reached, or answered 408, 5xx or malformed: a failure in a row.

	void limitsReported(const Poco::Net::NameValueCollection& headers);
		/// Reads the limit headers of an answer, any answer: one that reports nothing
		/// remaining sets the upstream aside until its reset (docs/quotas.md).

	UpstreamErrorClassifier::Verdict refused(int status, const Poco::Net::NameValueCollection& headers, std::string_view body, Poco::Timespan quotaCooldown);
		/// Reads an error answer (UpstreamErrorClassifier) and, for a limit, a quota or a key,
		/// cools down until the verdict's end. Call limitsReported() first.

	bool probeDue(Poco::Timespan interval);
		/// It cools down because it failed (not for a limit), and no probe was started for
		/// `interval`: true, and the probe counts as started.

	void probeSucceeded();
		/// Its /models answered: a cooldown for failures ends.

	Poco::Timespan coolingFor() const;
		/// How long it still cools down; 0 when it does not.

	int consecutiveFailures() const;
		/// Failures in a row since the last success.

	Poco::Timespan limitedFor(const UpstreamConfig& upstream) const;
		/// How long until its rpm/rpd/tpm (those of `upstream`, the config in force) and the
		/// limits it reported let a request through; 0 when they do now.

	Poco::Timespan busyFor(const UpstreamConfig& upstream) const;
		/// The longer of coolingFor() and limitedFor(): when it can be tried again.

	bool tryAcquire(const UpstreamConfig& upstream);
		/// Takes a slot of its rpm/rpd windows for a request about to be sent; false when
		/// either is full.

	void attemptEnded(AttemptOutcome outcome, Poco::Timespan firstByte, const TokenUsage& usage);
		/// Counts an attempt; `firstByte` < 0 when no answer came. Besides (not instead of)
		/// the call above that tells its effect on the state.

	void answered(Poco::Timespan requestDuration);
		/// Its answer went to the client: the whole request took this long.

	void sentOn(bool reusedConnection);
		/// A request went out to it, on an idle pooled connection or on a new one.

	void failedOver(AttemptOutcome outcome);
		/// The attempt that ended so was followed by one at another upstream.

	Snapshot snapshot(const UpstreamConfig& upstream) const;

private:
	void rollDay(const Poco::Timestamp& now);
	Poco::Timespan limitedFor(const UpstreamConfig& upstream, const Poco::Timestamp& now, std::string* by) const;
	int tokensInLastMinute(const Poco::Timestamp& now) const;

	const std::string _name;
	const Clock& _clock;
	mutable std::mutex _mutex;
	Cooldown _cooldown;
	mutable RequestWindows _windows; /// reading drops the send times that left the windows
	Counters _counters;
	Today _today;
	std::array<Poco::UInt32, 60> _lastMinute{}; /// attempts per second, the slot of second s at s % 60
	Poco::Int64 _lastMinuteSecond = 0; /// the second of the newest slot
	double _recentFirstByteMs = -1;
	ReportedLimits _reported;
	Poco::Timestamp _setAsideUntil = 0; /// from _reported
	std::atomic<bool> _reportedNothing{true};
	mutable std::deque<std::pair<Poco::Timestamp, Poco::Int64>> _tokens; /// tokens used in the last minute, for `tpm`
	mutable Poco::Int64 _tokensSum = 0; /// of _tokens
	Poco::Timestamp _lastProbe = 0;
};

} // namespace AILoad

#endif

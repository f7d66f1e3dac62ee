#ifndef AILoad_UpstreamState_INCLUDED
#define AILoad_UpstreamState_INCLUDED

#include "Cooldown.h"
#include "RequestWindows.h"
#include "UpstreamConfig.h"
#include "AILoad/Clock.h"
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <Poco/Types.h>
#include <memory>
#include <mutex>
#include <string>

namespace AILoad {

class UpstreamState
	/// Everything the gateway learns about one upstream while it runs, in one place, as
	/// nginx keeps one struct per peer: its cooldown (reason and end) and run of failures,
	/// its rpm/rpd windows, and counters of its attempts. UpstreamRegistry keeps one per
	/// upstream `name`, across reloads; /health reads it, the request path writes it.
	///
	/// The request path tells it the outcome of each attempt with exactly one of
	/// succeeded(), brokeOff(), rateLimited(), badKey(), timedOut() or failed().
	///
	/// Thread-safe: a mutex of its own, held for the microseconds of one call, so that
	/// requests to different upstreams never wait for each other.
{
public:
	using Ptr = std::shared_ptr<UpstreamState>;
	using Reason = Cooldown::Reason;

	struct Counters
		/// Attempts by outcome since the upstream was first configured under its name. The
		/// failovers by reason are rateLimited, badKey, timedOut and failed.
	{
		Poco::UInt64 answered = 0;          /// answers passed on to their end
		Poco::UInt64 brokeOff = 0;          /// answers that broke off or fell silent after they had started
		Poco::UInt64 rateLimited = 0;       /// 429
		Poco::UInt64 badKey = 0;            /// 401 and 403
		Poco::UInt64 timedOut = 0;          /// no answer within `settings.timeout`
		Poco::UInt64 failed = 0;            /// connection failures, 408, 5xx, malformed answers
		Poco::UInt64 firstByteMicros = 0;   /// the sum of the time to first byte of the answered and broken-off ones
	};

	struct Snapshot
		/// One consistent reading of the state, for /health (and /metrics).
	{
		Reason cooldown = Reason::None;     /// None when it does not cool down now
		Poco::Timespan coolingFor;          /// 0 when it does not cool down
		Poco::Timestamp cooldownEnd = 0;    /// when the last cooldown ends or ended (0: never cooled down)
		Poco::Timespan limitedFor;          /// until its rpm/rpd let a request through; 0 when they do now
		int consecutiveFailures = 0;
		int sentInLastMinute = 0;           /// counted while it has an `rpm`
		Counters counters;
	};

	UpstreamState(const std::string& name, const Clock& clock);
		/// The clock must outlive the state.

	const std::string& name() const;

	void succeeded(Poco::Timespan timeToFirstByte);
		/// Answered, and the answer went to the client to its end: the run of failures ends.

	void brokeOff(Poco::Timespan timeToFirstByte);
		/// Answered, then broke off or fell silent mid-body: a failure in a row.

	void rateLimited(const std::string& retryAfter);
		/// Answered 429 with this Retry-After header value (empty when none came).

	void badKey();
		/// Answered 401 or 403.

	void timedOut();
		/// Gave no answer within `settings.timeout`: a failure in a row.

	void failed();
		/// Could not be reached, or answered 408, 5xx or malformed: a failure in a row.

	Poco::Timespan coolingFor() const;
		/// How long it still cools down; 0 when it does not.

	int consecutiveFailures() const;
		/// Failures in a row since the last success.

	Poco::Timespan limitedFor(const UpstreamConfig& upstream) const;
		/// How long until its rpm/rpd (those of `upstream`, the config in force) let a
		/// request through; 0 when they do now.

	Poco::Timespan busyFor(const UpstreamConfig& upstream) const;
		/// The longer of coolingFor() and limitedFor(): when it can be tried again.

	bool tryAcquire(const UpstreamConfig& upstream);
		/// Takes a slot of its rpm/rpd windows for a request about to be sent; false when
		/// either is full.

	Snapshot snapshot(const UpstreamConfig& upstream) const;

private:
	void firstByte(Poco::Timespan timeToFirstByte);

	const std::string _name;
	const Clock& _clock;
	mutable std::mutex _mutex;
	Cooldown _cooldown;
	mutable RequestWindows _windows;  /// reading drops the send times that left the windows
	Counters _counters;
};

} // namespace AILoad

#endif

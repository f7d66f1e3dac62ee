#ifndef AILoad_Cooldown_INCLUDED
#define AILoad_Cooldown_INCLUDED

#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <string>

namespace AILoad {

class Cooldown
	/// One upstream's cooldown and its run of failures in a row, by the policy of
	/// docs/reliability.md ("Cooldowns"):
	///   - limits, quotas and bad keys: until the end UpstreamErrorClassifier read from the
	///     answer (docs/quotas.md);
	///   - connection failures, timeouts, 408, 5xx and bodies cut off: after 3 in a row, 10 s,
	///     doubling with each further failure in a row up to 5 minutes;
	///   - a success ends the run of failures (a running cooldown is not shortened), and a
	///     probe that succeeds ends a cooldown for failures early;
	///   - a shorter cooldown never replaces a longer one that is running.
	/// A value that is told the time: UpstreamState guards it and reads the clock.
{
public:
	enum class Reason
	{
		None,
		RateLimited,
		QuotaExhausted,
		BadKey,
		Failing
	};

	void succeeded();
		/// Ends the run of failures.

	void failed(const Poco::Timestamp& now);

	void until(Reason reason, const Poco::Timestamp& end, const Poco::Timestamp& now);
		/// Cools down until `end` (a limit whose reset the upstream told).

	void probeSucceeded(const Poco::Timestamp& now);
		/// A cooldown for failures ends now; one for a limit or a key runs on.

	Poco::Timespan remaining(const Poco::Timestamp& now) const;
		/// How long it still cools down; 0 when it does not.

	Reason reason(const Poco::Timestamp& now) const;
		/// Why it cools down; None once the cooldown has run out.

	Poco::Timestamp end() const;
		/// When the last cooldown ends (or ended); meaningful once reason() was not None.

	int consecutiveFailures() const;

	static Poco::Timespan parseRetryAfter(const std::string& value, const Poco::Timestamp& now);
		/// Seconds or an HTTP date, capped at one hour; negative when absent or unreadable.

	static const char* describe(Reason reason);
		/// "rate_limited", "quota_exhausted", "bad_key", "failing" or "none", as /health shows it.

private:
	void coolDown(Reason reason, Poco::Timespan duration, const Poco::Timestamp& now);

	Reason _reason = Reason::None;
	Poco::Timestamp _end = 0;
	int _consecutiveFailures = 0;
};

} // namespace AILoad

#endif

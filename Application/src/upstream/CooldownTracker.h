#ifndef AILoad_CooldownTracker_INCLUDED
#define AILoad_CooldownTracker_INCLUDED

#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <map>
#include <mutex>
#include <string>

namespace AILoad {

class CooldownTracker
	/// Which upstreams are cooling down after failures, keyed by upstream name so that the
	/// state survives a config reload. The policy (SPEC section 5):
	///   - 429: the upstream's Retry-After (seconds or HTTP date, at most one hour), else 30 s;
	///   - 401/403 (a bad key): 10 minutes;
	///   - connection failures, timeouts, 408 and 5xx: after 3 in a row, 10 s, doubling with
	///     each further failure in a row up to 5 minutes;
	///   - a success ends the run of failures.
	/// Thread-safe.
{
public:
	enum class Reason { None, RateLimited, BadKey, Failing };

	struct State
	{
		Reason reason = Reason::None;
		Poco::Timestamp until;            /// meaningful when reason != None
		int consecutiveFailures = 0;
	};

	void succeeded(const std::string& upstream);
	void rateLimited(const std::string& upstream, Poco::Timespan retryAfter);
		/// retryAfter < 0: none given (30 s).
	void badKey(const std::string& upstream);
	void failed(const std::string& upstream);

	Poco::Timespan remaining(const std::string& upstream, const Poco::Timestamp& now = Poco::Timestamp()) const;
		/// How long the upstream still cools down; 0 when it does not.
	State state(const std::string& upstream) const;

	static Poco::Timespan parseRetryAfter(const std::string& value, const Poco::Timestamp& now = Poco::Timestamp());
		/// Seconds or an HTTP date, capped at one hour; negative when absent or unreadable.

	static const char* describe(Reason reason);

private:
	void coolDown(State& state, Reason reason, Poco::Timespan duration);

	mutable std::mutex _mutex;
	std::map<std::string, State> _states;
};

} // namespace AILoad

#endif

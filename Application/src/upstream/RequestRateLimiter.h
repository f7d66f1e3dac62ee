#ifndef AILoad_RequestRateLimiter_INCLUDED
#define AILoad_RequestRateLimiter_INCLUDED

#include "UpstreamConfig.h"
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace AILoad {

class RequestRateLimiter
	/// Keeps each upstream under its own `rpm` and `rpd`, counted by the gateway itself over
	/// sliding windows (the last 60 s and the last 24 h, not calendar minutes or days): the
	/// send times of the requests in the window are kept, so the wait until the next free
	/// slot is exact. Keyed by upstream name, so the counts survive a reload. Thread-safe.
{
public:
	bool tryAcquire(const UpstreamConfig& upstream, const Poco::Timestamp& now = Poco::Timestamp());
		/// Takes a slot and returns true if the upstream is under both limits.

	Poco::Timespan waitTime(const UpstreamConfig& upstream, const Poco::Timestamp& now = Poco::Timestamp()) const;
		/// How long until tryAcquire() could succeed; 0 when it can now.

	int sentInLastMinute(const std::string& upstream) const;

private:
	struct Window
	{
		std::deque<Poco::Timestamp> minute;
		std::deque<Poco::Timestamp> day;
	};

	static void expire(Window& window, const Poco::Timestamp& now);
	static Poco::Timespan waitIn(const std::deque<Poco::Timestamp>& sent, int limit, Poco::Timespan length, const Poco::Timestamp& now);

	mutable std::mutex _mutex;
	mutable std::map<std::string, Window> _windows;
};

} // namespace AILoad

#endif

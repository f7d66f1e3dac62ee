#ifndef AILoad_RequestWindows_INCLUDED
#define AILoad_RequestWindows_INCLUDED

#include "UpstreamConfig.h"
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <deque>

namespace AILoad {

class RequestWindows
	/// Keeps one upstream under its `rpm` and `rpd` (docs/reliability.md, "Request limits"),
	/// counted by the gateway itself over sliding windows, the last 60 s and the last 24 h
	/// (not calendar minutes or days): the send times of the requests in a window are kept,
	/// so the wait until the next free slot is exact. The limits are the config's in force,
	/// so a reload that changes them applies to the requests already counted.
	/// A value that is told the time: UpstreamState guards it and reads the clock.
{
public:
	bool tryAcquire(const UpstreamConfig& upstream, const Poco::Timestamp& now);
		/// Takes a slot and returns true if the upstream is under both limits.

	Poco::Timespan waitTime(const UpstreamConfig& upstream, const Poco::Timestamp& now);
		/// How long until tryAcquire() could succeed; 0 when it can now.

	int sentInLastMinute(const Poco::Timestamp& now);
		/// Counted only while the upstream has an `rpm`.

	int sentInLastDay(const Poco::Timestamp& now);
		/// Counted only while the upstream has an `rpd`.

private:
	void expire(const Poco::Timestamp& now);
	static Poco::Timespan waitIn(const std::deque<Poco::Timestamp>& sent, int limit, Poco::Timespan length, const Poco::Timestamp& now);

	std::deque<Poco::Timestamp> _minute;
	std::deque<Poco::Timestamp> _day;
};

} // namespace AILoad

#endif

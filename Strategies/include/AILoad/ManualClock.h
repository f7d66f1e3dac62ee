#ifndef AILoad_ManualClock_INCLUDED
#define AILoad_ManualClock_INCLUDED

#include "AILoad/Clock.h"
#include <Poco/Timespan.h>
#include <atomic>

namespace AILoad {

class ManualClock final: public Clock
	/// A clock that stands still until it is moved: a test advances it past a TTL or a
	/// cooldown at once, and nothing it checks depends on how busy the machine is.
	/// Thread-safe.
{
public:
	explicit ManualClock(const Poco::Timestamp& start = Poco::Timestamp()):
		_micros(start.epochMicroseconds())
		/// Starts at `start` (by default the time it is made, so that dates it prints look real).
	{
	}

	Poco::Timestamp now() const override
	{
		return Poco::Timestamp(_micros.load());
	}

	void advance(Poco::Timespan span)
		/// Moves the time forward by `span` (backward when negative, as a wall clock may).
	{
		_micros += span.totalMicroseconds();
	}

private:
	std::atomic<Poco::Timestamp::TimeVal> _micros;
};

} // namespace AILoad

#endif

#ifndef AILoad_Clock_INCLUDED
#define AILoad_Clock_INCLUDED

#include <Poco/Timestamp.h>

namespace AILoad {

class Clock
	/// Where the time comes from for everything that measures how long ago something
	/// happened: cooldowns, rpm/rpd windows, affinity TTLs, latency averages. Production code
	/// reads SystemClock; unit tests hand a ManualClock and move time instead of sleeping.
	///
	/// Header-only, so that a strategy plugin can take one too without calling into AILoad.
	/// A clock is read from many threads at once: an implementation is thread-safe.
{
public:
	virtual ~Clock() = default;

	virtual Poco::Timestamp now() const = 0;
		/// The current time.
};

} // namespace AILoad

#endif

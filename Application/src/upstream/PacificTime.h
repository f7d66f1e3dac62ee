#ifndef AILoad_PacificTime_INCLUDED
#define AILoad_PacificTime_INCLUDED

#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

namespace AILoad {

class PacificTime
	/// US Pacific time (America/Los_Angeles), worked out from UTC by the US rule in force
	/// since 2007, without the system's time zone database (a container may have none, or
	/// another zone): standard time (PST, UTC-8), and daylight time (PDT, UTC-7) from the
	/// second Sunday in March at 2:00 local (10:00 UTC) to the first Sunday in November at
	/// 2:00 local (9:00 UTC).
	///
	/// Google resets per-day quotas at midnight Pacific time, so a Gemini upstream that has
	/// used up its daily quota is set aside until nextMidnight() (docs/quotas.md).
	/// Times before 1970 or after 9999 are taken as those years' ends.
{
public:
	static bool isDaylightTime(const Poco::Timestamp& at);
		/// True when `at` falls in PDT.

	static Poco::Timespan offset(const Poco::Timestamp& at);
		/// Local time minus UTC at `at`: -8 h or -7 h.

	static Poco::Timestamp nextMidnight(const Poco::Timestamp& now);
		/// The first midnight of Pacific time strictly after `now` (so exactly at midnight,
		/// the next one): 08:00 UTC in winter, 07:00 UTC in summer, the offset being the one
		/// in force at that midnight, not at `now`.
};

} // namespace AILoad

#endif

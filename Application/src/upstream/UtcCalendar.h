#ifndef AILoad_UtcCalendar_INCLUDED
#define AILoad_UtcCalendar_INCLUDED

#include <Poco/Types.h>

namespace AILoad {

class UtcCalendar
	/// Dates of the proleptic Gregorian calendar as whole days since 1970-01-01, in integer
	/// arithmetic only (no time zone database, no floating point): what ReportedLimits needs
	/// to read an RFC 3339 time and PacificTime to find a midnight.
	/// The algorithms are Howard Hinnant's days_from_civil and civil_from_days; every
	/// function is defined for any year that fits in an int.
{
public:
	struct Date
	{
		int year = 1970;
		int month = 1; /// 1..12
		int day = 1; /// 1..31
	};

	static Poco::Int64 daysOf(int year, int month, int day);
		/// Days since 1970-01-01 (negative before it). The date must be valid (isValid()).

	static Date dateOf(Poco::Int64 days);
		/// The date that many days after 1970-01-01; days must be within ±2^40.

	static int weekdayOf(Poco::Int64 days);
		/// 0 for Sunday .. 6 for Saturday.

	static int daysInMonth(int year, int month);
		/// 28..31; 0 for a month outside 1..12.

	static bool isValid(int year, int month, int day);

	static constexpr Poco::Int64 secondsPerDay = 86400;
	static constexpr Poco::Int64 microsecondsPerDay = secondsPerDay * 1000000;
};

} // namespace AILoad

#endif

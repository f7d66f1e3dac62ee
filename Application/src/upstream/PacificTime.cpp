#include "PacificTime.h"

#include "UtcCalendar.h"
#include <algorithm>

namespace AILoad {

namespace {

const Poco::Int64 microsecondsPerHour = Poco::Int64(3600) * 1000000;
const Poco::Int64 standardOffset = -8 * microsecondsPerHour;
const Poco::Int64 daylightOffset = -7 * microsecondsPerHour;


Poco::Int64 clampedMicros(const Poco::Timestamp& at)
	/// `at` within 1970-01-01 .. 9999-12-30, so that adding an offset or a day never overflows.
{
	static const Poco::Int64 latest = UtcCalendar::daysOf(9999, 12, 30) * UtcCalendar::microsecondsPerDay;
	return std::clamp<Poco::Int64>(at.epochMicroseconds(), 0, latest);
}


Poco::Int64 floorDays(Poco::Int64 micros)
{
	const Poco::Int64 days = micros / UtcCalendar::microsecondsPerDay;
	return micros % UtcCalendar::microsecondsPerDay < 0 ? days - 1 : days;
}


Poco::Int64 nthSunday(int year, int month, int n)
	/// The day (since the epoch) of the n-th Sunday of a month.
{
	const Poco::Int64 first = UtcCalendar::daysOf(year, month, 1);
	const int untilSunday = (7 - UtcCalendar::weekdayOf(first)) % 7;
	return first + untilSunday + 7 * (n - 1);
}


Poco::Int64 daylightStart(int year)
	/// The local day on which PDT begins (second Sunday in March).
{
	return nthSunday(year, 3, 2);
}


Poco::Int64 daylightEnd(int year)
	/// The local day on which PDT ends (first Sunday in November).
{
	return nthSunday(year, 11, 1);
}

} // namespace


bool PacificTime::isDaylightTime(const Poco::Timestamp& at)
{
	const Poco::Int64 micros = clampedMicros(at);
	// The switches are months away from New Year, so the UTC year is the local one.
	const int year = UtcCalendar::dateOf(floorDays(micros)).year;
	// 2:00 PST is 10:00 UTC; 2:00 PDT is 9:00 UTC.
	const Poco::Int64 start = daylightStart(year) * UtcCalendar::microsecondsPerDay + 10 * microsecondsPerHour;
	const Poco::Int64 end = daylightEnd(year) * UtcCalendar::microsecondsPerDay + 9 * microsecondsPerHour;
	return micros >= start && micros < end;
}


Poco::Timespan PacificTime::offset(const Poco::Timestamp& at)
{
	return Poco::Timespan(isDaylightTime(at) ? daylightOffset : standardOffset);
}


Poco::Timestamp PacificTime::nextMidnight(const Poco::Timestamp& now)
{
	const Poco::Int64 micros = clampedMicros(now);
	const Poco::Int64 local = micros + (isDaylightTime(Poco::Timestamp(micros)) ? daylightOffset : standardOffset);
	const Poco::Int64 day = floorDays(local) + 1;
	// Midnight precedes the 2:00 switch, so it keeps the offset of the day before: it is in
	// PDT from the day after the start through the day of the end.
	const int year = UtcCalendar::dateOf(day).year;
	const bool daylight = day > daylightStart(year) && day <= daylightEnd(year);
	return Poco::Timestamp(day * UtcCalendar::microsecondsPerDay - (daylight ? daylightOffset : standardOffset));
}

} // namespace AILoad

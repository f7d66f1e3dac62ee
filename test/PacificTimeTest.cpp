#include "PacificTimeTest.h"

#include "PacificTime.h"
#include "UtcCalendar.h"
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <string>

CPPUNIT_TEST_SUITE_REGISTRATION(PacificTimeTest);

using AILoad::PacificTime;
using AILoad::UtcCalendar;

namespace {

Poco::Timestamp utc(int year, int month, int day, int hour, int minute = 0, int second = 0)
	/// Through POCO's calendar, not the one under test.
{
	return Poco::DateTime(year, month, day, hour, minute, second).timestamp();
}


std::string iso(const Poco::Timestamp& at)
{
	return Poco::DateTimeFormatter::format(at, Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}


void checkAt(const Poco::Timestamp& expected, const Poco::Timestamp& actual, const CppUnit::SourceLine& line)
{
	CppUnit::assertEquals(iso(expected), iso(actual), line, "");
	CppUnit::assertEquals(expected.epochMicroseconds(), actual.epochMicroseconds(), line, "");
}

#define CHECK_AT(expected, actual) checkAt(expected, actual, CPPUNIT_SOURCELINE())

const Poco::Timespan pst(-8 * Poco::Timespan::HOURS);
const Poco::Timespan pdt(-7 * Poco::Timespan::HOURS);

} // namespace


void PacificTimeTest::testOrdinaryDays()
{
	// Winter: midnight PST is 08:00 UTC; in the morning UTC it is still the day before in California.
	CHECK_AT(utc(2026, 1, 15, 8), PacificTime::nextMidnight(utc(2026, 1, 15, 7, 59, 59)));
	CHECK_AT(utc(2026, 1, 16, 8), PacificTime::nextMidnight(utc(2026, 1, 15, 8, 0, 1)));
	CHECK_AT(utc(2026, 1, 16, 8), PacificTime::nextMidnight(utc(2026, 1, 15, 23, 30)));
	CPPUNIT_ASSERT(PacificTime::offset(utc(2026, 1, 15, 12)) == pst);
	CPPUNIT_ASSERT(!PacificTime::isDaylightTime(utc(2026, 1, 15, 12)));
	// Summer: midnight PDT is 07:00 UTC.
	CHECK_AT(utc(2025, 6, 2, 7), PacificTime::nextMidnight(utc(2025, 6, 1, 12)));
	CHECK_AT(utc(2025, 6, 1, 7), PacificTime::nextMidnight(utc(2025, 6, 1, 6, 59, 59)));
	CHECK_AT(utc(2026, 7, 5, 7), PacificTime::nextMidnight(utc(2026, 7, 4, 7, 0, 1)));
	CPPUNIT_ASSERT(PacificTime::offset(utc(2025, 6, 1, 12)) == pdt);
	// The last day of a month.
	CHECK_AT(utc(2026, 3, 1, 8), PacificTime::nextMidnight(utc(2026, 2, 28, 20)));
	CHECK_AT(utc(2024, 2, 29, 8), PacificTime::nextMidnight(utc(2024, 2, 28, 20))); // a leap year
}


void PacificTimeTest::testSpringForward()
{
	// 2026: PDT from Sunday 8 March, 2:00 PST = 10:00 UTC.
	CPPUNIT_ASSERT(!PacificTime::isDaylightTime(utc(2026, 3, 8, 9, 59, 59)));
	CPPUNIT_ASSERT(!PacificTime::isDaylightTime(utc(2026, 3, 8, 10) - 1));
	CPPUNIT_ASSERT(PacificTime::isDaylightTime(utc(2026, 3, 8, 10)));
	// 01:30 PST on the day of the switch: the next midnight is already in PDT.
	CHECK_AT(utc(2026, 3, 9, 7), PacificTime::nextMidnight(utc(2026, 3, 8, 9, 30)));
	// 03:30 PDT, just after it.
	CHECK_AT(utc(2026, 3, 9, 7), PacificTime::nextMidnight(utc(2026, 3, 8, 10, 30)));
	// The evening before: the midnight that starts the switch day is still PST.
	CHECK_AT(utc(2026, 3, 8, 8), PacificTime::nextMidnight(utc(2026, 3, 7, 20)));
	CHECK_AT(utc(2026, 3, 8, 8), PacificTime::nextMidnight(utc(2026, 3, 8, 7, 59, 59)));
	// Right at that midnight: the next one, 23 hours later.
	CHECK_AT(utc(2026, 3, 9, 7), PacificTime::nextMidnight(utc(2026, 3, 8, 8)));
}


void PacificTimeTest::testFallBack()
{
	// 2026: PST again from Sunday 1 November, 2:00 PDT = 09:00 UTC.
	CPPUNIT_ASSERT(PacificTime::isDaylightTime(utc(2026, 11, 1, 8, 59, 59)));
	CPPUNIT_ASSERT(!PacificTime::isDaylightTime(utc(2026, 11, 1, 9)));
	// The evening before (PDT): midnight that starts 1 November is still PDT.
	CHECK_AT(utc(2026, 11, 1, 7), PacificTime::nextMidnight(utc(2026, 10, 31, 20)));
	CHECK_AT(utc(2026, 11, 1, 7), PacificTime::nextMidnight(utc(2026, 11, 1, 6, 30)));
	// 01:30 PDT and, an hour later, 01:30 PST again: both wait for midnight PST, 08:00 UTC.
	CHECK_AT(utc(2026, 11, 2, 8), PacificTime::nextMidnight(utc(2026, 11, 1, 8, 30)));
	CHECK_AT(utc(2026, 11, 2, 8), PacificTime::nextMidnight(utc(2026, 11, 1, 9, 30)));
	// Right at the midnight of the switch day: the next one, 25 hours later.
	CHECK_AT(utc(2026, 11, 2, 8), PacificTime::nextMidnight(utc(2026, 11, 1, 7)));
	CHECK_AT(utc(2026, 11, 3, 8), PacificTime::nextMidnight(utc(2026, 11, 2, 8)));
}


void PacificTimeTest::testSwitchesOfOtherYears()
{
	struct Year
	{
		int year;
		int marchDay;
		int novemberDay;
	};
	// Second Sunday in March, first Sunday in November.
	const Year years[] = {{2024, 10, 3}, {2025, 9, 2}, {2027, 14, 7}, {2028, 12, 5}, {2030, 10, 3}, {2036, 9, 2}};
	for (const Year& y : years)
	{
		const std::string year = std::to_string(y.year);
		CPPUNIT_ASSERT_MESSAGE(year, !PacificTime::isDaylightTime(utc(y.year, 3, y.marchDay, 9, 59, 59)));
		CPPUNIT_ASSERT_MESSAGE(year, PacificTime::isDaylightTime(utc(y.year, 3, y.marchDay, 10)));
		CPPUNIT_ASSERT_MESSAGE(year, PacificTime::isDaylightTime(utc(y.year, 11, y.novemberDay, 8, 59, 59)));
		CPPUNIT_ASSERT_MESSAGE(year, !PacificTime::isDaylightTime(utc(y.year, 11, y.novemberDay, 9)));
		// A week before each switch the other offset holds.
		CPPUNIT_ASSERT_MESSAGE(year, !PacificTime::isDaylightTime(utc(y.year, 3, y.marchDay - 7, 12)));
		CPPUNIT_ASSERT_MESSAGE(year, PacificTime::isDaylightTime(utc(y.year, 10, 25, 12)));
		CHECK_AT(utc(y.year, 3, y.marchDay + 1, 7), PacificTime::nextMidnight(utc(y.year, 3, y.marchDay, 9, 30)));
		CHECK_AT(utc(y.year, 11, y.novemberDay + 1, 8), PacificTime::nextMidnight(utc(y.year, 11, y.novemberDay, 8, 30)));
	}
}


void PacificTimeTest::testAtMidnightAndNewYear()
{
	// Exactly at midnight: strictly after, the next day's.
	CHECK_AT(utc(2026, 1, 16, 8), PacificTime::nextMidnight(utc(2026, 1, 15, 8)));
	CHECK_AT(utc(2025, 6, 2, 7), PacificTime::nextMidnight(utc(2025, 6, 1, 7)));
	// One microsecond before it: that midnight.
	CHECK_AT(utc(2026, 1, 15, 8), PacificTime::nextMidnight(utc(2026, 1, 15, 8) - 1));
	// New Year's Eve, noon PST (20:00 UTC) and 23:30 PST (07:30 UTC on 1 January).
	CHECK_AT(utc(2026, 1, 1, 8), PacificTime::nextMidnight(utc(2025, 12, 31, 20)));
	CHECK_AT(utc(2026, 1, 1, 8), PacificTime::nextMidnight(utc(2026, 1, 1, 7, 30)));
	CHECK_AT(utc(2026, 1, 2, 8), PacificTime::nextMidnight(utc(2026, 1, 1, 8, 30)));
}


void PacificTimeTest::testHostileTimes()
{
	// A clock far off either way gives an answer, never undefined behaviour.
	const Poco::Timestamp earliest(Poco::Timestamp::TIMEVAL_MIN);
	const Poco::Timestamp latest(Poco::Timestamp::TIMEVAL_MAX);
	CHECK_AT(utc(1970, 1, 1, 8), PacificTime::nextMidnight(earliest));
	CHECK_AT(utc(1970, 1, 1, 8), PacificTime::nextMidnight(Poco::Timestamp(-1)));
	CPPUNIT_ASSERT(PacificTime::nextMidnight(latest) > utc(9999, 12, 30, 0));
	CPPUNIT_ASSERT(PacificTime::offset(latest) == pst);
	CPPUNIT_ASSERT(PacificTime::offset(earliest) == pst);
}


void PacificTimeTest::testCalendarAgainstPoco()
{
	// Every 13th day from 1600 to 2400, and its weekday.
	for (Poco::Int64 days = UtcCalendar::daysOf(1600, 1, 1); days < UtcCalendar::daysOf(2400, 1, 1); days += 13)
	{
		const UtcCalendar::Date date = UtcCalendar::dateOf(days);
		const Poco::DateTime poco(Poco::Timestamp(days * UtcCalendar::microsecondsPerDay));
		CPPUNIT_ASSERT_EQUAL(poco.year(), date.year);
		CPPUNIT_ASSERT_EQUAL(poco.month(), date.month);
		CPPUNIT_ASSERT_EQUAL(poco.day(), date.day);
		CPPUNIT_ASSERT_EQUAL(poco.dayOfWeek(), UtcCalendar::weekdayOf(days));
		CPPUNIT_ASSERT_EQUAL(days, UtcCalendar::daysOf(date.year, date.month, date.day));
	}
	CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), UtcCalendar::daysOf(1970, 1, 1));
	CPPUNIT_ASSERT_EQUAL(4, UtcCalendar::weekdayOf(0)); // a Thursday
	CPPUNIT_ASSERT_EQUAL(3, UtcCalendar::weekdayOf(-1)); // a Wednesday
	CPPUNIT_ASSERT(UtcCalendar::isValid(2024, 2, 29));
	CPPUNIT_ASSERT(!UtcCalendar::isValid(2025, 2, 29));
	CPPUNIT_ASSERT(!UtcCalendar::isValid(1900, 2, 29));
	CPPUNIT_ASSERT(UtcCalendar::isValid(2000, 2, 29));
	CPPUNIT_ASSERT(!UtcCalendar::isValid(2025, 4, 31));
	CPPUNIT_ASSERT(!UtcCalendar::isValid(2025, 0, 1));
	CPPUNIT_ASSERT(!UtcCalendar::isValid(2025, 13, 1));
	CPPUNIT_ASSERT(!UtcCalendar::isValid(2025, 1, 0));
}

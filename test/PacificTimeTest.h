#ifndef AILoad_PacificTimeTest_INCLUDED
#define AILoad_PacificTimeTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class PacificTimeTest: public CppUnit::TestFixture
	/// PacificTime and UtcCalendar: the next midnight in US Pacific time (when Google resets
	/// per-day quotas) from a fixed UTC time, on ordinary winter and summer days, across both
	/// daylight saving switches of several years, at midnight itself, over New Year, and for
	/// times far outside any real clock; and the calendar against POCO's.
{
	CPPUNIT_TEST_SUITE(PacificTimeTest);
	CPPUNIT_TEST(testOrdinaryDays);
	CPPUNIT_TEST(testSpringForward);
	CPPUNIT_TEST(testFallBack);
	CPPUNIT_TEST(testSwitchesOfOtherYears);
	CPPUNIT_TEST(testAtMidnightAndNewYear);
	CPPUNIT_TEST(testHostileTimes);
	CPPUNIT_TEST(testCalendarAgainstPoco);
	CPPUNIT_TEST_SUITE_END();

public:
	void testOrdinaryDays();
	void testSpringForward();
	void testFallBack();
	void testSwitchesOfOtherYears();
	void testAtMidnightAndNewYear();
	void testHostileTimes();
	void testCalendarAgainstPoco();
};

#endif

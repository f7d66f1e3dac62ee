#ifndef AILoad_UpstreamRegistryTest_INCLUDED
#define AILoad_UpstreamRegistryTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class UpstreamRegistryTest: public CppUnit::TestFixture
	/// The run-time state of the upstreams (UpstreamState, UpstreamRegistry), called directly
	/// on a ManualClock: cooldown reasons, ends and durations, the rpm/rpd windows sliding,
	/// the counters, and sync() keeping the state of names that stay and dropping the rest.
{
	CPPUNIT_TEST_SUITE(UpstreamRegistryTest);
	CPPUNIT_TEST(testCooldownReasonsAndEnds);
	CPPUNIT_TEST(testFailuresInARowDouble);
	CPPUNIT_TEST(testRetryAfterValues);
	CPPUNIT_TEST(testWindowsSlide);
	CPPUNIT_TEST(testCountersByOutcome);
	CPPUNIT_TEST(testSyncKeepsNamesThatStay);
	CPPUNIT_TEST_SUITE_END();

public:
	void testCooldownReasonsAndEnds();
	void testFailuresInARowDouble();
	void testRetryAfterValues();
	void testWindowsSlide();
	void testCountersByOutcome();
	void testSyncKeepsNamesThatStay();
};

#endif

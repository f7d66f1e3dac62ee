#ifndef AILoad_ResilienceTest_INCLUDED
#define AILoad_ResilienceTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class ResilienceTest: public CppUnit::TestFixture
	/// Upstreams and clients that misbehave on purpose: failover, cooldowns, rate limits,
	/// the answer when nothing is left, client time limits, overload, secrets, draining.
{
	CPPUNIT_TEST_SUITE(ResilienceTest);
	CPPUNIT_TEST(testFailoverOnConnectionRefused);
	CPPUNIT_TEST(testFailoverOnConnectTimeout);
	CPPUNIT_TEST(testFailoverOnEachRetryableStatus);
	CPPUNIT_TEST(testAttemptsAreBoundedAndNeverRepeated);
	CPPUNIT_TEST(testRetryAfterCooldowns);
	CPPUNIT_TEST(testBadKeyCooldownIsLogged);
	CPPUNIT_TEST(testThreeFailuresInARowCoolDown);
	CPPUNIT_TEST(testRequestsPerMinuteLimit);
	CPPUNIT_TEST(testRequestsPerDayLimit);
	CPPUNIT_TEST(testStateSurvivesReload);
	CPPUNIT_TEST(testEverythingBusyGivesHonestRetryAfter);
	CPPUNIT_TEST(testSilentConnectionIsClosed);
	CPPUNIT_TEST(testSlowRequestHeadGets408);
	CPPUNIT_TEST(testSlowRequestBodyGets408);
	CPPUNIT_TEST(testClientThatStopsReadingIsCutOff);
	CPPUNIT_TEST(testBusyServerAnswers503);
	CPPUNIT_TEST(testSecretsNeverLeak);
	CPPUNIT_TEST(testDrainLetsShortStreamsFinishAndCutsLongOnes);
	CPPUNIT_TEST(testBodiesInMemoryAreBounded);
	CPPUNIT_TEST_SUITE_END();

public:
	void testFailoverOnConnectionRefused();
	void testFailoverOnConnectTimeout();
	void testFailoverOnEachRetryableStatus();
	void testAttemptsAreBoundedAndNeverRepeated();
	void testRetryAfterCooldowns();
	void testBadKeyCooldownIsLogged();
	void testThreeFailuresInARowCoolDown();
	void testRequestsPerMinuteLimit();
	void testRequestsPerDayLimit();
	void testStateSurvivesReload();
	void testEverythingBusyGivesHonestRetryAfter();
	void testSilentConnectionIsClosed();
	void testSlowRequestHeadGets408();
	void testSlowRequestBodyGets408();
	void testClientThatStopsReadingIsCutOff();
	void testBusyServerAnswers503();
	void testSecretsNeverLeak();
	void testDrainLetsShortStreamsFinishAndCutsLongOnes();
	void testBodiesInMemoryAreBounded();
};

#endif

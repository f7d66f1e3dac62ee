#ifndef AILoad_UpstreamPoolTest_INCLUDED
#define AILoad_UpstreamPoolTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class UpstreamPoolTest: public CppUnit::TestFixture
	/// Upstream connections kept alive between requests: reuse, stale connections, the
	/// retry on a dead reused connection, and eviction.
{
	CPPUNIT_TEST_SUITE(UpstreamPoolTest);
	CPPUNIT_TEST(testConnectionsAreReused);
	CPPUNIT_TEST(testTlsConnectionsAreReused);
	CPPUNIT_TEST(testConnectionClosedByUpstreamIsNotUsed);
	CPPUNIT_TEST(testConnectionClosedSoonAfterItsAnswerIsSentAgain);
	CPPUNIT_TEST(testDeadReusedConnectionRetriedOnFreshOne);
	CPPUNIT_TEST(testBrokenAnswerIsNotPooled);
	CPPUNIT_TEST(testIdleConnectionsAreClosed);
	CPPUNIT_TEST_SUITE_END();

public:
	void testConnectionsAreReused();
	void testTlsConnectionsAreReused();
	void testConnectionClosedByUpstreamIsNotUsed();
	void testConnectionClosedSoonAfterItsAnswerIsSentAgain();
	void testDeadReusedConnectionRetriedOnFreshOne();
	void testBrokenAnswerIsNotPooled();
	void testIdleConnectionsAreClosed();
};

#endif

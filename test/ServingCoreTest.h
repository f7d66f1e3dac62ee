#ifndef AILoad_ServingCoreTest_INCLUDED
#define AILoad_ServingCoreTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class ServingCoreTest: public CppUnit::TestFixture
	/// The serving core (docs/performance.md, "Serving core"): idle connections and open
	/// streams wait in the event loops, not in threads, and are served as before.
{
	CPPUNIT_TEST_SUITE(ServingCoreTest);
	CPPUNIT_TEST(testIdleConnectionsHoldNoThread);
	CPPUNIT_TEST(testStreamsHoldNoThread);
	CPPUNIT_TEST(testPipelinedRequestsAreAnsweredInOrder);
	CPPUNIT_TEST(testWaitingForUpstreamsHoldsNoWorker);
	CPPUNIT_TEST(testClientLeavingAKeptAliveConnectionIsSeen);
	CPPUNIT_TEST(testRequestSentWhileTheAnswerIsAwaitedIsAnsweredNext);
	CPPUNIT_TEST(testSlowReaderCostsNoCpu);
	CPPUNIT_TEST_SUITE_END();

public:
	void testIdleConnectionsHoldNoThread();
	void testStreamsHoldNoThread();
	void testPipelinedRequestsAreAnsweredInOrder();
	void testWaitingForUpstreamsHoldsNoWorker();
	void testClientLeavingAKeptAliveConnectionIsSeen();
	void testRequestSentWhileTheAnswerIsAwaitedIsAnsweredNext();
	void testSlowReaderCostsNoCpu();
};

#endif

#ifndef AILoad_StreamingTest_INCLUDED
#define AILoad_StreamingTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class StreamingTest: public CppUnit::TestFixture
	/// SSE and other bodies relayed piece by piece: timing, clients that leave, upstreams
	/// that break off, and the framing the client sees in each case.
{
	CPPUNIT_TEST_SUITE(StreamingTest);
	CPPUNIT_TEST(testEventsArriveAsTheyAreSent);
	CPPUNIT_TEST(testClientLeavingMidStreamReleasesUpstream);
	CPPUNIT_TEST(testClientLeavingBeforeTheAnswerReleasesUpstream);
	CPPUNIT_TEST(testUpstreamBreakingOffStreamIsVisible);
	CPPUNIT_TEST(testUpstreamBreakingOffPlainBodyIsVisible);
	CPPUNIT_TEST(testChunkedPlainBodyRelayed);
	CPPUNIT_TEST(testStreamFailsOverBeforeFirstByte);
	CPPUNIT_TEST(testUpstreamSilentTooLongTimesOut);
	CPPUNIT_TEST_SUITE_END();

public:
	void testEventsArriveAsTheyAreSent();
	void testClientLeavingMidStreamReleasesUpstream();
	void testClientLeavingBeforeTheAnswerReleasesUpstream();
	void testUpstreamBreakingOffStreamIsVisible();
	void testUpstreamBreakingOffPlainBodyIsVisible();
	void testChunkedPlainBodyRelayed();
	void testStreamFailsOverBeforeFirstByte();
	void testUpstreamSilentTooLongTimesOut();
};

#endif

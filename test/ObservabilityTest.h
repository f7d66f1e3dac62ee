#ifndef AILoad_ObservabilityTest_INCLUDED
#define AILoad_ObservabilityTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class ObservabilityTest: public CppUnit::TestFixture
	/// What an operator sees of the requests a gateway in front of mock upstreams served:
	/// request ids, the access log, /metrics and /status.json (docs/observability.md).
{
	CPPUNIT_TEST_SUITE(ObservabilityTest);
	CPPUNIT_TEST(testRequestIdKeptSentAndReturned);
	CPPUNIT_TEST(testHostileRequestIdReplaced);
	CPPUNIT_TEST(testErrorsNameTheRequestId);
	CPPUNIT_TEST(testAccessLogLine);
	CPPUNIT_TEST(testAccessLogLineFormat);
	CPPUNIT_TEST(testAccessLogDropsWhenFullAndNeverBlocks);
	CPPUNIT_TEST(testAccessLogRotates);
	CPPUNIT_TEST(testMetricsCountAttemptsAndFailovers);
	CPPUNIT_TEST(testMetricsNeedTheAdminToken);
	CPPUNIT_TEST(testScrapeDuringReloadSeesOneConfig);
	CPPUNIT_TEST(testStatusJson);
	CPPUNIT_TEST_SUITE_END();

public:
	void testRequestIdKeptSentAndReturned();
	void testHostileRequestIdReplaced();
	void testErrorsNameTheRequestId();
	void testAccessLogLine();
	void testAccessLogLineFormat();
	void testAccessLogDropsWhenFullAndNeverBlocks();
	void testAccessLogRotates();
	void testMetricsCountAttemptsAndFailovers();
	void testMetricsNeedTheAdminToken();
	void testScrapeDuringReloadSeesOneConfig();
	void testStatusJson();
};

#endif

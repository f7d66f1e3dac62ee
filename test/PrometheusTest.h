#ifndef AILoad_PrometheusTest_INCLUDED
#define AILoad_PrometheusTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class PrometheusTest: public CppUnit::TestFixture
	/// GET /metrics read by Prometheus' own programs after real traffic (answers, a failover
	/// after a 429, a stream, a 429 to the client): `promtool check metrics` finds nothing
	/// to complain about, and a prometheus server that scrapes the gateway with the admin
	/// token reads back what the test sent. Both fail without Debian's prometheus package
	/// unless AILOAD_SKIP_PROMETHEUS_TESTS=1.
{
	CPPUNIT_TEST_SUITE(PrometheusTest);
	CPPUNIT_TEST(testPromtoolAcceptsMetrics);
	CPPUNIT_TEST(testPrometheusScrapesGateway);
	CPPUNIT_TEST_SUITE_END();

public:
	void testPromtoolAcceptsMetrics();
	void testPrometheusScrapesGateway();
};

#endif

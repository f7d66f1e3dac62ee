#ifndef AILoad_HardeningTest_INCLUDED
#define AILoad_HardeningTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class HardeningTest: public CppUnit::TestFixture
	/// What an attacker tried: a second AILoad on the port, request loops, account headers
	/// from the client, idle connections that lock everyone out, clients hanging during the
	/// drain, and a config path that is a FIFO. Gateways run in-process, or the real binary
	/// where the process is what matters; every wait has a deadline.
{
	CPPUNIT_TEST_SUITE(HardeningTest);
	CPPUNIT_TEST(testSecondGatewayOnSamePortFails);
	CPPUNIT_TEST(testSecondProcessOnSamePortExits);
	CPPUNIT_TEST(testViaMarkerIsRandomPerGateway);
	CPPUNIT_TEST(testViaHeaderHelpers);
	CPPUNIT_TEST(testOwnViaMarkerAndTooManyHopsGet508);
	CPPUNIT_TEST(testUpstreamRequestCarriesVia);
	CPPUNIT_TEST(testBaseUrlPointingAtItselfGets508);
	CPPUNIT_TEST(testCheckConfigWarnsAboutSelfLoop);
	CPPUNIT_TEST(testAccountHeadersAreNotForwarded);
	CPPUNIT_TEST(testConnectionsPerAddressCounting);
	CPPUNIT_TEST(testConnectionCapPerAddress);
	CPPUNIT_TEST(testTrustedProxyIsExemptFromConnectionCap);
	CPPUNIT_TEST(testDrainRefusesNewConnections);
	CPPUNIT_TEST(testConfigFifoIsRefused);
	CPPUNIT_TEST(testFifoConfigReloadThenSigterm);
	CPPUNIT_TEST_SUITE_END();

public:
	void testSecondGatewayOnSamePortFails();
	void testSecondProcessOnSamePortExits();
	void testViaMarkerIsRandomPerGateway();
	void testViaHeaderHelpers();
	void testOwnViaMarkerAndTooManyHopsGet508();
	void testUpstreamRequestCarriesVia();
	void testBaseUrlPointingAtItselfGets508();
	void testCheckConfigWarnsAboutSelfLoop();
	void testAccountHeadersAreNotForwarded();
	void testConnectionsPerAddressCounting();
	void testConnectionCapPerAddress();
	void testTrustedProxyIsExemptFromConnectionCap();
	void testDrainRefusesNewConnections();
	void testConfigFifoIsRefused();
	void testFifoConfigReloadThenSigterm();
};

#endif

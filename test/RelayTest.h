#ifndef AILoad_RelayTest_INCLUDED
#define AILoad_RelayTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class RelayTest: public CppUnit::TestFixture
	/// The gateway in front of mock upstreams: what the client gets and what the upstream
	/// received, for plain requests, bad input, authentication and model resolution.
{
	CPPUNIT_TEST_SUITE(RelayTest);
	CPPUNIT_TEST(testPlainCompletion);
	CPPUNIT_TEST(testRequestsOnOneConnection);
	CPPUNIT_TEST(testBodyForwardedByteForByte);
	CPPUNIT_TEST(testHeadersBothWays);
	CPPUNIT_TEST(testBaseUrlForms);
	CPPUNIT_TEST(testApiKeyFromEnvironmentAndNoKey);
	CPPUNIT_TEST(testUpstreamErrorsRelayedAsTheyAre);
	CPPUNIT_TEST(testAuthentication);
	CPPUNIT_TEST(testBadInputGetsClearErrors);
	CPPUNIT_TEST(testBodyTooLarge);
	CPPUNIT_TEST(testUnsafeHeaderRejected);
	CPPUNIT_TEST(testModelResolution);
	CPPUNIT_TEST(testRoundRobinSpreadsEvenly);
	CPPUNIT_TEST(testModelsList);
	CPPUNIT_TEST(testHealth);
	CPPUNIT_TEST(testFailoverToNextUpstream);
	CPPUNIT_TEST_SUITE_END();

public:
	void testPlainCompletion();
	void testRequestsOnOneConnection();
	void testBodyForwardedByteForByte();
	void testHeadersBothWays();
	void testBaseUrlForms();
	void testApiKeyFromEnvironmentAndNoKey();
	void testUpstreamErrorsRelayedAsTheyAre();
	void testAuthentication();
	void testBadInputGetsClearErrors();
	void testBodyTooLarge();
	void testUnsafeHeaderRejected();
	void testModelResolution();
	void testRoundRobinSpreadsEvenly();
	void testModelsList();
	void testHealth();
	void testFailoverToNextUpstream();
};

#endif

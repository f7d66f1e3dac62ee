#ifndef AILoad_IpAffinityStrategyTest_INCLUDED
#define AILoad_IpAffinityStrategyTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class IpAffinityStrategyTest: public CppUnit::TestFixture
	/// The `ip-affinity` strategy plugin in the default chain, through the gateway and mock
	/// upstreams: keys stick and spread, are placed afresh when their upstream is gone or
	/// cooling down, forwarded addresses count only from trusted proxies;
	/// and, called directly on a ManualClock, keys expire after their TTL, memory stays
	/// bounded under a million keys, and a reload forgets the keys on upstreams no longer
	/// configured and the upstream names no key points to.
{
	CPPUNIT_TEST_SUITE(IpAffinityStrategyTest);
	CPPUNIT_TEST(testKeysStickAndSpread);
	CPPUNIT_TEST(testKeyPlacedAfreshAfterTtl);
	CPPUNIT_TEST(testKeyPlacedAfreshWhenUpstreamGone);
	CPPUNIT_TEST(testKeyPlacedAfreshWhenUpstreamCoolsDown);
	CPPUNIT_TEST(testForwardedAddressOnlyFromTrustedProxies);
	CPPUNIT_TEST(testMemoryStaysBounded);
	CPPUNIT_TEST(testUpstreamNamesForgottenOnReload);
	CPPUNIT_TEST(testKeysOnGoneUpstreamsForgottenOnReload);
	CPPUNIT_TEST_SUITE_END();

public:
	void testKeysStickAndSpread();
	void testKeyPlacedAfreshAfterTtl();
	void testKeyPlacedAfreshWhenUpstreamGone();
	void testKeyPlacedAfreshWhenUpstreamCoolsDown();
	void testForwardedAddressOnlyFromTrustedProxies();
	void testMemoryStaysBounded();
	void testUpstreamNamesForgottenOnReload();
	void testKeysOnGoneUpstreamsForgottenOnReload();
};

#endif

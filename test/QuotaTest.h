#ifndef AILoad_QuotaTest_INCLUDED
#define AILoad_QuotaTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class QuotaTest: public CppUnit::TestFixture
	/// How the gateway answers each way an upstream says it is limited (docs/quotas.md): the
	/// mock upstream answers as each provider documents it, and the tests check where the
	/// next requests go and when the limited upstream comes back.
{
	CPPUNIT_TEST_SUITE(QuotaTest);
	CPPUNIT_TEST(testOpenAiInsufficientQuota);
	CPPUNIT_TEST(testPaymentRequired);
	CPPUNIT_TEST(testGroqRemainingZeroOnSuccess);
	CPPUNIT_TEST(testAnthropicRemainingZero);
	CPPUNIT_TEST(testOpenRouterRemainingZero);
	CPPUNIT_TEST(testRetryAfterMs);
	CPPUNIT_TEST(testGeminiPerMinute);
	CPPUNIT_TEST(testGeminiPerDayHeldUntilMidnightPacific);
	CPPUNIT_TEST(testTokensPerMinute);
	CPPUNIT_TEST(testFailingUpstreamIsProbed);
	CPPUNIT_TEST(testErrorInFirstEventFailsOver);
	CPPUNIT_TEST(testStreamStartsAfterCommentsAndKeepsItsBytes);
	CPPUNIT_TEST_SUITE_END();

public:
	void testOpenAiInsufficientQuota();
	void testPaymentRequired();
	void testGroqRemainingZeroOnSuccess();
	void testAnthropicRemainingZero();
	void testOpenRouterRemainingZero();
	void testRetryAfterMs();
	void testGeminiPerMinute();
	void testGeminiPerDayHeldUntilMidnightPacific();
	void testTokensPerMinute();
	void testFailingUpstreamIsProbed();
	void testErrorInFirstEventFailsOver();
	void testStreamStartsAfterCommentsAndKeepsItsBytes();
};

#endif

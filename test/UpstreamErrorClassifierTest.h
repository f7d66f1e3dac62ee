#ifndef AILoad_UpstreamErrorClassifierTest_INCLUDED
#define AILoad_UpstreamErrorClassifierTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class UpstreamErrorClassifierTest: public CppUnit::TestFixture
	/// UpstreamErrorClassifier at a fixed time, on error answers as the providers send them:
	/// OpenAI's insufficient_quota and rate limit 429s, OpenRouter's 402 and daily limit,
	/// Gemini per minute, per day and wrapped in an array, Groq's and Anthropic's 429s with
	/// their headers, bad keys, statuses that are none of these, an error in a 200 stream's
	/// first event, garbage and a 10 MB body; and that the reason never carries body text.
{
	CPPUNIT_TEST_SUITE(UpstreamErrorClassifierTest);
	CPPUNIT_TEST(testOpenAIInsufficientQuota);
	CPPUNIT_TEST(testOpenAIRateLimit);
	CPPUNIT_TEST(testPaymentRequired);
	CPPUNIT_TEST(testOpenRouterDailyLimit);
	CPPUNIT_TEST(testGeminiPerMinute);
	CPPUNIT_TEST(testGeminiPerDay);
	CPPUNIT_TEST(testGeminiArrayWrapped);
	CPPUNIT_TEST(testGroqRateLimit);
	CPPUNIT_TEST(testAnthropicRateLimit);
	CPPUNIT_TEST(testPlainRateLimit);
	CPPUNIT_TEST(testBadKey);
	CPPUNIT_TEST(testOtherStatuses);
	CPPUNIT_TEST(testErrorInFirstEvent);
	CPPUNIT_TEST(testGarbageBodies);
	CPPUNIT_TEST(testHugeBody);
	CPPUNIT_TEST(testQuotaCooldownBounds);
	CPPUNIT_TEST(testReasonCarriesNoBodyText);
	CPPUNIT_TEST(testRandomBodiesNeverCrash);
	CPPUNIT_TEST_SUITE_END();

public:
	void testOpenAIInsufficientQuota();
	void testOpenAIRateLimit();
	void testPaymentRequired();
	void testOpenRouterDailyLimit();
	void testGeminiPerMinute();
	void testGeminiPerDay();
	void testGeminiArrayWrapped();
	void testGroqRateLimit();
	void testAnthropicRateLimit();
	void testPlainRateLimit();
	void testBadKey();
	void testOtherStatuses();
	void testErrorInFirstEvent();
	void testGarbageBodies();
	void testHugeBody();
	void testQuotaCooldownBounds();
	void testReasonCarriesNoBodyText();
	void testRandomBodiesNeverCrash();
};

#endif

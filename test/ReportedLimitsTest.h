#ifndef AILoad_ReportedLimitsTest_INCLUDED
#define AILoad_ReportedLimitsTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class ReportedLimitsTest: public CppUnit::TestFixture
	/// ReportedLimits at a fixed time: the limit headers of OpenAI, Groq, Cerebras, OpenRouter
	/// and Anthropic with values as each provider documents them, Retry-After and
	/// retry-after-ms, which reported window is kept, when an upstream is set aside and until
	/// when, and hostile values (negative, huge, garbage, far-off dates), which are ignored or
	/// clamped and never crash.
{
	CPPUNIT_TEST_SUITE(ReportedLimitsTest);
	CPPUNIT_TEST(testOpenAIHeaders);
	CPPUNIT_TEST(testGroqHeaders);
	CPPUNIT_TEST(testCerebrasHeaders);
	CPPUNIT_TEST(testOpenRouterHeaders);
	CPPUNIT_TEST(testResetTimeBySize);
	CPPUNIT_TEST(testAnthropicHeaders);
	CPPUNIT_TEST(testGoDurations);
	CPPUNIT_TEST(testRfc3339Times);
	CPPUNIT_TEST(testRetryAfter);
	CPPUNIT_TEST(testSetAside);
	CPPUNIT_TEST(testClosestToLimitIsKept);
	CPPUNIT_TEST(testHostileValues);
	CPPUNIT_TEST(testRandomValuesNeverCrash);
	CPPUNIT_TEST_SUITE_END();

public:
	void testOpenAIHeaders();
	void testGroqHeaders();
	void testCerebrasHeaders();
	void testOpenRouterHeaders();
	void testResetTimeBySize();
	void testAnthropicHeaders();
	void testGoDurations();
	void testRfc3339Times();
	void testRetryAfter();
	void testSetAside();
	void testClosestToLimitIsKept();
	void testHostileValues();
	void testRandomValuesNeverCrash();
};

#endif

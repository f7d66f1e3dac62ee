#ifndef AILoad_UsageTest_INCLUDED
#define AILoad_UsageTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class UsageTest: public CppUnit::TestFixture
	/// Usage end to end (docs/observability.md, "Usage"): what goes upstream, what the client
	/// gets back compared byte for byte with what the upstream sends a client directly, an
	/// upstream's bad usage, and the counts the relay reads.
{
	CPPUNIT_TEST_SUITE(UsageTest);
	CPPUNIT_TEST(testUnaskedUsageIsAskedForAndRemoved);
	CPPUNIT_TEST(testClientsOwnStreamOptionsUntouched);
	CPPUNIT_TEST(testPlainAnswersAndOtherPathsUntouched);
	CPPUNIT_TEST(testMalformedUsageDoesNotFailTheRequest);
	CPPUNIT_TEST(testEventStreamWithContentLengthIsReframed);
	CPPUNIT_TEST(testRelayReadsUsage);
	CPPUNIT_TEST_SUITE_END();

public:
	void testUnaskedUsageIsAskedForAndRemoved();
	void testClientsOwnStreamOptionsUntouched();
	void testPlainAnswersAndOtherPathsUntouched();
	void testMalformedUsageDoesNotFailTheRequest();
	void testEventStreamWithContentLengthIsReframed();
	void testRelayReadsUsage();
};

#endif

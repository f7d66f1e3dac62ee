#ifndef AILoad_StreamUsageFilterTest_INCLUDED
#define AILoad_StreamUsageFilterTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class StreamUsageFilterTest: public CppUnit::TestFixture
	/// StreamUsageFilter, JsonUsageTap and UsageReader on their own (docs/observability.md,
	/// "Usage"): what is removed from an event stream, byte for byte, however it is split
	/// into pieces, and which usage is read from what.
{
	CPPUNIT_TEST_SUITE(StreamUsageFilterTest);
	CPPUNIT_TEST(testTapPassesEveryPieceAsItIs);
	CPPUNIT_TEST(testRemovesWhatIncludeUsageAdds);
	CPPUNIT_TEST(testRemovesAtEverySplit);
	CPPUNIT_TEST(testCrLfAndCrLineEnds);
	CPPUNIT_TEST(testUsageNullAnywhereInTheObject);
	CPPUNIT_TEST(testCompleteEventsGoOutAtOnce);
	CPPUNIT_TEST(testWhatCannotBeReadIsNotEdited);
	CPPUNIT_TEST(testMissingOrMalformedUsageIsUnknown);
	CPPUNIT_TEST(testOversizeEventGivesUp);
	CPPUNIT_TEST(testHeldTailAtTheEnd);
	CPPUNIT_TEST(testJsonBodyUsage);
	CPPUNIT_TEST_SUITE_END();

public:
	void testTapPassesEveryPieceAsItIs();
	void testRemovesWhatIncludeUsageAdds();
	void testRemovesAtEverySplit();
	void testCrLfAndCrLineEnds();
	void testUsageNullAnywhereInTheObject();
	void testCompleteEventsGoOutAtOnce();
	void testWhatCannotBeReadIsNotEdited();
	void testMissingOrMalformedUsageIsUnknown();
	void testOversizeEventGivesUp();
	void testHeldTailAtTheEnd();
	void testJsonBodyUsage();
};

#endif

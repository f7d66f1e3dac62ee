#ifndef AILoad_ConformanceTest_INCLUDED
#define AILoad_ConformanceTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class ConformanceTest: public CppUnit::TestFixture
	/// HTTP/1.1 framing on raw sockets: requests the gateway must refuse (smuggling,
	/// malformed heads and chunks, unsafe paths), what it forwards, and upstream
	/// answers it must not relay or reuse a connection after.
{
	CPPUNIT_TEST_SUITE(ConformanceTest);
	CPPUNIT_TEST(testContentLengthWithChunkedIsRefused);
	CPPUNIT_TEST(testDifferentContentLengthsAreRefused);
	CPPUNIT_TEST(testIdenticalContentLengthsAreAccepted);
	CPPUNIT_TEST(testContentLengthMustBeDigits);
	CPPUNIT_TEST(testWhitespaceBeforeColonIsRefused);
	CPPUNIT_TEST(testTransferEncodingOtherThanChunkedGets501);
	CPPUNIT_TEST(testObsFoldAndLineWithoutColonAreRefused);
	CPPUNIT_TEST(testBareCrInHeaderIsRefused);
	CPPUNIT_TEST(testNulInHeaderIsRefused);
	CPPUNIT_TEST(testHttp11RequiresHost);
	CPPUNIT_TEST(testHttp10NeedsNoHost);
	CPPUNIT_TEST(testPostWithoutBodyLengthIsAnsweredAtOnce);
	CPPUNIT_TEST(testChunkedBodyIsRelayedDechunked);
	CPPUNIT_TEST(testMalformedChunksAreRefused);
	CPPUNIT_TEST(testExpectContinueRefusalComesBeforeContinue);
	CPPUNIT_TEST(testExpectContinueThenAnswer);
	CPPUNIT_TEST(testDotSegmentsAndEncodedSeparatorsAreRefused);
	CPPUNIT_TEST(testEncodedUnreservedCharacterIsNormalised);
	CPPUNIT_TEST(testClientCredentialsAreNotForwarded);
	CPPUNIT_TEST(testMalformedUpstreamContentLengthIsNotRelayed);
	CPPUNIT_TEST(testHugeChunkSizeInAnswerCutsOffAndDropsConnection);
	CPPUNIT_TEST(testBadChunkLineInAnswerCutsOffAndDropsConnection);
	CPPUNIT_TEST(testInterimAnswersAreNotTakenForTheAnswer);
	CPPUNIT_TEST(testAnswerArrivingInPiecesIsRead);
	CPPUNIT_TEST(testFieldsTheAnswerCallsHopByHopAreNotRelayed);
	CPPUNIT_TEST(testSwitchingProtocolsAnswerIs502);
	CPPUNIT_TEST(testUpstreamTransferEncodingConflictsAreNotRelayed);
	CPPUNIT_TEST(testMalformedUpstreamHeadersAreNotRelayed);
	CPPUNIT_TEST_SUITE_END();

public:
	void testContentLengthWithChunkedIsRefused();
	void testDifferentContentLengthsAreRefused();
	void testIdenticalContentLengthsAreAccepted();
	void testContentLengthMustBeDigits();
	void testWhitespaceBeforeColonIsRefused();
	void testTransferEncodingOtherThanChunkedGets501();
	void testObsFoldAndLineWithoutColonAreRefused();
	void testBareCrInHeaderIsRefused();
	void testNulInHeaderIsRefused();
	void testHttp11RequiresHost();
	void testHttp10NeedsNoHost();
	void testPostWithoutBodyLengthIsAnsweredAtOnce();
	void testChunkedBodyIsRelayedDechunked();
	void testMalformedChunksAreRefused();
	void testExpectContinueRefusalComesBeforeContinue();
	void testExpectContinueThenAnswer();
	void testDotSegmentsAndEncodedSeparatorsAreRefused();
	void testEncodedUnreservedCharacterIsNormalised();
	void testClientCredentialsAreNotForwarded();
	void testMalformedUpstreamContentLengthIsNotRelayed();
	void testHugeChunkSizeInAnswerCutsOffAndDropsConnection();
	void testBadChunkLineInAnswerCutsOffAndDropsConnection();
	void testInterimAnswersAreNotTakenForTheAnswer();
	void testAnswerArrivingInPiecesIsRead();
	void testFieldsTheAnswerCallsHopByHopAreNotRelayed();
	void testSwitchingProtocolsAnswerIs502();
	void testUpstreamTransferEncodingConflictsAreNotRelayed();
	void testMalformedUpstreamHeadersAreNotRelayed();
};

#endif

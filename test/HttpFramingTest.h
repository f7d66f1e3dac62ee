#ifndef HttpFramingTest_INCLUDED
#define HttpFramingTest_INCLUDED

#include <cppunit/Test.h>
#include <cppunit/TestFixture.h>

class HttpFramingTest: public CppUnit::TestFixture
	/// Tests the strict HTTP/1.1 reading shared by requests and upstream answers:
	/// AILoad::HttpHeadParser, BodyFraming, ChunkedBodyDecoder and RequestPath, rule by rule
	/// (docs/reliability.md, "Strict HTTP"). ConformanceTest checks the same rules end to end.
{
public:
	void testFindHeadAgreesWithReadHead();
	void testRequestHeadParsed();
	void testMalformedRequestHeadsRefused();
	void testResponseHeadParsed();
	void testMalformedResponseHeadsRefused();
	void testContentLengthRules();
	void testTransferEncodingRules();
	void testChunkedBodyDecoded();
	void testMalformedChunksRefused();
	void testPathNormalised();
	void testEscapingPathsRefused();

	static CppUnit::Test* suite();
};

#endif

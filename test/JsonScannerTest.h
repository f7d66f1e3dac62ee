//
// JsonScannerTest.h
//
// Definition of the JsonScannerTest class.
//


#ifndef JsonScannerTest_INCLUDED
#define JsonScannerTest_INCLUDED


#include <cppunit/Test.h>
#include <cppunit/TestFixture.h>


class JsonScannerTest: public CppUnit::TestFixture
	/// Tests AILoad::JsonScanner: what it accepts, the member spans it reports for the
	/// top-level object (the relay splices bodies with them), and the exact position and
	/// message of each kind of syntax error (users see them for their config file).
{
public:
	void testScalars();
	void testContainersAndNesting();
	void testStringsAndEscapes();
	void testNumbers();
	void testRawUtf8();
	void testMemberSpans();
	void testNestedModelIsNotTopLevel();
	void testDuplicateKeysFindLast();
	void testEscapedKey();
	void testNonObjectHasNoMembers();
	void testTrailingComma();
	void testMissingColon();
	void testUnterminatedString();
	void testControlCharacterInString();
	void testBadEscape();
	void testLeadingZero();
	void testBadNumbersAndLiterals();
	void testEmptyText();
	void testGarbageAfterValue();
	void testLineAndByteColumn();
	void testDeepNesting();
	void testDescribeError();
	void testDecodeString();
	void testDecodeQuoteAndSlash();

	static CppUnit::Test* suite();
};


#endif // JsonScannerTest_INCLUDED

//
// ModelRewriterTest.h
//
// Definition of the ModelRewriterTest class.
//


#ifndef ModelRewriterTest_INCLUDED
#define ModelRewriterTest_INCLUDED


#include <cppunit/Test.h>
#include <cppunit/TestFixture.h>


class ModelRewriterTest: public CppUnit::TestFixture
	/// Tests AILoad::ModelRewriter: the body sent upstream must be the client's bytes with
	/// only the top-level "model" value replaced (docs/api.md, "What goes upstream"), and
	/// include_usage added when the gateway asks for usage (docs/observability.md, "Usage"),
	/// so every case compares the whole expected text byte for byte.
{
public:
	void testNumbersUnchanged();
	void testEscapesAndUtf8Unchanged();
	void testOddWhitespace();
	void testNestedModelStays();
	void testModelLast();
	void testModelNotAString();
	void testDuplicateModelsAllReplaced();
	void testEscapedModelKey();
	void testNewModelNeedsEscapes();
	void testInsertedWhenAbsent();
	void testInsertedIntoEmptyObject();
	void testUsageOptionAddedLast();
	void testUsageOptionWithInsertedModel();
	void testWhenUsageIsAskedFor();

	static CppUnit::Test* suite();
};


#endif // ModelRewriterTest_INCLUDED

//
// ModelRewriterTest.cpp
//
// Tests of AILoad::ModelRewriter.
//


#include "ModelRewriterTest.h"
#include "JsonScanner.h"
#include "ModelRewriter.h"
#include <cppunit/TestAssert.h>
#include <cppunit/TestCaller.h>
#include <cppunit/TestSuite.h>
#include <cppunit/extensions/HelperMacros.h>
#include <string>

CPPUNIT_TEST_SUITE_REGISTRATION(ModelRewriterTest);


using AILoad::JsonScanner;
using AILoad::ModelRewriter;


namespace {


std::string rewrite(const std::string& body, const std::string& model = "new-model", bool askForUsage = false)
	/// Rewrites as the relay does, and checks that the result is still a valid object
	/// whose (last) top-level model is the new one, as the upstream will read it, that the
	/// splice's size is the length of what it writes (the Content-Length sent), and that
	/// include_usage is there when asked for.
{
	const JsonScanner::Result scanned = JsonScanner::scan(body);
	CPPUNIT_ASSERT_MESSAGE("test input must be valid: " + body, scanned.valid && scanned.isObject);
	const std::string result = ModelRewriter::rewrite(body, scanned, model, askForUsage);
	CPPUNIT_ASSERT_EQUAL(result.size(), ModelRewriter::splice(body, scanned, model, askForUsage).size());

	const JsonScanner::Result check = JsonScanner::scan(result);
	CPPUNIT_ASSERT_MESSAGE("rewritten body is not valid JSON: " + result + " (" + check.describeError() + ")", check.valid && check.isObject);
	const JsonScanner::Member* member = check.find("model");
	CPPUNIT_ASSERT_MESSAGE("rewritten body has no model: " + result, member != nullptr);
	const std::string value = result.substr(member->valueBegin, member->valueEnd - member->valueBegin);
	CPPUNIT_ASSERT_MESSAGE("model is not a string: " + result, value.size() >= 2 && value.front() == '"');
	const JsonScanner::Member* options = check.find("stream_options");
	if (askForUsage)
	{
		CPPUNIT_ASSERT_MESSAGE("no stream_options: " + result, options != nullptr);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"include_usage\":true}"), result.substr(options->valueBegin, options->valueEnd - options->valueBegin));
	}
	return result;
}


bool mustAsk(const std::string& path, const std::string& body)
{
	const JsonScanner::Result scanned = JsonScanner::scan(body);
	const JsonScanner::Member* stream = scanned.find("stream");
	const bool streamed = stream && body.substr(stream->valueBegin, stream->valueEnd - stream->valueBegin) == "true";
	return ModelRewriter::mustAskForUsage(path, streamed, body, scanned);
}


} // namespace


void ModelRewriterTest::testNumbersUnchanged()
{
	// A parse and stringify round trip would print 0.1, 1e-07, 100 and lose the big integer.
	const std::string body = "{\"model\":\"gpt-4o\",\"temperature\":0.10,\"top_p\":1e-7,\"x\":1.0E+2,"
							 "\"seed\":12345678901234567890,\"n\":-0.0e+5}";
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"new-model\",\"temperature\":0.10,\"top_p\":1e-7,\"x\":1.0E+2,"
									 "\"seed\":12345678901234567890,\"n\":-0.0e+5}"),
		rewrite(body));
}


void ModelRewriterTest::testEscapesAndUtf8Unchanged()
{
	const std::string body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
							 "\"caf\\u00e9 \\ud83d\\ude00 caf\xc3\xa9 \xf0\x9f\x98\x80 \\\"q\\\" \\\\ \\/ \\n\"}]}";
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"new-model\",\"messages\":[{\"role\":\"user\",\"content\":"
									 "\"caf\\u00e9 \\ud83d\\ude00 caf\xc3\xa9 \xf0\x9f\x98\x80 \\\"q\\\" \\\\ \\/ \\n\"}]}"),
		rewrite(body));
}


void ModelRewriterTest::testOddWhitespace()
{
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\"  :  \"new-model\"}"), rewrite("{\"model\"  :  \"x\"}"));
	CPPUNIT_ASSERT_EQUAL(std::string("\n {\n\t\"model\"\t:\n\t\"new-model\" \n,\r\n \"n\" : 1\n}\n"),
		rewrite("\n {\n\t\"model\"\t:\n\t\"old\" \n,\r\n \"n\" : 1\n}\n"));
}


void ModelRewriterTest::testNestedModelStays()
{
	const std::string body = "{\"a\":{\"model\":\"keep\"},\"model\":\"old\",\"b\":[{\"model\":\"keep2\"}],\"c\":{\"d\":{\"model\":\"keep3\"}}}";
	CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":{\"model\":\"keep\"},\"model\":\"new-model\",\"b\":[{\"model\":\"keep2\"}],\"c\":{\"d\":{\"model\":\"keep3\"}}}"),
		rewrite(body));
}


void ModelRewriterTest::testModelLast()
{
	CPPUNIT_ASSERT_EQUAL(std::string("{\"stream\":true,\"model\":\"new-model\"}"), rewrite("{\"stream\":true,\"model\":\"gpt-4o-mini\"}"));
	CPPUNIT_ASSERT_EQUAL(std::string("{\"stream\":true, \"model\" : \"new-model\" \n}"), rewrite("{\"stream\":true, \"model\" : \"old\" \n}"));
}


void ModelRewriterTest::testModelNotAString()
{
	// The relay refuses these earlier; the rewriter still replaces the whole value.
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\": \"new-model\" ,\"x\":1}"), rewrite("{\"model\": {\"a\":[1,2]} ,\"x\":1}"));
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"new-model\"}"), rewrite("{\"model\":null}"));
}


void ModelRewriterTest::testDuplicateModelsAllReplaced()
{
	// Parsers disagree on which duplicate wins, so none of the client's values may survive.
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"new-model\",\"x\":1,\"model\" : \"new-model\"}"),
		rewrite("{\"model\":\"a\",\"x\":1,\"model\" : \"b\"}"));
}


void ModelRewriterTest::testEscapedModelKey()
{
	CPPUNIT_ASSERT_EQUAL(std::string("{\"mod\\u0065l\":\"new-model\",\"x\":2}"), rewrite("{\"mod\\u0065l\":\"a\",\"x\":2}"));
}


void ModelRewriterTest::testNewModelNeedsEscapes()
{
	const std::string result = rewrite("{\"model\":\"a\",\"x\":1}", "we\"ird\\name");
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"we\\\"ird\\\\name\",\"x\":1}"), result);
	const JsonScanner::Result scanned = JsonScanner::scan(result);
	const JsonScanner::Member* model = scanned.find("model");
	CPPUNIT_ASSERT_EQUAL(std::string("\"we\\\"ird\\\\name\""), result.substr(model->valueBegin, model->valueEnd - model->valueBegin));

	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"line\\nbreak\"}"), rewrite("{\"model\":\"a\"}", "line\nbreak"));
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"mod\xc3\xa8le/x\"}"), rewrite("{\"model\":\"a\"}", "mod\xc3\xa8le/x"));
}


void ModelRewriterTest::testInsertedWhenAbsent()
{
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"new-model\",\"messages\":[]}"), rewrite("{\"messages\":[]}"));
	CPPUNIT_ASSERT_EQUAL(std::string("  {\"model\":\"new-model\",\n \"a\":{\"model\":\"x\"}\n}"), rewrite("  {\n \"a\":{\"model\":\"x\"}\n}"));
}


void ModelRewriterTest::testInsertedIntoEmptyObject()
{
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"new-model\"}"), rewrite("{}"));
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"new-model\" \n}"), rewrite("{ \n}"));
}


void ModelRewriterTest::testUsageOptionAddedLast()
{
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"new-model\",\"stream\":true,\"messages\":[],\"stream_options\":{\"include_usage\":true}}"),
		rewrite("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}", "new-model", true));
	// After the last member's value, before the spaces and the closing brace.
	CPPUNIT_ASSERT_EQUAL(std::string(" {\n \"stream\" : true ,\"model\" :\"new-model\",\"stream_options\":{\"include_usage\":true} \n}\n"),
		rewrite(" {\n \"stream\" : true ,\"model\" :\"old\" \n}\n", "new-model", true));
	// A nested stream_options is not the client's option: it stays, and the option is added.
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"new-model\",\"stream\":true,\"metadata\":{\"stream_options\":1},\"stream_options\":{\"include_usage\":true}}"),
		rewrite("{\"model\":\"m\",\"stream\":true,\"metadata\":{\"stream_options\":1}}", "new-model", true));
	// Without askForUsage, the same as before.
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"new-model\",\"stream\":true}"), rewrite("{\"model\":\"m\",\"stream\":true}"));
}


void ModelRewriterTest::testUsageOptionWithInsertedModel()
{
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"new-model\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"),
		rewrite("{\"stream\":true}", "new-model", true));
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"new-model\",\"stream_options\":{\"include_usage\":true}}"), rewrite("{}", "new-model", true));
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"new-model\",\"stream_options\":{\"include_usage\":true} }"), rewrite("{ }", "new-model", true));
	// Both model members replaced, the option after the last one.
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"new-model\",\"stream\":true,\"model\":\"new-model\",\"stream_options\":{\"include_usage\":true}}"),
		rewrite("{\"model\":\"a\",\"stream\":true,\"model\":\"b\"}", "new-model", true));
}


void ModelRewriterTest::testWhenUsageIsAskedFor()
{
	CPPUNIT_ASSERT(mustAsk("/chat/completions", "{\"stream\":true}"));
	CPPUNIT_ASSERT(mustAsk("/completions", "{\"model\":\"m\",\"stream\": true,\"prompt\":\"x\"}"));
	CPPUNIT_ASSERT(mustAsk("/chat/completions", "{\"stream\":true,\"metadata\":{\"stream_options\":{}}}"));
	// Not streamed: the answer carries usage anyway.
	CPPUNIT_ASSERT(!mustAsk("/chat/completions", "{\"model\":\"m\"}"));
	CPPUNIT_ASSERT(!mustAsk("/chat/completions", "{\"stream\":false}"));
	CPPUNIT_ASSERT(!mustAsk("/chat/completions", "{\"stream\":\"true\"}"));
	// Other paths have no such option.
	CPPUNIT_ASSERT(!mustAsk("/embeddings", "{\"stream\":true}"));
	CPPUNIT_ASSERT(!mustAsk("/responses", "{\"stream\":true}"));
	CPPUNIT_ASSERT(!mustAsk("/chat/completions/x", "{\"stream\":true}"));
	// The client's own stream_options, with or without include_usage, is left as it is.
	CPPUNIT_ASSERT(!mustAsk("/chat/completions", "{\"stream\":true,\"stream_options\":{\"include_usage\":true}}"));
	CPPUNIT_ASSERT(!mustAsk("/chat/completions", "{\"stream\":true,\"stream_options\":{\"include_usage\":false}}"));
	CPPUNIT_ASSERT(!mustAsk("/chat/completions", "{\"stream\":true,\"stream_options\":{}}"));
	CPPUNIT_ASSERT(!mustAsk("/chat/completions", "{\"stream\":true,\"stream_options\":null}"));
	CPPUNIT_ASSERT(!mustAsk("/chat/completions", "{\"stream\":true,\"stream\\u005foptions\":{}}"));
}


CppUnit::Test* ModelRewriterTest::suite()
{
	auto* pSuite = new CppUnit::TestSuite("ModelRewriterTest");
	pSuite->addTest(new CppUnit::TestCaller<ModelRewriterTest>("testNumbersUnchanged", &ModelRewriterTest::testNumbersUnchanged));
	pSuite->addTest(new CppUnit::TestCaller<ModelRewriterTest>("testEscapesAndUtf8Unchanged", &ModelRewriterTest::testEscapesAndUtf8Unchanged));
	pSuite->addTest(new CppUnit::TestCaller<ModelRewriterTest>("testOddWhitespace", &ModelRewriterTest::testOddWhitespace));
	pSuite->addTest(new CppUnit::TestCaller<ModelRewriterTest>("testNestedModelStays", &ModelRewriterTest::testNestedModelStays));
	pSuite->addTest(new CppUnit::TestCaller<ModelRewriterTest>("testModelLast", &ModelRewriterTest::testModelLast));
	pSuite->addTest(new CppUnit::TestCaller<ModelRewriterTest>("testModelNotAString", &ModelRewriterTest::testModelNotAString));
	pSuite->addTest(new CppUnit::TestCaller<ModelRewriterTest>("testDuplicateModelsAllReplaced", &ModelRewriterTest::testDuplicateModelsAllReplaced));
	pSuite->addTest(new CppUnit::TestCaller<ModelRewriterTest>("testEscapedModelKey", &ModelRewriterTest::testEscapedModelKey));
	pSuite->addTest(new CppUnit::TestCaller<ModelRewriterTest>("testNewModelNeedsEscapes", &ModelRewriterTest::testNewModelNeedsEscapes));
	pSuite->addTest(new CppUnit::TestCaller<ModelRewriterTest>("testInsertedWhenAbsent", &ModelRewriterTest::testInsertedWhenAbsent));
	pSuite->addTest(new CppUnit::TestCaller<ModelRewriterTest>("testInsertedIntoEmptyObject", &ModelRewriterTest::testInsertedIntoEmptyObject));
	pSuite->addTest(new CppUnit::TestCaller<ModelRewriterTest>("testUsageOptionAddedLast", &ModelRewriterTest::testUsageOptionAddedLast));
	pSuite->addTest(new CppUnit::TestCaller<ModelRewriterTest>("testUsageOptionWithInsertedModel", &ModelRewriterTest::testUsageOptionWithInsertedModel));
	pSuite->addTest(new CppUnit::TestCaller<ModelRewriterTest>("testWhenUsageIsAskedFor", &ModelRewriterTest::testWhenUsageIsAskedFor));
	return pSuite;
}

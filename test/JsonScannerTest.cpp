//
// JsonScannerTest.cpp
//
// Tests of AILoad::JsonScanner.
//


#include "JsonScannerTest.h"
#include "JsonScanner.h"
#include <Poco/Thread.h>
#include <cppunit/TestAssert.h>
#include <cppunit/TestCaller.h>
#include <cppunit/TestSuite.h>
#include <cppunit/extensions/HelperMacros.h>
#include <string>

CPPUNIT_TEST_SUITE_REGISTRATION(JsonScannerTest);


using AILoad::JsonScanner;


namespace {


void assertValid(const std::string& text)
{
	const JsonScanner::Result result = JsonScanner::scan(text);
	CPPUNIT_ASSERT_MESSAGE("should be valid: " + text + " (got " + result.describeError() + ")", result.valid);
}


void assertError(const std::string& text, int line, int column, const std::string& message)
	/// The scan must fail at exactly line:column (1-based, bytes) with that message,
	/// and report nothing of the rejected document.
{
	const JsonScanner::Result result = JsonScanner::scan(text);
	const std::string context = "input: " + text;
	CPPUNIT_ASSERT_MESSAGE("should be invalid: " + text, !result.valid);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(context, message, result.errorMessage);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(context + " (line)", line, result.errorLine);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(context + " (column)", column, result.errorColumn);
	CPPUNIT_ASSERT_MESSAGE(context, !result.isObject);
	CPPUNIT_ASSERT_MESSAGE(context, result.members.empty());
}


std::string valueOf(const std::string& text, const JsonScanner::Member& member)
{
	return text.substr(member.valueBegin, member.valueEnd - member.valueBegin);
}


} // namespace


void JsonScannerTest::testScalars()
{
	for (const char* text : {"true", "false", "null", "0", "\"\"", "\"x\"", " \t\r\n true \t\r\n "})
	{
		assertValid(text);
		CPPUNIT_ASSERT(!JsonScanner::scan(text).isObject);
	}
}


void JsonScannerTest::testContainersAndNesting()
{
	assertValid("{}");
	assertValid("[]");
	assertValid("[ ]");
	assertValid("{ }");
	assertValid("[[],{},[[]],{\"a\":{}}]");
	assertValid("{\"a\":[1,{\"b\":null,\"c\":[true,false]}],\"d\":{\"e\":{\"f\":\"g\"}}}");
	assertValid("\n{\n\t\"a\" : [ 1 , 2 ] ,\r\n\t\"b\" : { }\n}\n");
	CPPUNIT_ASSERT(JsonScanner::scan(" {\"a\":1}").isObject);
}


void JsonScannerTest::testStringsAndEscapes()
{
	assertValid("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"");
	assertValid("\"\\u0041\\u00e9\\uD83D\\uDE00\\uffff\"");
	assertValid("{\"k\\\"ey\":\"va\\\\lue\"}");
	// DEL and everything above 0x1F may appear raw.
	assertValid("\"a\x7f"
				"b\"");
}


void JsonScannerTest::testNumbers()
{
	for (const char* text : {"0", "-0", "-0.0e+5", "1E5", "1e-5", "1.0E+2", "0.10", "123.456", "-12", "12345678901234567890", "1.5e308"})
		assertValid(text);
	assertValid("[0,-1,2.5,3e3,-0.0e-0]");
}


void JsonScannerTest::testRawUtf8()
{
	assertValid("\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
	assertValid("{\"\xc3\xa9\":\"\xf0\x9f\x98\x80\"}");
}


void JsonScannerTest::testMemberSpans()
{
	const std::string text = "{ \"a\" : 1 , \"model\" :\"x\\\"y\",  \"n\":{\"model\":\"inner\"},"
							 "\"arr\":[{\"model\":1}, []],\"e\":{} ,\"s\":\"}\" ,\"last\" : -0.5e+3 \n}";
	const JsonScanner::Result result = JsonScanner::scan(text);
	CPPUNIT_ASSERT_MESSAGE(result.describeError(), result.valid);
	CPPUNIT_ASSERT(result.isObject);
	CPPUNIT_ASSERT_EQUAL(std::size_t(7), result.members.size());

	const char* keys[] = {"a", "model", "n", "arr", "e", "s", "last"};
	const char* values[] = {"1", "\"x\\\"y\"", "{\"model\":\"inner\"}", "[{\"model\":1}, []]", "{}", "\"}\"", "-0.5e+3"};
	std::size_t from = 0;
	for (std::size_t i = 0; i < 7; ++i)
	{
		const JsonScanner::Member& member = result.members[i];
		CPPUNIT_ASSERT_EQUAL(std::string(keys[i]), std::string(member.rawKey));
		// The span is exact: it starts at the value's first byte and stops right after
		// its last one, without the spaces around it.
		const std::size_t begin = text.find(values[i], from);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(keys[i], begin, member.valueBegin);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(keys[i], begin + std::string(values[i]).size(), member.valueEnd);
		CPPUNIT_ASSERT_EQUAL(std::string(values[i]), valueOf(text, member));
		from = member.valueEnd;
	}
	// rawKey points into the scanned text itself.
	CPPUNIT_ASSERT_EQUAL(text.data() + 3, result.members[0].rawKey.data());
}


void JsonScannerTest::testNestedModelIsNotTopLevel()
{
	const std::string text = "{\"messages\":[{\"model\":\"m1\"}],\"meta\":{\"model\":\"m2\",\"x\":{\"model\":\"m3\"}}}";
	const JsonScanner::Result result = JsonScanner::scan(text);
	CPPUNIT_ASSERT(result.valid);
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), result.members.size());
	CPPUNIT_ASSERT(result.find("model") == nullptr);
	CPPUNIT_ASSERT(result.find("messages") != nullptr);
	CPPUNIT_ASSERT(result.find("x") == nullptr);
}


void JsonScannerTest::testDuplicateKeysFindLast()
{
	const std::string text = "{\"model\":\"first\",\"x\":1,\"model\":\"second\"}";
	const JsonScanner::Result result = JsonScanner::scan(text);
	CPPUNIT_ASSERT(result.valid);
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), result.members.size());
	const JsonScanner::Member* found = result.find("model");
	CPPUNIT_ASSERT(found == &result.members[2]);
	CPPUNIT_ASSERT_EQUAL(std::string("\"second\""), valueOf(text, *found));
}


void JsonScannerTest::testEscapedKey()
{
	// Any JSON parser upstream reads "mod\u0065l" as "model", so the gateway must too.
	const std::string text = "{\"mod\\u0065l\":\"x\",\"plain\":1}";
	const JsonScanner::Result result = JsonScanner::scan(text);
	CPPUNIT_ASSERT(result.valid);
	CPPUNIT_ASSERT_EQUAL(std::string("mod\\u0065l"), std::string(result.members[0].rawKey));
	CPPUNIT_ASSERT(result.members[0].hasKey("model"));
	CPPUNIT_ASSERT(!result.members[0].hasKey("mod\\u0065l"));
	CPPUNIT_ASSERT(!result.members[1].hasKey("model"));
	CPPUNIT_ASSERT(result.find("model") == &result.members[0]);
	CPPUNIT_ASSERT_EQUAL(std::string("\"x\""), valueOf(text, *result.find("model")));
}


void JsonScannerTest::testNonObjectHasNoMembers()
{
	const JsonScanner::Result result = JsonScanner::scan("[{\"model\":\"x\"}]");
	CPPUNIT_ASSERT(result.valid);
	CPPUNIT_ASSERT(!result.isObject);
	CPPUNIT_ASSERT(result.members.empty());
	CPPUNIT_ASSERT(result.find("model") == nullptr);
}


void JsonScannerTest::testTrailingComma()
{
	assertError("{\"a\":1,}", 1, 8, "expected a string key");
	assertError("[1,]", 1, 4, "expected a value");
	assertError("[1,2,\n]", 2, 1, "expected a value");
}


void JsonScannerTest::testMissingColon()
{
	assertError("{\"a\" 1}", 1, 6, "expected ':' after the key");
	assertError("{\"a\"", 1, 5, "expected ':' after the key");
	assertError("{a:1}", 1, 2, "expected a string key");
	assertError("{\"a\":}", 1, 6, "expected a value");
	assertError("{\"a\":1 \"b\":2}", 1, 8, "expected ',' or '}'");
	assertError("{\"a\":1]", 1, 7, "expected ',' or '}'");
	assertError("[1 2]", 1, 4, "expected ',' or ']'");
	assertError("[1}", 1, 3, "expected ',' or ']'");
	assertError("{\"a\":1", 1, 7, "expected ',' or '}'");
	assertError("[1,2", 1, 5, "expected ',' or ']'");
	assertError("{", 1, 2, "expected a string key");
}


void JsonScannerTest::testUnterminatedString()
{
	assertError("{\"a\":\"abc", 1, 10, "unterminated string");
	// A backslash as the very last byte escapes nothing.
	assertError("\"abc\\", 1, 6, "unterminated string");
	assertError("{\"ab", 1, 5, "unterminated string");
}


void JsonScannerTest::testControlCharacterInString()
{
	assertError("\"a\tb\"", 1, 3, "control character in a string (escape it)");
	assertError("[\"a\nb\"]", 1, 4, "control character in a string (escape it)");
	assertError(std::string("\"a\0b\"", 5), 1, 3, "control character in a string (escape it)");
}


void JsonScannerTest::testBadEscape()
{
	assertError("\"a\\qb\"", 1, 4, "invalid escape in a string");
	assertError("\"\\x41\"", 1, 3, "invalid escape in a string");
	assertError("\"\\'\"", 1, 3, "invalid escape in a string");
	assertError("\"\\u12G4\"", 1, 6, "expected four hex digits after \\u");
	assertError("\"\\u12\"", 1, 6, "expected four hex digits after \\u");
	assertError("\"\\u", 1, 4, "expected four hex digits after \\u");
}


void JsonScannerTest::testLeadingZero()
{
	// RFC 8259 forbids leading zeros: "0" is a whole number, the "1" is left over.
	assertError("01", 1, 2, "unexpected data after the JSON value");
	assertError("-01", 1, 3, "unexpected data after the JSON value");
	assertError("[01]", 1, 3, "expected ',' or ']'");
	assertError("{\"temperature\":00.5}", 1, 17, "expected ',' or '}'");
}


void JsonScannerTest::testBadNumbersAndLiterals()
{
	assertError("-", 1, 2, "expected a digit");
	assertError("-a", 1, 2, "expected a digit");
	assertError("1.", 1, 3, "expected a digit after '.'");
	assertError("1.e5", 1, 3, "expected a digit after '.'");
	assertError("1e", 1, 3, "expected a digit in the exponent");
	assertError("1e+", 1, 4, "expected a digit in the exponent");
	assertError(".5", 1, 1, "expected a value");
	assertError("+1", 1, 1, "expected a value");
	assertError("NaN", 1, 1, "expected a value");
	assertError("0x1", 1, 2, "unexpected data after the JSON value");
	assertError("tru", 1, 4, "invalid literal (expected true, false or null)");
	assertError("[nulL]", 1, 5, "invalid literal (expected true, false or null)");
	assertError("True", 1, 1, "expected a value");
	assertError("'a'", 1, 1, "expected a value");
}


void JsonScannerTest::testEmptyText()
{
	assertError("", 1, 1, "expected a value, found the end of the text");
	assertError(" \n\t", 2, 2, "expected a value, found the end of the text");
	// Form feed is no JSON whitespace.
	assertError("\f{}", 1, 1, "expected a value");
}


void JsonScannerTest::testGarbageAfterValue()
{
	assertError("{} x", 1, 4, "unexpected data after the JSON value");
	assertError("{}{}", 1, 3, "unexpected data after the JSON value");
	assertError("[] ,", 1, 4, "unexpected data after the JSON value");
	assertError("\"a\" \"b\"", 1, 5, "unexpected data after the JSON value");
	assertError("{\"a\":1}\n\n}", 3, 1, "unexpected data after the JSON value");
	assertError(std::string("{}\0", 3), 1, 3, "unexpected data after the JSON value");
}


void JsonScannerTest::testLineAndByteColumn()
{
	assertError("{\n  \"a\": 1,\n  \"b\" 2\n}", 3, 7, "expected ':' after the key");
	// Columns count bytes: "ü" is 2 bytes and the emoji 4, so the 2 is the 10th byte.
	assertError("{\"\xc3\xa9\":1,\n\"\xc3\xbc\xf0\x9f\x98\x80\" 2}", 2, 10, "expected ':' after the key");
	// CR is whitespace but only LF starts a line.
	assertError("{\r\n\"a\" 1}", 2, 5, "expected ':' after the key");

	const JsonScanner::Result result = JsonScanner::scan("{\n\"a\" 1}");
	CPPUNIT_ASSERT_EQUAL(std::size_t(6), result.errorOffset);
}


void JsonScannerTest::testDeepNesting()
{
	// The server's threads have 256 KiB stacks; a recursive scanner would overflow one
	// long before 100000 levels. Scanning on such a thread proves the heap stack.
	const std::size_t depth = 100000;
	JsonScanner::Result open;
	JsonScanner::Result closed;
	JsonScanner::Result objects;
	const std::string openText(depth, '[');
	const std::string closedText = openText + std::string(depth, ']');
	std::string objectText;
	for (std::size_t i = 0; i < depth; ++i) objectText += "{\"a\":";
	objectText += "1" + std::string(depth, '}');

	Poco::Thread thread;
	thread.setStackSize(256 * 1024);
	thread.startFunc([&] {
		open = JsonScanner::scan(openText);
		closed = JsonScanner::scan(closedText);
		objects = JsonScanner::scan(objectText);
	});
	thread.join();

	CPPUNIT_ASSERT(!open.valid);
	CPPUNIT_ASSERT_EQUAL(std::string("expected a value, found the end of the text"), open.errorMessage);
	CPPUNIT_ASSERT_EQUAL(1, open.errorLine);
	CPPUNIT_ASSERT_EQUAL(static_cast<int>(depth) + 1, open.errorColumn);
	CPPUNIT_ASSERT_MESSAGE(closed.describeError(), closed.valid);
	CPPUNIT_ASSERT_MESSAGE(objects.describeError(), objects.valid);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), objects.members.size());
	CPPUNIT_ASSERT_EQUAL(std::size_t(5), objects.members[0].valueBegin);
	CPPUNIT_ASSERT_EQUAL(objectText.size() - 1, objects.members[0].valueEnd);
}


void JsonScannerTest::testDescribeError()
{
	CPPUNIT_ASSERT_EQUAL(std::string("line 1, column 8 (byte 7): expected a string key"), JsonScanner::scan("{\"a\":1,}").describeError());
	CPPUNIT_ASSERT_EQUAL(std::string("line 2, column 1 (byte 4): expected a value"), JsonScanner::scan("[1,\n]").describeError());
}


void JsonScannerTest::testDecodeString()
{
	CPPUNIT_ASSERT_EQUAL(std::string("plain \xc3\xa9"), JsonScanner::decodeString("\"plain \xc3\xa9\""));
	CPPUNIT_ASSERT_EQUAL(std::string("caf\xc3\xa9 \\ \n\t\b\f\r"), JsonScanner::decodeString("\"caf\\u00e9 \\\\ \\n\\t\\b\\f\\r\""));
	CPPUNIT_ASSERT_EQUAL(std::string("\xf0\x9f\x98\x80"), JsonScanner::decodeString("\"\\ud83d\\ude00\""));
	CPPUNIT_ASSERT_EQUAL(std::string(), JsonScanner::decodeString("\"\""));
}


void JsonScannerTest::testDecodeQuoteAndSlash()
{
	// Some JSON writers (PHP's json_encode by default) send "meta-llama\/llama-3": the
	// routing and the key comparison must see the same name as any JSON parser.
	CPPUNIT_ASSERT_EQUAL(std::string("meta-llama/llama-3"), JsonScanner::decodeString("\"meta-llama\\/llama-3\""));
	CPPUNIT_ASSERT_EQUAL(std::string("say \"hi\""), JsonScanner::decodeString("\"say \\\"hi\\\"\""));

	const JsonScanner::Result result = JsonScanner::scan("{\"a\\/b\":1,\"c\\\"d\":2}");
	CPPUNIT_ASSERT(result.valid);
	CPPUNIT_ASSERT(result.members[0].hasKey("a/b"));
	CPPUNIT_ASSERT(result.members[1].hasKey("c\"d"));
}


CppUnit::Test* JsonScannerTest::suite()
{
	auto* pSuite = new CppUnit::TestSuite("JsonScannerTest");
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testScalars", &JsonScannerTest::testScalars));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testContainersAndNesting", &JsonScannerTest::testContainersAndNesting));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testStringsAndEscapes", &JsonScannerTest::testStringsAndEscapes));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testNumbers", &JsonScannerTest::testNumbers));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testRawUtf8", &JsonScannerTest::testRawUtf8));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testMemberSpans", &JsonScannerTest::testMemberSpans));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testNestedModelIsNotTopLevel", &JsonScannerTest::testNestedModelIsNotTopLevel));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testDuplicateKeysFindLast", &JsonScannerTest::testDuplicateKeysFindLast));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testEscapedKey", &JsonScannerTest::testEscapedKey));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testNonObjectHasNoMembers", &JsonScannerTest::testNonObjectHasNoMembers));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testTrailingComma", &JsonScannerTest::testTrailingComma));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testMissingColon", &JsonScannerTest::testMissingColon));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testUnterminatedString", &JsonScannerTest::testUnterminatedString));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testControlCharacterInString", &JsonScannerTest::testControlCharacterInString));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testBadEscape", &JsonScannerTest::testBadEscape));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testLeadingZero", &JsonScannerTest::testLeadingZero));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testBadNumbersAndLiterals", &JsonScannerTest::testBadNumbersAndLiterals));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testEmptyText", &JsonScannerTest::testEmptyText));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testGarbageAfterValue", &JsonScannerTest::testGarbageAfterValue));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testLineAndByteColumn", &JsonScannerTest::testLineAndByteColumn));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testDeepNesting", &JsonScannerTest::testDeepNesting));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testDescribeError", &JsonScannerTest::testDescribeError));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testDecodeString", &JsonScannerTest::testDecodeString));
	pSuite->addTest(new CppUnit::TestCaller<JsonScannerTest>("testDecodeQuoteAndSlash", &JsonScannerTest::testDecodeQuoteAndSlash));
	return pSuite;
}

#include "HttpFramingTest.h"

#include "BodyFraming.h"
#include "ChunkedBodyDecoder.h"
#include "FramingError.h"
#include "HttpHeadParser.h"
#include "RequestPath.h"
#include <cppunit/TestAssert.h>
#include <cppunit/TestCaller.h>
#include <cppunit/TestSuite.h>
#include <cppunit/extensions/HelperMacros.h>
#include <string>
#include <vector>

CPPUNIT_TEST_SUITE_REGISTRATION(HttpFramingTest);

using namespace AILoad;
using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;

namespace {

std::string readHead(const std::string& bytes, bool request = true)
{
	std::size_t pos = 0;
	return HttpHeadParser::readHead([&] { return pos < bytes.size() ? static_cast<unsigned char>(bytes[pos++]) : std::char_traits<char>::eof(); }, request);
}


HTTPRequest request(const std::string& bytes)
{
	HTTPRequest parsed;
	HttpHeadParser::parseRequest(readHead(bytes), parsed);
	return parsed;
}


HTTPResponse response(const std::string& bytes)
{
	HTTPResponse parsed;
	HttpHeadParser::parseResponse(readHead(bytes, false), parsed);
	return parsed;
}


int requestStatus(const std::string& bytes)
	/// The status a server answers this head with: 0 if it is accepted.
{
	try
	{
		BodyFraming::ofRequest(request(bytes));
		return 0;
	}
	catch (FramingError& error)
	{
		return error.status();
	}
}


bool responseRefused(const std::string& bytes)
{
	try
	{
		BodyFraming::ofResponse(response(bytes));
		return false;
	}
	catch (FramingError& error)
	{
		CPPUNIT_ASSERT_EQUAL(502, error.status());
		return true;
	}
}


std::string decodeChunked(const std::string& bytes, std::size_t* consumed = nullptr)
	/// The body, as a reader that feeds framing bytes and takes data in blocks gets it.
{
	ChunkedBodyDecoder decoder;
	std::string body;
	std::size_t pos = 0;
	while (!decoder.done())
	{
		if (pos == bytes.size()) throw FramingError("input ended");
		if (decoder.inData())
		{
			const std::size_t n = std::min<std::size_t>(decoder.dataLeft(), std::min<std::size_t>(3, bytes.size() - pos));
			body.append(bytes, pos, n);
			decoder.dataRead(n);
			pos += n;
		}
		else
			decoder.feed(bytes[pos++]);
	}
	if (consumed) *consumed = pos;
	return body;
}


bool chunkedRefused(const std::string& bytes)
{
	try
	{
		decodeChunked(bytes);
		return false;
	}
	catch (FramingError& error)
	{
		return error.message() != "input ended";
	}
}


std::string normalised(const std::string& path)
{
	std::string result;
	std::string error;
	CPPUNIT_ASSERT_MESSAGE(path + ": " + error, RequestPath::normalise(path, result, error));
	return result;
}

std::string readHeadOutcome(std::string_view bytes, bool skipLeadingEmptyLines, bool& hitEnd)
	/// What readHead() makes of the bytes: "head <head> <bytes consumed>" or "refused <why>".
{
	std::size_t pos = 0;
	hitEnd = false;
	try
	{
		const std::string head = HttpHeadParser::readHead([&]() -> int {
			if (pos < bytes.size()) return static_cast<unsigned char>(bytes[pos++]);
			hitEnd = true;
			return std::char_traits<char>::eof();
		},
			skipLeadingEmptyLines);
		return "head " + head + " " + std::to_string(pos);
	}
	catch (FramingError& error)
	{
		return "refused " + error.message();
	}
}


std::string findHeadOutcome(std::string_view bytes, bool skipLeadingEmptyLines)
	/// The same of findHead(), or "more" when it wants more bytes.
{
	try
	{
		const HttpHeadParser::Found found = HttpHeadParser::findHead(bytes, skipLeadingEmptyLines);
		if (!found.complete) return "more";
		return "head " + std::string(bytes.substr(found.begin, found.end - found.begin)) + " " + std::to_string(found.end);
	}
	catch (FramingError& error)
	{
		return "refused " + error.message();
	}
}


void checkFindHeadAgrees(std::string_view bytes, bool skipLeadingEmptyLines)
{
	bool hitEnd = false;
	const std::string read = readHeadOutcome(bytes, skipLeadingEmptyLines, hitEnd);
	const std::string found = findHeadOutcome(bytes, skipLeadingEmptyLines);
	const std::string what = std::string(skipLeadingEmptyLines ? "request " : "answer ") + std::to_string(bytes.size()) + " bytes: readHead " + read.substr(0, 80) + ", findHead " + found.substr(0, 80);
	// findHead() wants more exactly where readHead() ran into the end of the bytes.
	if (found == "more")
		CPPUNIT_ASSERT_MESSAGE(what, hitEnd);
	else
		CPPUNIT_ASSERT_EQUAL_MESSAGE(what, read, found);
}

} // namespace


void HttpFramingTest::testFindHeadAgreesWithReadHead()
{
	// findHead() reads heads in place; readHead(), byte by byte, is the rule it must follow
	// (test/fuzz checks the same on fuzzed bytes). Every prefix of every case, both ways.
	const std::string max(HttpHeadParser::MAX_HEAD, 'x');
	const std::vector<std::string> cases = {
		"POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}",
		"\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
		std::string(8, '\n') + "GET / HTTP/1.1\r\n\r\n",
		std::string(9, '\n') + "GET / HTTP/1.1\r\n\r\n",
		std::string(9 * 2, '\r') + "x",
		"\r\r\n",
		"\rGET / HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\r",
		"\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
		"",
	};
	for (const std::string& bytes : cases)
	{
		for (std::size_t size = 0; size <= bytes.size(); ++size)
		{
			checkFindHeadAgrees(std::string_view(bytes).substr(0, size), true);
			checkFindHeadAgrees(std::string_view(bytes).substr(0, size), false);
		}
	}
	// The size limit: a head of exactly MAX_HEAD bytes and one more, its last line end on either side of it.
	for (const std::string& bytes : {max.substr(4) + "\r\n\r\n", max.substr(3) + "\r\n\r\n", max.substr(2) + "\r\n\r\n", max + "\r\n\r\n", max + "x", "\n\n" + max.substr(5) + "\r\n\r\n"})
	{
		for (std::size_t cut = 0; cut <= 6 && cut <= bytes.size(); ++cut)
		{
			checkFindHeadAgrees(std::string_view(bytes).substr(0, bytes.size() - cut), true);
			checkFindHeadAgrees(std::string_view(bytes).substr(0, bytes.size() - cut), false);
		}
	}
}


void HttpFramingTest::testRequestHeadParsed()
{
	const HTTPRequest parsed = request("\r\nPOST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: gw\r\nX-Empty:\r\nX-Spaced: \t a b \t\r\nContent-Length: 2\r\n\r\n{}");
	CPPUNIT_ASSERT_EQUAL(std::string("POST"), parsed.getMethod());
	CPPUNIT_ASSERT_EQUAL(std::string("/v1/chat/completions?x=1"), parsed.getURI());
	CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1"), parsed.getVersion());
	CPPUNIT_ASSERT_EQUAL(std::string(""), parsed.get("X-Empty"));
	CPPUNIT_ASSERT_EQUAL(std::string("a b"), parsed.get("X-Spaced")); // OWS trimmed, inner space kept
	// The head ends at its empty line: the body is not read.
	CPPUNIT_ASSERT_EQUAL(std::string("GET / HTTP/1.0\r\n\r\n"), readHead("GET / HTTP/1.0\r\n\r\nrest"));
	CPPUNIT_ASSERT_EQUAL(std::string(), readHead("")); // closed before a request
	CPPUNIT_ASSERT_EQUAL(0, requestStatus("GET /health HTTP/1.0\r\n\r\n")); // no Host needed
}


void HttpFramingTest::testMalformedRequestHeadsRefused()
{
	const std::vector<std::string> malformed = {
		"POST /v1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n", // space before the colon
		"POST /v1 HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n", // obs-fold
		"POST /v1 HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n",
		"POST /v1 HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", // bare CR
		"POST /v1 HTTP/1.1\r\nHost: x\r\nX-A: a\nX-B: b\r\n\r\n", // bare LF
		std::string("POST /v1 HTTP/1.1\r\nHost: x\r\nX-A: a") + '\0' + "b\r\n\r\n", // NUL
		"POST /v1 HTTP/1.1\r\nX-A: a\r\n\r\n", // no Host
		"POST /v1 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"POST  /v1 HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST http://evil/v1 HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /v1 HTTP/1.1 \r\nHost: x\r\n\r\n",
		"P(ST /v1 HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /v1 HTTP/1.1\r\n: empty\r\nHost: x\r\n\r\n",
		"POST /v1 HTTP/1.1\r\nHost: x\r\n", // cut off
		"POST /v1 HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(70000, 'a') + "\r\n\r\n",
	};
	for (const auto& head : malformed)
		CPPUNIT_ASSERT_EQUAL_MESSAGE(head.substr(0, 80), 400, requestStatus(head));
	CPPUNIT_ASSERT_EQUAL(505, requestStatus("GET / HTTP/2.0\r\nHost: x\r\n\r\n"));
	std::string many = "GET / HTTP/1.1\r\nHost: x\r\n";
	for (int i = 0; i < 100; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
	CPPUNIT_ASSERT_EQUAL(400, requestStatus(many + "\r\n"));
}


void HttpFramingTest::testResponseHeadParsed()
{
	HTTPResponse parsed = response("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\n\r\n");
	CPPUNIT_ASSERT_EQUAL(429, static_cast<int>(parsed.getStatus()));
	CPPUNIT_ASSERT_EQUAL(std::string("Too Many Requests"), parsed.getReason());
	CPPUNIT_ASSERT_EQUAL(std::string("3"), parsed.get("Retry-After"));
	parsed = response("HTTP/1.1 200\r\n\r\n"); // no reason phrase
	CPPUNIT_ASSERT_EQUAL(200, static_cast<int>(parsed.getStatus()));
	CPPUNIT_ASSERT(BodyFraming::ofResponse(parsed).kind == BodyFraming::Kind::UntilClose);
	CPPUNIT_ASSERT(BodyFraming::ofResponse(response("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n")).kind == BodyFraming::Kind::None);
	parsed = response("HTTP/1.1 521 Web Server Is Down\r\n\r\n"); // beyond POCO's status enum
	CPPUNIT_ASSERT_EQUAL(502, static_cast<int>(parsed.getStatus()));
	CPPUNIT_ASSERT_EQUAL(std::string("upstream status 521 Web Server Is Down"), parsed.getReason());
	CPPUNIT_ASSERT(BodyFraming::ofResponse(response("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n")).kind == BodyFraming::Kind::None);
}


void HttpFramingTest::testMalformedResponseHeadsRefused()
{
	for (const std::string head : {
			 "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
			 "HTTP/1.1 200 OK\r\nX-A : b\r\n\r\n",
			 "HTTP/1.1 200 OK\r\nX-A: b\r\n c\r\n\r\n",
			 "HTTP/1.1 20 OK\r\n\r\n",
			 "HTTP/1.1 600 Odd\r\n\r\n",
			 "HTTP/1.1  200 OK\r\n\r\n",
			 "HTTP/3.0 200 OK\r\n\r\n",
			 "ICY 200 OK\r\n\r\n",
		 })
		CPPUNIT_ASSERT_MESSAGE(head, responseRefused(head));
	CPPUNIT_ASSERT(responseRefused(std::string("HTTP/1.1 200 OK\r\nX-A: a") + '\0' + "b\r\n\r\n"));
}


void HttpFramingTest::testContentLengthRules()
{
	const std::string head = "POST /v1 HTTP/1.1\r\nHost: x\r\n";
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(33), BodyFraming::ofRequest(request(head + "Content-Length: 33\r\n\r\n")).length);
	CPPUNIT_ASSERT(BodyFraming::ofRequest(request(head + "\r\n")).kind == BodyFraming::Kind::None); // no body, no wait
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(5), BodyFraming::ofRequest(request(head + "Content-Length: 5\r\ncontent-length: 5\r\n\r\n")).length);
	for (const std::string value : {"+33", "-1", "0x10", "1 2", "", "99999999999999999999", "5, 5"})
		CPPUNIT_ASSERT_EQUAL_MESSAGE(value, 400, requestStatus(head + "Content-Length: " + value + "\r\n\r\n"));
	CPPUNIT_ASSERT_EQUAL(400, requestStatus(head + "Content-Length: 5\r\nContent-Length: 40\r\n\r\n"));
	CPPUNIT_ASSERT_EQUAL(400, requestStatus(head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"));
}


void HttpFramingTest::testTransferEncodingRules()
{
	const std::string head = "POST /v1 HTTP/1.1\r\nHost: x\r\n";
	CPPUNIT_ASSERT(BodyFraming::ofRequest(request(head + "Transfer-Encoding: Chunked\r\n\r\n")).kind == BodyFraming::Kind::Chunked);
	for (const std::string value : {"xchunked", "gzip, chunked", "chunked, chunked", "identity", "chunked;q=1"})
		CPPUNIT_ASSERT_EQUAL_MESSAGE(value, 501, requestStatus(head + "Transfer-Encoding: " + value + "\r\n\r\n"));
	CPPUNIT_ASSERT_EQUAL(501, requestStatus(head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"));
	CPPUNIT_ASSERT(responseRefused("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"));
	CPPUNIT_ASSERT(responseRefused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"));
}


void HttpFramingTest::testChunkedBodyDecoded()
{
	std::size_t consumed = 0;
	const std::string body = "5\r\nhello\r\n1;ext=\"a b\"\r\n \r\nA \r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";
	CPPUNIT_ASSERT_EQUAL(std::string("hello 0123456789"), decodeChunked(body + "NEXT", &consumed));
	CPPUNIT_ASSERT_EQUAL(body.size(), consumed); // not a byte of what follows
	CPPUNIT_ASSERT_EQUAL(std::string(), decodeChunked("0\r\n\r\n"));
}


void HttpFramingTest::testMalformedChunksRefused()
{
	for (const std::string body : {
			 "ffffffffffffffff\r\n", // 16 digits: would overflow into a negative size
			 "1000000000000000\r\n",
			 "1g\r\nx\r\n0\r\n\r\n",
			 "\r\n", // no size at all
			 "-1\r\n",
			 "3\r\nabcd\r\n0\r\n\r\n", // data longer than its size
			 "3\nabc\r\n0\r\n\r\n", // LF without CR
			 "3\r\nabc\n0\r\n\r\n",
			 "0\r\nX: a\rb\r\n\r\n",
			 "0\r\n\r\r",
		 })
		CPPUNIT_ASSERT_MESSAGE(body, chunkedRefused(body));
	CPPUNIT_ASSERT(chunkedRefused("1;" + std::string(5000, 'e') + "\r\nx\r\n0\r\n\r\n"));
	CPPUNIT_ASSERT(chunkedRefused("0\r\n" + std::string(9000, 't') + "\r\n\r\n"));
	CPPUNIT_ASSERT(!chunkedRefused("fffffffffffffff\r\n")); // 15 digits are a size; the input just ends
}


void HttpFramingTest::testPathNormalised()
{
	CPPUNIT_ASSERT_EQUAL(std::string("/v1/chat/completions"), normalised("/v1/chat/%63ompletions"));
	CPPUNIT_ASSERT_EQUAL(std::string("/v1/a%3Ab"), normalised("/v1/a%3ab")); // upper-case hex
	CPPUNIT_ASSERT_EQUAL(std::string("/v1/a~b.c"), normalised("/v1/a%7Eb%2Ec"));
	CPPUNIT_ASSERT_EQUAL(std::string("/v1/..x/.y"), normalised("/v1/..x/.y")); // dots inside a segment are fine
}


void HttpFramingTest::testEscapingPathsRefused()
{
	for (const std::string path : {"/v1/%2e%2e/%2e%2e/admin", "/v1/.%2e/x", "/v1/..%2fx", "/v1/%2E%2E/chat", "/v1/a%2fb",
			 "/v1/a%5cb", "/v1/a\\b", "/v1/chat/..", "/v1/./x", "/v1/%00", "/v1/%2", "/v1/%zz"})
	{
		std::string result;
		std::string error;
		CPPUNIT_ASSERT_MESSAGE(path, !RequestPath::normalise(path, result, error));
		CPPUNIT_ASSERT_MESSAGE(path, !error.empty());
	}
}


CppUnit::Test* HttpFramingTest::suite()
{
	auto* suite = new CppUnit::TestSuite("HttpFramingTest");
	suite->addTest(new CppUnit::TestCaller<HttpFramingTest>("testFindHeadAgreesWithReadHead", &HttpFramingTest::testFindHeadAgreesWithReadHead));
	suite->addTest(new CppUnit::TestCaller<HttpFramingTest>("testRequestHeadParsed", &HttpFramingTest::testRequestHeadParsed));
	suite->addTest(new CppUnit::TestCaller<HttpFramingTest>("testMalformedRequestHeadsRefused", &HttpFramingTest::testMalformedRequestHeadsRefused));
	suite->addTest(new CppUnit::TestCaller<HttpFramingTest>("testResponseHeadParsed", &HttpFramingTest::testResponseHeadParsed));
	suite->addTest(new CppUnit::TestCaller<HttpFramingTest>("testMalformedResponseHeadsRefused", &HttpFramingTest::testMalformedResponseHeadsRefused));
	suite->addTest(new CppUnit::TestCaller<HttpFramingTest>("testContentLengthRules", &HttpFramingTest::testContentLengthRules));
	suite->addTest(new CppUnit::TestCaller<HttpFramingTest>("testTransferEncodingRules", &HttpFramingTest::testTransferEncodingRules));
	suite->addTest(new CppUnit::TestCaller<HttpFramingTest>("testChunkedBodyDecoded", &HttpFramingTest::testChunkedBodyDecoded));
	suite->addTest(new CppUnit::TestCaller<HttpFramingTest>("testMalformedChunksRefused", &HttpFramingTest::testMalformedChunksRefused));
	suite->addTest(new CppUnit::TestCaller<HttpFramingTest>("testPathNormalised", &HttpFramingTest::testPathNormalised));
	suite->addTest(new CppUnit::TestCaller<HttpFramingTest>("testEscapingPathsRefused", &HttpFramingTest::testEscapingPathsRefused));
	return suite;
}

#include "ConformanceTest.h"

#include "GatewayFixture.h"
#include "MockUpstream.h"
#include "ScriptedUpstream.h"
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

CPPUNIT_TEST_SUITE_REGISTRATION(ConformanceTest);

using namespace AILoad::Test;

namespace {

const std::string chat = "/v1/chat/completions";
const std::string modelM = R"({"model":"m"})";
const std::string marker = "malformed-marker"; // in every answer the gateway must not relay
const std::string closing = "Connection: close\r\n"; // where the test does not watch the gateway close
const Poco::Timespan answerTimeout(5, 0);
const Poco::Timespan upstreamAnswerTimeout(10, 0); // the gateway's upstream timeout is 3 s in those tests
const Poco::Timespan closeGrace(2, 0); // after a complete answer, how long to wait for the close


struct RawResponse
	/// One response parsed from the bytes a client received.
{
	int status = 0;
	std::string head;
	std::string body; // de-chunked
	bool complete = false;

	std::string header(const std::string& name) const
	{
		for (std::size_t start = head.find("\r\n") + 2, end; (end = head.find("\r\n", start)) != std::string::npos && end != start; start = end + 2)
		{
			const std::string line = head.substr(start, end - start);
			const std::size_t colon = line.find(':');
			if (colon != std::string::npos && Poco::icompare(line.substr(0, colon), name) == 0) return Poco::trim(line.substr(colon + 1));
		}
		return "";
	}

	std::string code() const
		/// error.code of an OpenAI-shaped error body, "" when there is none.
	{
		try
		{
			return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>()->getObject("error")->getValue<std::string>("code");
		}
		catch (Poco::Exception&)
		{
			return "";
		}
	}
};


std::vector<RawResponse> parseResponses(const std::string& bytes, bool closed)
	/// Interim (1xx) responses included; the last one may be incomplete.
{
	std::vector<RawResponse> responses;
	std::size_t pos = 0;
	while (pos < bytes.size())
	{
		RawResponse response;
		const std::size_t headEnd = bytes.find("\r\n\r\n", pos);
		response.head = bytes.substr(pos, headEnd == std::string::npos ? std::string::npos : headEnd + 4 - pos);
		if (response.head.compare(0, 7, "HTTP/1.") == 0 && response.head.size() > 12) response.status = std::atoi(response.head.c_str() + 9);
		responses.push_back(response);
		if (headEnd == std::string::npos) break;
		RawResponse& last = responses.back();
		pos = headEnd + 4;
		const std::string length = last.header("Content-Length");
		if (last.status < 200 || last.status == 204 || last.status == 304)
		{
			last.complete = true;
		}
		else if (Poco::toLower(last.header("Transfer-Encoding")).find("chunked") != std::string::npos)
		{
			for (;;)
			{
				const std::size_t lineEnd = bytes.find("\r\n", pos);
				if (lineEnd == std::string::npos) break;
				char* sizeEnd = nullptr;
				const std::size_t size = std::strtoull(bytes.c_str() + pos, &sizeEnd, 16);
				if (sizeEnd == bytes.c_str() + pos || (*sizeEnd != '\r' && *sizeEnd != ';')) break; // garbled: not complete
				if (size == 0)
				{
					const std::size_t end = bytes.compare(lineEnd + 2, 2, "\r\n") == 0 ? lineEnd + 4 : bytes.find("\r\n\r\n", lineEnd + 2);
					last.complete = end != std::string::npos;
					if (last.complete) pos = bytes.compare(lineEnd + 2, 2, "\r\n") == 0 ? end : end + 4;
					break;
				}
				if (bytes.size() < lineEnd + 2 + size + 2 || bytes.compare(lineEnd + 2 + size, 2, "\r\n") != 0) break;
				last.body += bytes.substr(lineEnd + 2, size);
				pos = lineEnd + 2 + size + 2;
			}
		}
		else if (!length.empty())
		{
			const std::size_t size = std::strtoull(length.c_str(), nullptr, 10);
			last.body = bytes.substr(pos, size);
			last.complete = last.body.size() == size;
			pos += last.body.size();
		}
		else
		{
			last.body = bytes.substr(pos);
			last.complete = closed;
			pos = bytes.size();
		}
		if (!last.complete) break;
	}
	return responses;
}


struct Exchange
	/// What a raw client connection received.
{
	std::string bytes;
	bool closed = false; // the gateway closed (or reset) the connection before the time was up
	Poco::Timestamp::TimeDiff answeredAfter = -1; // microseconds until the final answer was complete
	std::vector<RawResponse> responses;

	RawResponse final() const
		/// The first response that is not interim (a garbled one has status 0).
	{
		for (const auto& response : responses)
		{
			if (response.status < 100 || response.status >= 200) return response;
		}
		return RawResponse();
	}

	std::size_t finalCount() const
	{
		std::size_t count = 0;
		for (const auto& response : responses) count += response.status < 100 || response.status >= 200 ? 1 : 0;
		return count;
	}

	std::string shown() const
		/// The received bytes, printable, for assertion messages.
	{
		std::string text;
		for (char c : bytes.substr(0, 600)) text += c == '\r' ? "\\r" : c == '\n' ? "\\n"
			: c == '\0'                                                           ? "\\0"
																				  : std::string(1, c);
		return "[" + text + "]" + (closed ? " closed" : " open");
	}
};


void sendAll(Poco::Net::StreamSocket& socket, const std::string& bytes)
{
	try
	{
		for (std::size_t sent = 0; sent < bytes.size();)
			sent += static_cast<std::size_t>(socket.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent)));
	}
	catch (Poco::Exception&)
	{
		// the gateway may close before it has read everything: what it answered is still there to read
	}
}


Exchange collect(Poco::Net::StreamSocket& socket, Poco::Timespan timeout, std::string received = "")
	/// Reads until the gateway closes, the time is up, or closeGrace after a complete final answer.
{
	Exchange exchange;
	exchange.bytes = std::move(received);
	const Poco::Timestamp start;
	Poco::Timespan deadline = timeout;
	for (;;)
	{
		if (exchange.answeredAfter < 0)
		{
			const std::vector<RawResponse> responses = parseResponses(exchange.bytes, false);
			for (const auto& response : responses)
			{
				if (response.complete && response.status >= 200)
				{
					exchange.answeredAfter = start.elapsed();
					deadline = std::min(deadline, Poco::Timespan(start.elapsed()) + closeGrace);
					break;
				}
			}
		}
		const int n = TestClient::receiveSome(socket, exchange.bytes, deadline - start.elapsed());
		if (n < 0) break;
		if (n == 0)
		{
			exchange.closed = true;
			break;
		}
	}
	exchange.responses = parseResponses(exchange.bytes, exchange.closed);
	return exchange;
}


Exchange exchange(Poco::UInt16 port, const std::string& request, Poco::Timespan timeout = answerTimeout)
{
	Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
	sendAll(socket, request);
	return collect(socket, timeout);
}


std::string post(const std::string& headerLines, const std::string& body, const std::string& target = chat)
	/// A keep-alive HTTP/1.1 POST with Host and the token; `headerLines` end with CRLF each
	/// and give the framing.
{
	return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GatewayFixture::token()
		+ "\r\nContent-Type: application/json\r\n" + headerLines + "\r\n" + body;
}


std::string length(const std::string& body)
{
	return "Content-Length: " + std::to_string(body.size()) + "\r\n";
}


std::string chunked(const std::string& body)
{
	char size[32];
	std::snprintf(size, sizeof(size), "%zx", body.size());
	return std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n";
}


std::string config(const std::string& models, const std::string& settings = "")
{
	return "{\"auth_token\": \"x\", \"models\": [" + models + "]" + (settings.empty() ? "" : ", \"settings\": {" + settings + "}") + "}";
}


void assertRefused(const Exchange& exchange, int status, const std::string& code, const std::string& what)
	/// Exactly one answer, with that status and code, and the connection closed after it.
{
	const std::string context = what + ": " + exchange.shown();
	CPPUNIT_ASSERT_EQUAL_MESSAGE(context, status, exchange.final().status);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(context, code, exchange.final().code());
	CPPUNIT_ASSERT_EQUAL_MESSAGE(context, std::size_t(1), exchange.finalCount());
	CPPUNIT_ASSERT_MESSAGE("not closed after " + context, exchange.closed);
}


struct MockStage
	/// A gateway in front of one MockUpstream, model "m".
{
	explicit MockStage(const std::string& settings = ""):
		mock("m")
	{
		mock.start();
		gateway = std::make_unique<GatewayFixture>(config(GatewayFixture::modelEntry("m", mock.apiBase()), settings));
	}

	Exchange send(const std::string& request, Poco::Timespan timeout = answerTimeout) const
	{
		return exchange(gateway->port(), request, timeout);
	}

	void assertUpstreamSawNothing(const std::string& what) const
	{
		CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::size_t(0), mock.requestCount());
	}

	void assertStillServes() const
	{
		const Exchange normal = send(post(closing + length(modelM), modelM));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(normal.shown(), 200, normal.final().status);
	}

	MockUpstream mock;
	std::unique_ptr<GatewayFixture> gateway;
};


struct ScriptedStage
	/// A gateway in front of a ScriptedUpstream "s" and a MockUpstream "m", with a 3 s
	/// upstream timeout and two attempts. A fresh gateway sends its first "auto" request to s.
{
	explicit ScriptedStage(ScriptedUpstream::Script script):
		scripted(std::move(script)),
		mock("m")
	{
		mock.start();
		gateway = std::make_unique<GatewayFixture>(config(GatewayFixture::modelEntry("s", scripted.apiBase()) + ","
				+ GatewayFixture::modelEntry("m", mock.apiBase()),
			"\"timeout\": 3, \"max_attempts\": 2"));
	}

	Exchange ask(const std::string& model, const std::string& headerLines = closing) const
	{
		const std::string body = "{\"model\":\"" + model + "\"}";
		return exchange(gateway->port(), post(headerLines + length(body), body), upstreamAnswerTimeout);
	}

	void assertNotRelayed(const std::string& what) const
		/// The scripted upstream's answer was taken as a failure: 502, or m answered.
	{
		const Exchange answer = ask("auto");
		const std::string context = what + ": " + answer.shown();
		CPPUNIT_ASSERT_EQUAL_MESSAGE("the scripted upstream was not tried: " + context, std::size_t(1), scripted.received().size());
		CPPUNIT_ASSERT_MESSAGE(context, answer.bytes.find(marker) == std::string::npos);
		const RawResponse final = answer.final();
		if (final.status == 502)
			CPPUNIT_ASSERT_EQUAL_MESSAGE(context, std::string("upstream_unavailable"), final.code());
		else
		{
			CPPUNIT_ASSERT_EQUAL_MESSAGE(context, 200, final.status);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(context, std::string("m"), final.header("X-AILoad-Upstream"));
		}
		const Exchange next = ask("m");
		CPPUNIT_ASSERT_EQUAL_MESSAGE("after " + context + ": " + next.shown(), 200, next.final().status);
	}

	ScriptedUpstream scripted;
	MockUpstream mock;
	std::unique_ptr<GatewayFixture> gateway;
};


std::string answer(const std::string& headerLines, const std::string& body)
{
	return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + headerLines + "\r\n" + body;
}


std::string hiddenRequest()
{
	return "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GatewayFixture::token() + "\r\n\r\n";
}


void assertBrokenChunkCutsOffAndDropsConnection(const std::string& brokenTail)
	/// An answer whose chunked body breaks after a valid first chunk: the client's answer
	/// ends without its terminator, and the next request goes on a new upstream connection.
{
	ScriptedStage stage([&](const ScriptedRequest& request) {
		if (request.number == 1)
			return ScriptedReply(answer("Transfer-Encoding: chunked\r\n", "5\r\n{\"a\":\r\n" + brokenTail));
		return ScriptedReply(answer(length(R"({"id":"second"})"), R"({"id":"second"})"));
	});
	const Exchange cut = stage.ask("s", ""); // keep-alive: only a cut closes the connection
	CPPUNIT_ASSERT_EQUAL_MESSAGE(cut.shown(), 200, cut.final().status);
	CPPUNIT_ASSERT_MESSAGE("looks complete: " + cut.shown(), !cut.final().complete);
	CPPUNIT_ASSERT_MESSAGE("not cut: " + cut.shown(), cut.closed);
	const Exchange next = stage.ask("s");
	CPPUNIT_ASSERT_EQUAL_MESSAGE(next.shown(), 200, next.final().status);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(next.shown(), std::string(R"({"id":"second"})"), next.final().body);
	const std::vector<ScriptedRequest> received = stage.scripted.received();
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), received.size());
	CPPUNIT_ASSERT_MESSAGE("the broken connection was reused", received[1].connection != received[0].connection);
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), stage.scripted.connectionsAccepted());
}

} // namespace


void ConformanceTest::testContentLengthWithChunkedIsRefused()
{
	MockStage stage;
	const std::string body = "0\r\n\r\n" + hiddenRequest();
	for (const std::string& framing : {length(body) + "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: chunked\r\n" + length(body)})
	{
		const Exchange refused = stage.send(post(framing, body));
		assertRefused(refused, 400, "invalid_http", framing);
		CPPUNIT_ASSERT_MESSAGE(refused.shown(), refused.bytes.find("\"list\"") == std::string::npos);
	}
	stage.assertUpstreamSawNothing("CL and TE");
	stage.assertStillServes();
}


void ConformanceTest::testDifferentContentLengthsAreRefused()
{
	MockStage stage;
	const std::string body = "12345" + hiddenRequest();
	const std::string small = "Content-Length: 5\r\n";
	for (const std::string& framing : {small + length(body), length(body) + small})
	{
		const Exchange refused = stage.send(post(framing, body));
		assertRefused(refused, 400, "invalid_http", framing);
		CPPUNIT_ASSERT_MESSAGE(refused.shown(), refused.bytes.find("\"list\"") == std::string::npos);
	}
	stage.assertUpstreamSawNothing("two Content-Lengths");
	stage.assertStillServes();
}


void ConformanceTest::testIdenticalContentLengthsAreAccepted()
{
	MockStage stage;
	const Exchange accepted = stage.send(post(closing + length(modelM) + length(modelM), modelM));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(accepted.shown(), 200, accepted.final().status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), stage.mock.requestCount());
	CPPUNIT_ASSERT_EQUAL(std::string(R"({"model":"m-model"})"), stage.mock.received()[0].body);
}


void ConformanceTest::testContentLengthMustBeDigits()
{
	MockStage stage;
	for (const std::string& value : std::vector<std::string>{"+33", "-1", "0x10", "1 2", "99999999999999999999"})
	{
		assertRefused(stage.send(post("Content-Length: " + value + "\r\n", modelM)), 400, "invalid_http", "Content-Length: " + value);
	}
	stage.assertUpstreamSawNothing("bad Content-Length");
	stage.assertStillServes();
}


void ConformanceTest::testWhitespaceBeforeColonIsRefused()
{
	MockStage stage;
	assertRefused(stage.send(post("Transfer-Encoding : chunked\r\n", chunked(modelM))), 400, "invalid_http", "Transfer-Encoding : chunked");
	for (const std::string& line : std::vector<std::string>{"Content-Length : 13\r\n", "X-Custom : v\r\n", "X-Custom\t: v\r\n"})
	{
		const std::string framing = line.compare(0, 14, "Content-Length") == 0 ? line : line + length(modelM);
		assertRefused(stage.send(post(framing, modelM)), 400, "invalid_http", line);
	}
	stage.assertUpstreamSawNothing("whitespace before colon");
	stage.assertStillServes();
}


void ConformanceTest::testTransferEncodingOtherThanChunkedGets501()
{
	MockStage stage;
	for (const std::string& framing : std::vector<std::string>{"Transfer-Encoding: xchunked\r\n", "Transfer-Encoding: gzip, chunked\r\n", "Transfer-Encoding: chunked, chunked\r\n",
			 "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"})
	{
		assertRefused(stage.send(post(framing, chunked(modelM))), 501, "unsupported_transfer_encoding", framing);
	}
	stage.assertUpstreamSawNothing("unsupported Transfer-Encoding");
	stage.assertStillServes();
}


void ConformanceTest::testObsFoldAndLineWithoutColonAreRefused()
{
	MockStage stage;
	for (const std::string& line : std::vector<std::string>{"X-Custom: a\r\n b\r\n", "X-Custom: a\r\n\tb\r\n", "X-Custom-Without-Colon\r\n"})
	{
		assertRefused(stage.send(post(line + length(modelM), modelM)), 400, "invalid_http", line);
	}
	stage.assertUpstreamSawNothing("obs-fold, no colon");
	stage.assertStillServes();
}


void ConformanceTest::testBareCrInHeaderIsRefused()
{
	MockStage stage;
	const Exchange refused = stage.send(post("X-Custom: a\rb\r\n" + length(modelM), modelM));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.shown(), 400, refused.final().status);
	stage.assertUpstreamSawNothing("bare CR");
	stage.assertStillServes();
}


void ConformanceTest::testNulInHeaderIsRefused()
{
	MockStage stage;
	const Exchange refused = stage.send(post(std::string("X-Custom: a\0b\r\n", 15) + length(modelM), modelM));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.shown(), 400, refused.final().status);
	const std::string code = refused.final().code();
	CPPUNIT_ASSERT_MESSAGE(refused.shown(), code == "invalid_header" || code == "invalid_http");
	stage.assertUpstreamSawNothing("NUL");
	stage.assertStillServes();
}


void ConformanceTest::testHttp11RequiresHost()
{
	MockStage stage;
	const std::string request = "POST " + chat + " HTTP/1.1\r\nAuthorization: Bearer " + GatewayFixture::token()
		+ "\r\nContent-Type: application/json\r\n" + length(modelM) + "\r\n" + modelM;
	assertRefused(stage.send(request), 400, "invalid_http", "no Host");
	stage.assertUpstreamSawNothing("no Host");
	stage.assertStillServes();
}


void ConformanceTest::testHttp10NeedsNoHost()
{
	MockStage stage;
	const std::string request = "POST " + chat + " HTTP/1.0\r\nAuthorization: Bearer " + GatewayFixture::token()
		+ "\r\nContent-Type: application/json\r\n" + length(modelM) + "\r\n" + modelM;
	const Exchange accepted = stage.send(request);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(accepted.shown(), 200, accepted.final().status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), stage.mock.requestCount());
}


void ConformanceTest::testPostWithoutBodyLengthIsAnsweredAtOnce()
{
	MockStage stage;
	const Exchange answered = stage.send(post(closing, ""));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answered.shown(), 400, answered.final().status);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answered.shown(), std::string("invalid_json"), answered.final().code());
	CPPUNIT_ASSERT_MESSAGE(std::to_string(answered.answeredAfter), answered.answeredAfter >= 0 && answered.answeredAfter < 2000000);
	stage.assertUpstreamSawNothing("no body");
}


void ConformanceTest::testChunkedBodyIsRelayedDechunked()
{
	MockStage stage;
	const Exchange relayed = stage.send(post(closing + "Transfer-Encoding: chunked\r\n", chunked(modelM)));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(relayed.shown(), 200, relayed.final().status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), stage.mock.requestCount());
	CPPUNIT_ASSERT_EQUAL(std::string(R"({"model":"m-model"})"), stage.mock.received()[0].body);
}


void ConformanceTest::testMalformedChunksAreRefused()
{
	MockStage stage;
	const std::string bodies[] = {"ffffffffffffffff\r\n" + modelM + "\r\n0\r\n\r\n", "1g\r\n" + modelM + "\r\n0\r\n\r\n",
		"d\r\n" + modelM + "XX0\r\n\r\n", "d;" + std::string(10240, 'e') + "\r\n" + modelM + "\r\n0\r\n\r\n"};
	for (const std::string& body : bodies)
	{
		assertRefused(stage.send(post("Transfer-Encoding: chunked\r\n", body)), 400, "invalid_http", body.substr(0, 40));
	}
	stage.assertUpstreamSawNothing("malformed chunks");
	stage.assertStillServes();
}


void ConformanceTest::testExpectContinueRefusalComesBeforeContinue()
{
	MockStage stage("\"max_body_mb\": 1");
	const std::string wrongToken = "POST " + chat + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer wrong\r\n"
													"Content-Type: application/json\r\nExpect: 100-continue\r\n"
		+ length(modelM) + "\r\n";
	const std::string tooLarge = post("Expect: 100-continue\r\nContent-Length: 2000000\r\n", "");
	for (const auto& request : {std::make_pair(wrongToken, std::string("HTTP/1.1 401")), std::make_pair(tooLarge, std::string("HTTP/1.1 413"))})
	{
		Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", stage.gateway->port()));
		sendAll(socket, request.first);
		std::string received;
		TestClient::receiveUntil(socket, "\r\n\r\n", received, answerTimeout);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(received, request.second, received.substr(0, request.second.size()));
	}
	stage.assertUpstreamSawNothing("refused before the body");
}


void ConformanceTest::testExpectContinueThenAnswer()
{
	MockStage stage("\"max_body_mb\": 1");
	Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", stage.gateway->port()));
	sendAll(socket, post("Expect: 100-continue\r\n" + length(modelM), ""));
	std::string received;
	TestClient::receiveUntil(socket, "\r\n\r\n", received, answerTimeout);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(received, std::string("HTTP/1.1 100 Continue\r\n"), received.substr(0, 23));
	stage.assertUpstreamSawNothing("before the body");
	sendAll(socket, modelM);
	const Exchange answered = collect(socket, answerTimeout, received);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answered.shown(), 200, answered.final().status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), stage.mock.requestCount());
}


void ConformanceTest::testDotSegmentsAndEncodedSeparatorsAreRefused()
{
	MockStage stage;
	for (const std::string& path : std::vector<std::string>{"/v1/%2e%2e/%2e%2e/admin", "/v1/.%2e/x", "/v1/..%2fx", "/v1/%2E%2E/chat/completions", "/v1/a%2fb",
			 "/v1/a%5cb", "/v1/a\\b", "/v1/chat/completions/.."})
	{
		const Exchange refused = stage.send(post(closing + length(modelM), modelM, path));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(path + ": " + refused.shown(), 400, refused.final().status);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(path + ": " + refused.shown(), std::string("invalid_path"), refused.final().code());
	}
	stage.assertUpstreamSawNothing("unsafe paths");
	stage.assertStillServes();
}


void ConformanceTest::testEncodedUnreservedCharacterIsNormalised()
{
	MockStage stage;
	const Exchange relayed = stage.send(post(closing + length(modelM), modelM, "/v1/chat/%63ompletions"));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(relayed.shown(), 200, relayed.final().status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), stage.mock.requestCount());
	const std::string uri = stage.mock.received()[0].uri;
	CPPUNIT_ASSERT_MESSAGE(uri, uri.size() >= 17 && uri.compare(uri.size() - 17, 17, "/chat/completions") == 0);
}


void ConformanceTest::testClientCredentialsAreNotForwarded()
{
	MockUpstream mock("m");
	mock.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("m", mock.apiBase()) + ","
		+ GatewayFixture::modelEntry("o", mock.apiBase(), R"("headers": {"OpenAI-Organization": "org-op"})")));
	const Headers credentials{{"Cookie", "session=c"}, {"Proxy-Authorization", "Basic cA=="}, {"OpenAI-Organization", "org-client"},
		{"OpenAI-Project", "proj-client"}, {"api-key", "k1"}, {"x-api-key", "k2"}, {"x-goog-api-key", "k3"}};
	for (const std::string& model : std::vector<std::string>{"m", "o"})
	{
		const HttpAnswer answer = gateway.client().post(chat, "{\"model\":\"" + model + "\"}", credentials);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 200, answer.status);
	}
	const std::vector<ReceivedRequest> received = mock.received();
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), received.size());
	for (const ReceivedRequest& request : received)
	{
		for (const auto& header : request.headers)
		{
			CPPUNIT_ASSERT_MESSAGE(header.first + ": " + header.second, header.second.find("-client") == std::string::npos && header.second.find("session=") == std::string::npos && header.second.find("cA==") == std::string::npos);
			for (const std::string& name : std::vector<std::string>{"Cookie", "Proxy-Authorization", "OpenAI-Project", "api-key", "x-api-key", "x-goog-api-key"})
				CPPUNIT_ASSERT_MESSAGE(header.first, Poco::icompare(header.first, name) != 0);
		}
	}
	CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk-key-m"), received[0].header("Authorization"));
	CPPUNIT_ASSERT(!received[0].hasHeader("OpenAI-Organization"));
	CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk-key-o"), received[1].header("Authorization"));
	CPPUNIT_ASSERT_EQUAL(std::string("org-op"), received[1].header("OpenAI-Organization"));
}


void ConformanceTest::testMalformedUpstreamContentLengthIsNotRelayed()
{
	const std::string body = "{\"id\":\"" + marker + "\"}";
	for (const std::string& framing : std::vector<std::string>{"Content-Length: -1\r\n", "Content-Length: -5\r\n", "Content-Length: +5\r\n", "Content-Length: abc\r\n",
			 "Content-Length: 5\r\n" + length(body)})
	{
		ScriptedStage stage([&](const ScriptedRequest&) { return ScriptedReply(answer(framing, body), ScriptedReply::CLOSE); });
		stage.assertNotRelayed(framing);
	}
}


void ConformanceTest::testHugeChunkSizeInAnswerCutsOffAndDropsConnection()
{
	assertBrokenChunkCutsOffAndDropsConnection("ffffffffffffffff\r\n1}\r\n");
}


void ConformanceTest::testBadChunkLineInAnswerCutsOffAndDropsConnection()
{
	assertBrokenChunkCutsOffAndDropsConnection("zz\r\n1}\r\n0\r\n\r\n");
}


void ConformanceTest::testInterimAnswersAreNotTakenForTheAnswer()
{
	const std::string first = R"({"id":"first"})", second = R"({"id":"second"})";
	for (const std::string& interim : std::vector<std::string>{"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\n"})
	{
		ScriptedStage stage([&](const ScriptedRequest& request) {
			return ScriptedReply(request.number == 1 ? interim + answer(length(first), first) : answer(length(second), second));
		});
		const Exchange one = stage.ask("s");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(interim + one.shown(), 200, one.final().status);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(interim + one.shown(), first, one.final().body);
		const Exchange two = stage.ask("s");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(interim + two.shown(), 200, two.final().status);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(interim + two.shown(), second, two.final().body);
	}
}


void ConformanceTest::testAnswerArrivingInPiecesIsRead()
{
	// The gateway waits for the rest of a head in its event loop: each piece wakes it, and a
	// head cut anywhere (in an interim answer, in the final one, in the body) reads whole.
	const std::string body = R"({"id":"pieces"})";
	const std::string whole = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n" + answer(length(body), body);
	for (const std::size_t cut : {std::size_t(10), std::size_t(60), whole.size() - 20, whole.size() - 3})
	{
		ScriptedStage stage([&](const ScriptedRequest&) {
			ScriptedReply reply(whole);
			reply.pauseAfter = cut;
			reply.pause = Poco::Timespan(0, 100000);
			return reply;
		});
		const Exchange one = stage.ask("s");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(std::to_string(cut) + one.shown(), 200, one.final().status);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(std::to_string(cut) + one.shown(), body, one.final().body);
	}
}


void ConformanceTest::testFieldsTheAnswerCallsHopByHopAreNotRelayed()
{
	// RFC 9110 7.6.1: the fields an answer's Connection field names are for the hop it came on.
	const std::string body = R"({"id":"hop"})";
	ScriptedStage stage([&](const ScriptedRequest&) {
		return ScriptedReply(answer("Connection: keep-alive, X-Upstream-Hop\t,,X-Second-Hop\r\nX-Upstream-Hop: a\r\nX-Second-Hop: b\r\nX-Upstream-Kept: c\r\n" + length(body), body));
	});
	const Exchange one = stage.ask("s");
	CPPUNIT_ASSERT_EQUAL_MESSAGE(one.shown(), 200, one.final().status);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(one.shown(), std::string("c"), one.final().header("X-Upstream-Kept"));
	CPPUNIT_ASSERT_MESSAGE(one.shown(), one.final().header("X-Upstream-Hop").empty() && one.final().header("X-Second-Hop").empty());
}


void ConformanceTest::testSwitchingProtocolsAnswerIs502()
{
	ScriptedStage stage([](const ScriptedRequest&) {
		return ScriptedReply("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n" + marker, ScriptedReply::CLOSE);
	});
	const Exchange refused = stage.ask("s");
	CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.shown(), 502, refused.final().status);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.shown(), std::string("upstream_unavailable"), refused.final().code());
	CPPUNIT_ASSERT_MESSAGE(refused.shown(), refused.bytes.find("HTTP/1.1 101") == std::string::npos && refused.bytes.find(marker) == std::string::npos);
}


void ConformanceTest::testUpstreamTransferEncodingConflictsAreNotRelayed()
{
	const std::string body = chunked("{\"id\":\"" + marker + "\"}");
	for (const std::string& framing : std::vector<std::string>{"Transfer-Encoding: gzip, chunked\r\n", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
			 "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"})
	{
		ScriptedStage stage([&](const ScriptedRequest&) { return ScriptedReply(answer(framing, body), ScriptedReply::CLOSE); });
		stage.assertNotRelayed(framing);
	}
}


void ConformanceTest::testMalformedUpstreamHeadersAreNotRelayed()
{
	const std::string body = "{\"id\":\"" + marker + "\"}";
	for (const std::string& line : std::vector<std::string>{std::string("X-Custom: a\0", 12) + marker + "\r\n", "X-Custom : " + marker + "\r\n", "X-Custom: a\r\n " + marker + "\r\n"})
	{
		ScriptedStage stage([&](const ScriptedRequest&) { return ScriptedReply(answer(line + length(body), body), ScriptedReply::CLOSE); });
		stage.assertNotRelayed(line);
	}
}

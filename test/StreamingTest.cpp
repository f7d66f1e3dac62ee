#include "StreamingTest.h"

#include "GatewayFixture.h"
#include "MockUpstream.h"
#include <Poco/Net/StreamSocket.h>

CPPUNIT_TEST_SUITE_REGISTRATION(StreamingTest);

using namespace AILoad::Test;

namespace {

const std::string chat = "/v1/chat/completions";
const std::string streamBody = R"({"model":"auto","stream":true,"messages":[{"role":"user","content":"hi"}]})";

std::string config(const std::string& models, const std::string& rest = "")
{
	return "{\"auth_token\": \"x\", \"models\": [" + models + "]" + (rest.empty() ? "" : ", " + rest) + "}";
}


int count(const std::string& text, const std::string& what)
{
	int n = 0;
	for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
	return n;
}


bool endsCleanly(const std::string& raw)
{
	return raw.size() >= 5 && raw.compare(raw.size() - 5, 5, "0\r\n\r\n") == 0;
}


Poco::Net::StreamSocket openStream(Poco::UInt16 port, const std::string& request)
{
	Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
	socket.sendBytes(request.data(), static_cast<int>(request.size()));
	return socket;
}


} // namespace


void StreamingTest::testEventsArriveAsTheyAreSent()
{
	MockUpstream a("a");
	MockBehaviour behaviour;
	behaviour.sseEvents = 6;
	behaviour.sseInterval = Poco::Timespan(0, 100000);
	a.setBehaviour(behaviour);
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	TestClient client = gateway.client();

	const std::vector<TimedPiece> pieces = client.raw(client.rawRequest(chat, streamBody), Poco::Timespan(10, 0));
	const std::string raw = TestClient::joined(pieces);
	CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200"), raw.substr(0, 12));
	CPPUNIT_ASSERT(raw.find("Transfer-Encoding: chunked") != std::string::npos);
	CPPUNIT_ASSERT(raw.find("Content-Type: text/event-stream") != std::string::npos);
	CPPUNIT_ASSERT(raw.find("data: [DONE]") != std::string::npos);
	CPPUNIT_ASSERT(endsCleanly(raw));

	// Each event (6 tokens and [DONE]) must reach the client before the mock sends the next
	// one, 100 ms later: nothing is held back. (A condition, not a bound in microseconds: a
	// busy machine delays the mock as much as the gateway.)
	const std::vector<Poco::Timestamp> sent = a.eventSendTimes();
	CPPUNIT_ASSERT_EQUAL(std::size_t(7), sent.size());
	for (std::size_t i = 0; i < sent.size(); ++i)
	{
		const std::string marker = i + 1 < sent.size() ? "tok" + std::to_string(i) + " " : "[DONE]";
		std::string seen;
		const TimedPiece* arrival = nullptr;
		for (const auto& piece : pieces)
		{
			seen += piece.bytes;
			if (seen.find(marker) != std::string::npos)
			{
				arrival = &piece;
				break;
			}
		}
		CPPUNIT_ASSERT_MESSAGE(marker, arrival != nullptr);
		const Poco::Timestamp next = i + 1 < sent.size() ? sent[i + 1] : sent[i] + behaviour.sseInterval.totalMicroseconds();
		CPPUNIT_ASSERT_MESSAGE(marker + " arrived " + std::to_string(arrival->at - sent[i]) + " us after it was sent, after the next one", arrival->at < next);
	}
}


void StreamingTest::testClientLeavingMidStreamReleasesUpstream()
{
	MockUpstream a("a");
	MockBehaviour behaviour;
	behaviour.sseEvents = 100;
	behaviour.sseInterval = Poco::Timespan(0, 100000);
	a.setBehaviour(behaviour);
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));

	Poco::Net::StreamSocket socket = openStream(gateway.port(), gateway.client().rawRequest(chat, streamBody));
	std::string received;
	CPPUNIT_ASSERT(TestClient::receiveUntil(socket, "tok1 ", received, Poco::Timespan(5, 0)));
	socket.close();

	// Long before the stream's 10 s would have ended: the upstream stops half-way at the latest.
	CPPUNIT_ASSERT(a.waitForStreamClosedByPeer(Poco::Timespan(5, 0)));
	CPPUNIT_ASSERT_MESSAGE(std::to_string(a.eventSendTimes().size()) + " events sent", a.eventSendTimes().size() < 50);
	CPPUNIT_ASSERT(a.waitForOpenConnectionsAtMost(0, Poco::Timespan(5, 0)));
}


void StreamingTest::testClientLeavingBeforeTheAnswerReleasesUpstream()
{
	MockUpstream a("a");
	MockBehaviour behaviour;
	behaviour.hang = true;
	a.setBehaviour(behaviour);
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));

	Poco::Net::StreamSocket socket = openStream(gateway.port(), gateway.client().rawRequest(chat, streamBody));
	CPPUNIT_ASSERT(a.waitForRequests(1, Poco::Timespan(5, 0)));
	socket.close();
	// Within 5 s, long before the gateway would give up on the silent upstream (settings.timeout, 120 s).
	CPPUNIT_ASSERT(a.waitForStreamClosedByPeer(Poco::Timespan(5, 0)));
}


void StreamingTest::testUpstreamBreakingOffStreamIsVisible()
{
	MockUpstream a("a");
	MockBehaviour behaviour;
	behaviour.sseEvents = 5;
	behaviour.breakAfterEvents = 2;
	a.setBehaviour(behaviour);
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	TestClient client = gateway.client();

	const std::string raw = TestClient::joined(client.raw(client.rawRequest(chat, streamBody), Poco::Timespan(10, 0)));
	CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200"), raw.substr(0, 12));
	CPPUNIT_ASSERT_EQUAL(2, count(raw, "chat.completion.chunk"));
	CPPUNIT_ASSERT(raw.find("data: {\"error\":") != std::string::npos);
	CPPUNIT_ASSERT(raw.find("upstream_disconnected") != std::string::npos);
	CPPUNIT_ASSERT(raw.find("[DONE]") == std::string::npos);
	CPPUNIT_ASSERT_MESSAGE(raw, !endsCleanly(raw));

	// The gateway itself is fine afterwards.
	a.setBehaviour(MockBehaviour());
	CPPUNIT_ASSERT_EQUAL(200, client.post(chat, "{}").status);
}


void StreamingTest::testUpstreamBreakingOffPlainBodyIsVisible()
{
	MockUpstream a("a");
	MockBehaviour behaviour;
	behaviour.body = "{\"padding\":\"" + std::string(10000, 'p') + "\"}";
	behaviour.breakAfterEvents = 0;
	a.setBehaviour(behaviour);
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	TestClient client = gateway.client();

	const std::string raw = TestClient::joined(client.raw(client.rawRequest(chat, "{}"), Poco::Timespan(10, 0)));
	CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200"), raw.substr(0, 12));
	const std::string length = "Content-Length: " + std::to_string(behaviour.body.size()) + "\r\n";
	CPPUNIT_ASSERT_MESSAGE(raw.substr(0, 300), raw.find(length) != std::string::npos);
	const std::size_t bodyStart = raw.find("\r\n\r\n") + 4;
	CPPUNIT_ASSERT(raw.size() - bodyStart < behaviour.body.size());
}


void StreamingTest::testChunkedPlainBodyRelayed()
{
	MockUpstream a("a");
	MockBehaviour behaviour;
	behaviour.chunkedPlain = true;
	a.setBehaviour(behaviour);
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	const HttpAnswer answer = gateway.client().post(chat, "{}");
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	CPPUNIT_ASSERT(answer.body.find("Hello from a") != std::string::npos);
	CPPUNIT_ASSERT_EQUAL(std::string("chunked"), answer.header("Transfer-Encoding"));
}


void StreamingTest::testStreamFailsOverBeforeFirstByte()
{
	MockUpstream a("a"), b("b");
	MockBehaviour limited;
	limited.status = 429;
	limited.headers = {{"Retry-After", "7"}};
	a.setBehaviour(limited);
	a.start();
	b.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase()) + "," + GatewayFixture::modelEntry("b", b.apiBase())));
	TestClient client = gateway.client();
	for (int i = 0; i < 2; ++i)
	{
		const std::string raw = TestClient::joined(client.raw(client.rawRequest(chat, streamBody), Poco::Timespan(10, 0)));
		CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200"), raw.substr(0, 12));
		CPPUNIT_ASSERT(raw.find("X-AILoad-Upstream: b") != std::string::npos);
		CPPUNIT_ASSERT(raw.find("data: [DONE]") != std::string::npos);
	}
	b.setBehaviour(limited);
	const HttpAnswer answer = client.post(chat, streamBody);
	CPPUNIT_ASSERT_EQUAL(429, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("7"), answer.header("Retry-After"));
}


void StreamingTest::testUpstreamSilentTooLongTimesOut()
{
	MockUpstream a("a"), b("b");
	MockBehaviour silent;
	silent.hang = true;
	a.setBehaviour(silent);
	b.setBehaviour(silent);
	a.start();
	b.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase()) + "," + GatewayFixture::modelEntry("b", b.apiBase()),
		R"("settings": {"timeout": 0.3})"));
	const Poco::Timestamp start;
	const HttpAnswer answer = gateway.client().post(chat, "{}");
	CPPUNIT_ASSERT_EQUAL(504, answer.status);
	CPPUNIT_ASSERT(start.elapsed() < 3000000);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.requestCount());
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), b.requestCount());

	// A stream that stalls after it started is cut off, visibly.
	MockBehaviour stalling;
	stalling.sseEvents = 3;
	stalling.sseInterval = Poco::Timespan(2, 0);
	a.setBehaviour(stalling);
	b.setBehaviour(stalling);
	TestClient client = gateway.client();
	const std::string raw = TestClient::joined(client.raw(client.rawRequest(chat, streamBody), Poco::Timespan(10, 0)));
	CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200"), raw.substr(0, 12));
	CPPUNIT_ASSERT_MESSAGE(raw, raw.find("upstream_timeout") != std::string::npos);
	CPPUNIT_ASSERT(!endsCleanly(raw));
}

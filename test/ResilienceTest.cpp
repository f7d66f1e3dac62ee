#include "ResilienceTest.h"

#include "CapturingChannel.h"
#include "GatewayFixture.h"
#include "MockUpstream.h"
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include "AILoad/ManualClock.h"
#include <memory>
#include <thread>

CPPUNIT_TEST_SUITE_REGISTRATION(ResilienceTest);

using namespace AILoad::Test;
using Poco::JSON::Object;

namespace {

const std::string chat = "/v1/chat/completions";
const std::string streamBody = R"({"model":"auto","stream":true})";

std::string config(const std::string& models, const std::string& settings = "")
{
	return "{\"auth_token\": \"x\", \"models\": [" + models + "]" + (settings.empty() ? "" : ", \"settings\": {" + settings + "}") + "}";
}


std::string entries(std::initializer_list<const MockUpstream*> mocks, const std::string& extra = "")
{
	std::string text;
	for (const MockUpstream* mock : mocks) text += (text.empty() ? "" : ",") + GatewayFixture::modelEntry(mock->name(), mock->apiBase(), extra);
	return text;
}


MockBehaviour answering(int status, std::vector<std::pair<std::string, std::string>> headers = {})
{
	MockBehaviour behaviour;
	behaviour.status = status;
	behaviour.headers = std::move(headers);
	return behaviour;
}


Object::Ptr upstreamHealth(GatewayFixture& gateway, const std::string& name)
{
	const HttpAnswer answer = gateway.client().get("/health");
	Object::Ptr health = Poco::JSON::Parser().parse(answer.body).extract<Object::Ptr>();
	Poco::JSON::Array::Ptr upstreams = health->getArray("upstreams");
	for (std::size_t i = 0; i < upstreams->size(); ++i)
	{
		if (upstreams->getObject(i)->getValue<std::string>("name") == name) return upstreams->getObject(i);
	}
	CPPUNIT_FAIL("no upstream " + name + " in /health: " + answer.body);
	return nullptr;
}


Poco::UInt16 closedPort()
{
	Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
	const Poco::UInt16 port = socket.address().port();
	socket.close();
	return port;
}


} // namespace


void ResilienceTest::testFailoverOnConnectionRefused()
{
	MockUpstream b("b");
	b.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("gone", "http://127.0.0.1:" + std::to_string(closedPort()) + "/v1") + "," + entries({&b})));
	for (int i = 0; i < 4; ++i)
	{
		const HttpAnswer answer = gateway.client().post(chat, "{}");
		CPPUNIT_ASSERT_EQUAL(200, answer.status);
		CPPUNIT_ASSERT_EQUAL(std::string("b"), answer.header("X-AILoad-Upstream"));
	}
	const HttpAnswer stream = gateway.client().post(chat, streamBody);
	CPPUNIT_ASSERT_EQUAL(200, stream.status);
	CPPUNIT_ASSERT(stream.body.find("data: [DONE]") != std::string::npos);
}


void ResilienceTest::testFailoverOnConnectTimeout()
{
	// A listener that never accepts, with its accept queue full: further SYNs are dropped,
	// so connecting to it hangs until the gateway's connect timeout.
	Poco::Net::ServerSocket blackhole;
	blackhole.bind(Poco::Net::SocketAddress("127.0.0.1", 0));
	blackhole.listen(0);
	std::vector<Poco::Net::StreamSocket> fillers(4);
	for (auto& filler : fillers) filler.connectNB(blackhole.address());
	Poco::Net::StreamSocket probe;
	bool hangs = false;
	try
	{
		probe.connect(blackhole.address(), Poco::Timespan(0, 300000));
	}
	catch (Poco::TimeoutException&)
	{
		hangs = true;
	}
	CPPUNIT_ASSERT_MESSAGE("could not make a listener that does not answer SYNs", hangs);

	MockUpstream b("b");
	b.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("hanging", "http://127.0.0.1:" + std::to_string(blackhole.address().port()) + "/v1") + "," + entries({&b}),
		"\"connect_timeout\": 0.3"));
	const Poco::Timestamp start;
	const HttpAnswer answer = gateway.client().post(chat, R"({"model":"auto"})");
	const Poco::Timestamp::TimeDiff took = start.elapsed();
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("b"), answer.header("X-AILoad-Upstream"));
	CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took < 5000000); // far from the default connect_timeout (10 s) and the system's (minutes)
	const HttpAnswer only = gateway.client().post(chat, R"({"model":"hanging"})");
	CPPUNIT_ASSERT_EQUAL(504, only.status);
	CPPUNIT_ASSERT(only.body.find("hanging (timed out)") != std::string::npos);
}


void ResilienceTest::testFailoverOnEachRetryableStatus()
{
	for (int status : {408, 429, 500, 502, 503, 504, 401, 403})
	{
		MockUpstream a("a"), b("b");
		a.setBehaviour(answering(status));
		a.start();
		b.start();
		GatewayFixture gateway(config(entries({&a, &b}), "\"max_attempts\": 2"));
		// Round-robin starts with a for the first request: a fails, b answers.
		const HttpAnswer answer = gateway.client().post(chat, "{}");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(std::to_string(status), 200, answer.status);
		CPPUNIT_ASSERT_EQUAL(std::string("b"), answer.header("X-AILoad-Upstream"));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(std::to_string(status), std::size_t(1), a.requestCount());
		// Streams fail over the same way, as nothing has gone to the client yet.
		const HttpAnswer stream = gateway.client().post(chat, streamBody);
		CPPUNIT_ASSERT_EQUAL(200, stream.status);
		CPPUNIT_ASSERT(stream.body.find("data: [DONE]") != std::string::npos);
	}
}


void ResilienceTest::testAttemptsAreBoundedAndNeverRepeated()
{
	MockUpstream a("a"), b("b"), c("c"), d("d");
	for (MockUpstream* mock : {&a, &b, &c, &d})
	{
		mock->setBehaviour(answering(503));
		mock->start();
	}
	{
		GatewayFixture gateway(config(entries({&a, &b, &c, &d}), "\"max_attempts\": 3"));
		const HttpAnswer answer = gateway.client().post(chat, "{}");
		CPPUNIT_ASSERT_EQUAL(502, answer.status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), a.requestCount() + b.requestCount() + c.requestCount() + d.requestCount());
	}
	for (MockUpstream* mock : {&a, &b}) mock->clearReceived();
	GatewayFixture gateway(config(entries({&a, &b}), "\"max_attempts\": 10"));
	const HttpAnswer answer = gateway.client().post(chat, "{}");
	CPPUNIT_ASSERT_EQUAL(502, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.requestCount());
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), b.requestCount());
	CPPUNIT_ASSERT(answer.body.find("a (HTTP 503)") != std::string::npos && answer.body.find("b (HTTP 503)") != std::string::npos);
}


void ResilienceTest::testRetryAfterCooldowns()
{
	MockUpstream a("a"), b("b");
	a.start();
	b.start();
	// On a clock that stands still, the seconds left are exact however long the requests take.
	AILoad::Gateway::ServerSettings settings;
	settings.clock = std::make_shared<AILoad::ManualClock>();
	GatewayFixture gateway(config(entries({&a, &b})), settings);

	a.setBehaviour(answering(429, {{"Retry-After", "120"}}));
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
	Object::Ptr state = upstreamHealth(gateway, "a");
	CPPUNIT_ASSERT_EQUAL(std::string("cooling_down"), state->getValue<std::string>("state"));
	CPPUNIT_ASSERT_EQUAL(std::string("rate_limited"), state->getValue<std::string>("reason"));
	CPPUNIT_ASSERT_EQUAL(120, state->getValue<int>("seconds_left"));
	// While it cools down, everything goes to b.
	for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT_EQUAL(std::string("b"), gateway.client().post(chat, "{}").header("X-AILoad-Upstream"));
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.requestCount());
	CPPUNIT_ASSERT_EQUAL(std::string("up"), upstreamHealth(gateway, "b")->getValue<std::string>("state"));

	// Retry-After as an HTTP date, and none at all (30 s).
	MockUpstream c("c"), d("d"), e("e");
	const std::string inNinety = Poco::DateTimeFormatter::format(settings.clock->now() + Poco::Timespan(90, 0).totalMicroseconds(), Poco::DateTimeFormat::HTTP_FORMAT);
	c.setBehaviour(answering(429, {{"Retry-After", inNinety}}));
	d.setBehaviour(answering(429));
	for (MockUpstream* mock : {&c, &d, &e}) mock->start();
	GatewayFixture second(config(entries({&c, &d, &e}), "\"max_attempts\": 3"), settings);
	CPPUNIT_ASSERT_EQUAL(200, second.client().post(chat, "{}").status);
	const int dateLeft = upstreamHealth(second, "c")->getValue<int>("seconds_left");
	CPPUNIT_ASSERT_MESSAGE(std::to_string(dateLeft), dateLeft == 89 || dateLeft == 90); // an HTTP date has whole seconds
	CPPUNIT_ASSERT_EQUAL(30, upstreamHealth(second, "d")->getValue<int>("seconds_left"));
}


void ResilienceTest::testBadKeyCooldownIsLogged()
{
	CapturingChannel::Ptr log = CapturingChannel::install();
	MockUpstream a("a"), b("b");
	a.setBehaviour(answering(401));
	a.start();
	b.start();
	{
		GatewayFixture gateway(config(entries({&a, &b})));
		CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
		Object::Ptr state = upstreamHealth(gateway, "a");
		CPPUNIT_ASSERT_EQUAL(std::string("bad_key"), state->getValue<std::string>("reason"));
		CPPUNIT_ASSERT(state->getValue<int>("seconds_left") > 590);
	}
	log->uninstall();
	bool logged = false;
	for (const auto& line : log->lines())
	{
		CPPUNIT_ASSERT_MESSAGE(line, line.find("sk-key-a") == std::string::npos);
		logged = logged || (line.find("upstream a refused its API key") != std::string::npos);
	}
	CPPUNIT_ASSERT(logged);
}


void ResilienceTest::testThreeFailuresInARowCoolDown()
{
	MockUpstream a("a"), b("b");
	a.setBehaviour(answering(500));
	a.start();
	b.start();
	// Without ip-affinity, which would move this one client to b after a failed.
	AILoad::Gateway::ServerSettings settings;
	settings.clock = std::make_shared<AILoad::ManualClock>();
	GatewayFixture gateway(config(entries({&a, &b}), "\"ip_affinity\": false"), settings);
	// Round-robin alternates the first choice: requests 1 and 3 start with a.
	for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), a.requestCount());
	CPPUNIT_ASSERT_EQUAL(std::string("up"), upstreamHealth(gateway, "a")->getValue<std::string>("state"));
	CPPUNIT_ASSERT_EQUAL(2, upstreamHealth(gateway, "a")->getValue<int>("consecutive_failures"));
	for (int i = 0; i < 2; ++i) CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), a.requestCount());
	Object::Ptr state = upstreamHealth(gateway, "a");
	CPPUNIT_ASSERT_EQUAL(std::string("cooling_down"), state->getValue<std::string>("state"));
	CPPUNIT_ASSERT_EQUAL(std::string("failing"), state->getValue<std::string>("reason"));
	CPPUNIT_ASSERT_EQUAL(10, state->getValue<int>("seconds_left"));
}


void ResilienceTest::testRequestsPerMinuteLimit()
{
	MockUpstream a("a"), b("b");
	a.start();
	b.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase(), "\"rpm\": 3, \"group\": \"g\"") + ","
		+ GatewayFixture::modelEntry("b", b.apiBase(), "\"group\": \"g\"")));
	for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, R"({"model":"a"})").status);
	const HttpAnswer limited = gateway.client().post(chat, R"({"model":"a"})");
	CPPUNIT_ASSERT_EQUAL(429, limited.status);
	const int retryAfter = std::stoi(limited.header("Retry-After"));
	CPPUNIT_ASSERT_MESSAGE(limited.header("Retry-After"), retryAfter > 50 && retryAfter <= 60);
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), a.requestCount());
	CPPUNIT_ASSERT_EQUAL(std::string("at_limit"), upstreamHealth(gateway, "a")->getValue<std::string>("state"));
	// Through the group, the overflow goes to b.
	for (int i = 0; i < 4; ++i) CPPUNIT_ASSERT_EQUAL(std::string("b"), gateway.client().post(chat, R"({"model":"g"})").header("X-AILoad-Upstream"));
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), a.requestCount());
}


void ResilienceTest::testRequestsPerDayLimit()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase(), "\"rpd\": 2")));
	for (int i = 0; i < 2; ++i) CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
	const HttpAnswer limited = gateway.client().post(chat, "{}");
	CPPUNIT_ASSERT_EQUAL(429, limited.status);
	const int retryAfter = std::stoi(limited.header("Retry-After"));
	CPPUNIT_ASSERT_MESSAGE(limited.header("Retry-After"), retryAfter > 86300 && retryAfter <= 86400);
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), a.requestCount());
}


void ResilienceTest::testStateSurvivesReload()
{
	// docs/configuration.md, "Reload": a reload drops no request in flight, and the cooldowns and rpm/rpd counters of
	// upstreams that keep their name carry over.
	MockUpstream a("a"), b("b");
	a.setBehaviour(answering(429, {{"Retry-After", "60"}}));
	MockBehaviour slowStream;
	slowStream.sseEvents = 5;
	slowStream.sseInterval = Poco::Timespan(0, 100000);
	b.setBehaviour(slowStream);
	a.start();
	b.start();
	auto configWith = [&](const std::string& timeout) {
		return config(GatewayFixture::modelEntry("a", a.apiBase()) + "," + GatewayFixture::modelEntry("b", b.apiBase(), "\"rpm\": 2"),
			"\"timeout\": " + timeout);
	};
	GatewayFixture gateway(configWith("30"));

	CPPUNIT_ASSERT_EQUAL(429, gateway.client().post(chat, R"({"model":"a"})").status); // a cools down for 60 s
	HttpAnswer stream;
	std::thread client([&] { stream = gateway.client().post(chat, R"({"model":"b","stream":true})"); }); // b: 1 of 2
	CPPUNIT_ASSERT(b.waitForRequests(1, Poco::Timespan(5, 0)));
	gateway.setConfig(configWith("31"));
	client.join();
	CPPUNIT_ASSERT_EQUAL(200, stream.status);
	CPPUNIT_ASSERT_MESSAGE(stream.body, stream.body.find("data: [DONE]") != std::string::npos);

	const Object::Ptr health = upstreamHealth(gateway, "a");
	CPPUNIT_ASSERT_EQUAL(std::string("cooling_down"), health->getValue<std::string>("state"));
	CPPUNIT_ASSERT_EQUAL(std::string("b"), gateway.client().post(chat, "{}").header("X-AILoad-Upstream")); // b: 2 of 2
	gateway.setConfig(configWith("32"));
	const HttpAnswer busy = gateway.client().post(chat, "{}");
	CPPUNIT_ASSERT_EQUAL(429, busy.status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.requestCount());
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), b.requestCount());
}


void ResilienceTest::testEverythingBusyGivesHonestRetryAfter()
{
	MockUpstream a("a"), b("b");
	a.setBehaviour(answering(429, {{"Retry-After", "40"}}));
	b.setBehaviour(answering(429, {{"Retry-After", "20"}}));
	a.start();
	b.start();
	GatewayFixture gateway(config(entries({&a, &b})));
	HttpAnswer answer = gateway.client().post(chat, "{}");
	CPPUNIT_ASSERT_EQUAL(429, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("20"), answer.header("Retry-After"));
	CPPUNIT_ASSERT(answer.body.find("\"code\":\"rate_limited\"") != std::string::npos);
	// Now both cool down: the next request is answered at once, without asking them.
	answer = gateway.client().post(chat, "{}");
	CPPUNIT_ASSERT_EQUAL(429, answer.status);
	const int retryAfter = std::stoi(answer.header("Retry-After"));
	CPPUNIT_ASSERT(retryAfter > 15 && retryAfter <= 20);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.requestCount());
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), b.requestCount());
}


void ResilienceTest::testSilentConnectionIsClosed()
{
	MockUpstream a("a");
	a.start();
	AILoad::Gateway::ServerSettings settings;
	settings.firstByteTimeout = Poco::Timespan(1, 0);
	GatewayFixture gateway(config(entries({&a})), settings);

	// A connection that never sends a byte holds a thread; it is closed, without an answer,
	// long before the request timeout (30 s).
	Poco::Net::StreamSocket silent(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
	const Poco::Timestamp start;
	std::string received;
	CPPUNIT_ASSERT(!TestClient::receiveUntil(silent, "HTTP/1.1", received, Poco::Timespan(5, 0)));
	CPPUNIT_ASSERT_EQUAL(std::string(), received);
	CPPUNIT_ASSERT_MESSAGE(std::to_string(start.elapsed()), start.elapsed() < 3000000);
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
}


void ResilienceTest::testSlowRequestHeadGets408()
{
	MockUpstream a("a");
	a.start();
	AILoad::Gateway::ServerSettings settings;
	settings.requestTimeout = Poco::Timespan(1, 0);
	GatewayFixture gateway(config(entries({&a})), settings);

	Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
	const std::string head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: ";
	const Poco::Timestamp start;
	std::string received;
	// One byte every 200 ms: each read is quick, the whole never ends.
	for (std::size_t i = 0; i < head.size() && start.elapsed() < 5000000; ++i)
	{
		try
		{
			socket.sendBytes(&head[i], 1);
		}
		catch (Poco::Exception&)
		{
			break;
		}
		if (socket.poll(Poco::Timespan(0, 200000), Poco::Net::Socket::SELECT_READ)) break;
	}
	CPPUNIT_ASSERT(TestClient::receiveUntil(socket, "request_timeout", received, Poco::Timespan(3, 0)));
	CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 408"), received.substr(0, 12));
	CPPUNIT_ASSERT_MESSAGE(std::to_string(start.elapsed()), start.elapsed() < 2500000);
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
}


void ResilienceTest::testSlowRequestBodyGets408()
{
	MockUpstream a("a");
	a.start();
	AILoad::Gateway::ServerSettings settings;
	settings.requestTimeout = Poco::Timespan(1, 0);
	GatewayFixture gateway(config(entries({&a})), settings);

	Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
	const std::string head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + GatewayFixture::token()
		+ "\r\nContent-Length: 100\r\n\r\n{";
	socket.sendBytes(head.data(), static_cast<int>(head.size()));
	const Poco::Timestamp start;
	std::string received;
	for (int i = 0; i < 25 && received.empty(); ++i)
	{
		try
		{
			socket.sendBytes(" ", 1);
		}
		catch (Poco::Exception&)
		{
			break;
		}
		if (socket.poll(Poco::Timespan(0, 200000), Poco::Net::Socket::SELECT_READ)) break;
	}
	CPPUNIT_ASSERT(TestClient::receiveUntil(socket, "request_timeout", received, Poco::Timespan(3, 0)));
	CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 408"), received.substr(0, 12));
	CPPUNIT_ASSERT(start.elapsed() < 2500000);
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), a.requestCount());
}


void ResilienceTest::testClientThatStopsReadingIsCutOff()
{
	MockUpstream a("a");
	MockBehaviour flood;
	flood.sseEvents = 1000000; // far more than the socket buffers hold
	a.setBehaviour(flood);
	a.start();
	AILoad::Gateway::ServerSettings settings;
	settings.sendTimeout = Poco::Timespan(1, 0);
	settings.connectionLimitExempt.clear(); // so that the gateway counts the client's connections
	GatewayFixture gateway(config(entries({&a})), settings);

	Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
	socket.setReceiveBufferSize(4096);
	const std::string request = gateway.client().rawRequest(chat, streamBody);
	socket.sendBytes(request.data(), static_cast<int>(request.size()));
	// The client never reads: the gateway's writes block, time out, and it lets go of the upstream.
	CPPUNIT_ASSERT(a.waitForStreamClosedByPeer(Poco::Timespan(15, 0)));
	CPPUNIT_ASSERT(a.waitForOpenConnectionsAtMost(0, Poco::Timespan(5, 0)));
	// The gateway closed the connection too, rather than keeping it for another request:
	// it no longer counts against the client's address.
	const Poco::Net::IPAddress client("127.0.0.1");
	const Poco::Timestamp closing;
	while (gateway.gateway().connectionsPerAddress().openFrom(client) > 0 && closing.elapsed() < 5000000)
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), gateway.gateway().connectionsPerAddress().openFrom(client));
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
}


void ResilienceTest::testBusyServerAnswers503()
{
	MockUpstream a("a");
	a.start();
	AILoad::Gateway::ServerSettings settings;
	settings.minThreads = 2;
	settings.maxThreads = 2;
	GatewayFixture gateway(config(entries({&a})), settings);
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status); // leaves a connection to the upstream in the pool

	// Two clients whose chunked bodies trickle in hold both workers (a worker reads a body
	// the event loop does not: a chunked one, or one over 64 KiB). A small request needs no
	// worker, nor does waiting for an upstream (ServingCoreTest).
	const std::string trickling = "POST " + chat + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + GatewayFixture::token()
		+ "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":";
	std::vector<Poco::Net::StreamSocket> holders;
	for (int i = 0; i < 2; ++i)
	{
		holders.emplace_back(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
		holders.back().sendBytes(trickling.data(), static_cast<int>(trickling.size()));
	}
	const Poco::Timestamp waiting;
	while (gateway.gateway().activeRequests() < 2 && waiting.elapsed() < 5000000)
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	CPPUNIT_ASSERT_EQUAL(2, gateway.gateway().activeRequests());

	// A third whose body is on its way too needs a worker: there is none.
	const Poco::Timestamp start;
	Poco::Net::StreamSocket third(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
	third.sendBytes(trickling.data(), static_cast<int>(trickling.size()));
	std::string raw;
	CPPUNIT_ASSERT(TestClient::receiveUntil(third, "}}", raw, Poco::Timespan(5, 0)));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(raw, std::string("HTTP/1.1 503"), raw.substr(0, 12));
	CPPUNIT_ASSERT(raw.find("\"code\":\"overloaded\"") != std::string::npos);
	CPPUNIT_ASSERT_MESSAGE(std::to_string(start.elapsed()) + raw, start.elapsed() < 4000000); // not left queued behind the busy workers
	// One that is all there is served on the loop, over the pooled connection.
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);

	for (auto& holder : holders) holder.close();
	// Workers come back: the server serves again.
	bool served = false;
	for (int i = 0; i < 50 && !served; ++i)
	{
		served = gateway.client().post(chat, "{}").status == 200;
		if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(100)); // the workers are being released
	}
	CPPUNIT_ASSERT(served);
}


void ResilienceTest::testSecretsNeverLeak()
{
	CapturingChannel::Ptr log = CapturingChannel::install();
	std::vector<std::string> seen;
	{
		MockUpstream bad("bad"), limited("limited"), failing("failing"), breaking("breaking"), slow("slow"), fine("fine");
		bad.setBehaviour(answering(401));
		limited.setBehaviour(answering(429, {{"Retry-After", "5"}}));
		failing.setBehaviour(answering(500));
		MockBehaviour breaks;
		breaks.breakAfterEvents = 1;
		breaking.setBehaviour(breaks);
		MockBehaviour hangs;
		hangs.hang = true;
		slow.setBehaviour(hangs);
		for (MockUpstream* mock : {&bad, &limited, &failing, &breaking, &slow, &fine}) mock->start();
		GatewayFixture gateway(config(entries({&bad, &limited, &failing, &breaking, &slow, &fine})
				+ "," + GatewayFixture::modelEntry("refused", "http://127.0.0.1:" + std::to_string(closedPort()) + "/v1"),
			"\"timeout\": 0.5, \"max_attempts\": 7, \"max_body_mb\": 0.01"));
		TestClient client = gateway.client();
		auto keep = [&](const HttpAnswer& answer) {
			seen.push_back(answer.body);
			for (const auto& header : answer.headers) seen.push_back(header.first + ": " + header.second);
		};
		for (const char* model : {"bad", "limited", "failing", "breaking", "slow", "refused", "auto", "fine"})
		{
			keep(client.post(chat, std::string("{\"model\":\"") + model + "\"}"));
			keep(client.post(chat, std::string("{\"model\":\"") + model + "\",\"stream\":true}"));
		}
		keep(TestClient(gateway.port(), "sk-wrong").post(chat, "{}"));
		keep(client.post(chat, "{\"pad\":\"" + std::string(20000, 'x') + "\"}"));
		keep(client.post(chat, "{nope"));
		keep(client.get("/health"));
		keep(client.get("/v1/models"));
	}
	log->uninstall();
	std::vector<std::string> lines = log->lines();
	CPPUNIT_ASSERT(!lines.empty());
	seen.insert(seen.end(), lines.begin(), lines.end());
	for (const auto& text : seen)
	{
		CPPUNIT_ASSERT_MESSAGE(text, text.find("sk-key-") == std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(text, text.find(GatewayFixture::token()) == std::string::npos);
	}
}


void ResilienceTest::testDrainLetsShortStreamsFinishAndCutsLongOnes()
{
	MockUpstream a("a");
	MockBehaviour events;
	events.sseEvents = 5;
	events.sseInterval = Poco::Timespan(0, 100000);
	a.setBehaviour(events);
	a.start();

	auto streamDuringStop = [&](Poco::Timespan drain, bool& drained) {
		GatewayFixture gateway(config(entries({&a})));
		Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
		const std::string request = gateway.client().rawRequest(chat, streamBody);
		socket.sendBytes(request.data(), static_cast<int>(request.size()));
		std::string received;
		CPPUNIT_ASSERT(TestClient::receiveUntil(socket, "tok0", received, Poco::Timespan(5, 0)));
		std::string rest;
		std::thread reader([&] { TestClient::receiveUntil(socket, "\r\n0\r\n\r\n", rest, Poco::Timespan(10, 0)); });
		drained = gateway.gateway().stop(drain);
		reader.join();
		return received + rest;
	};

	bool drained = false;
	std::string received = streamDuringStop(Poco::Timespan(5, 0), drained);
	CPPUNIT_ASSERT(drained);
	CPPUNIT_ASSERT_MESSAGE(received, received.find("data: [DONE]") != std::string::npos);
	CPPUNIT_ASSERT(received.find("\r\n0\r\n\r\n") != std::string::npos);

	events.sseEvents = 100;
	a.setBehaviour(events);
	const Poco::Timestamp start;
	received = streamDuringStop(Poco::Timespan(0, 300000), drained);
	CPPUNIT_ASSERT(!drained);
	CPPUNIT_ASSERT(start.elapsed() < 5000000);
	CPPUNIT_ASSERT(received.find("data: [DONE]") == std::string::npos);
	CPPUNIT_ASSERT(received.find("\r\n0\r\n\r\n") == std::string::npos);
	CPPUNIT_ASSERT_MESSAGE(received, received.find("\"code\":\"shutting_down\"") != std::string::npos); // it is told why
}


void ResilienceTest::testBodiesInMemoryAreBounded()
{
	MockUpstream a("a");
	a.start();
	AILoad::Gateway::ServerSettings settings;
	settings.maxBodyMemory = 1024 * 1024;
	GatewayFixture gateway(config(entries({&a})), settings);
	const std::string body = "{\"pad\":\"" + std::string(700 * 1024, 'x') + "\"}";

	// The first request's Content-Length is reserved before it is told to send its body.
	Poco::Net::StreamSocket first(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
	const std::string request = gateway.client().rawRequest(chat, body, {{"Expect", "100-continue"}});
	const std::size_t head = request.find("\r\n\r\n") + 4;
	first.sendBytes(request.data(), static_cast<int>(head));
	std::string received;
	CPPUNIT_ASSERT(TestClient::receiveUntil(first, "HTTP/1.1 100 Continue\r\n\r\n", received, Poco::Timespan(5, 0)));

	// A second one would take more than the budget: 503 at once, nothing sent upstream.
	HttpAnswer answer = gateway.client().post(chat, body);
	CPPUNIT_ASSERT_EQUAL(503, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("1"), answer.header("Retry-After"));
	CPPUNIT_ASSERT_MESSAGE(answer.body, answer.body.find("\"code\":\"overloaded\"") != std::string::npos);
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), a.requestCount());

	// Once the first is through, its share is free again.
	first.sendBytes(request.data() + head, static_cast<int>(request.size() - head));
	CPPUNIT_ASSERT(TestClient::receiveUntil(first, "HTTP/1.1 200", received, Poco::Timespan(10, 0)));
	first.close();
	for (int i = 0; i < 100 && answer.status != 200; ++i) // until the first request's handler has returned
		answer = gateway.client().post(chat, body);
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
}

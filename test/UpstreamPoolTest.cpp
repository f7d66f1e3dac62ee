#include "UpstreamPoolTest.h"

#include "GatewayFixture.h"
#include "MockUpstream.h"
#include "TestCertificates.h"
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <atomic>
#include <set>
#include <thread>

CPPUNIT_TEST_SUITE_REGISTRATION(UpstreamPoolTest);

using namespace AILoad::Test;

namespace {

const std::string chat = "/v1/chat/completions";

std::string config(const std::string& models)
{
	return "{\"auth_token\": \"x\", \"models\": [" + models + "], \"settings\": {\"max_attempts\": 1}}";
}


std::string readRequest(Poco::Net::StreamSocket& socket)
	/// One request with a Content-Length body, or "" when the peer closed.
{
	std::string data;
	char buffer[4096];
	for (;;)
	{
		const std::size_t headEnd = data.find("\r\n\r\n");
		if (headEnd != std::string::npos)
		{
			const std::size_t at = data.find("Content-Length: ");
			const std::size_t length = at == std::string::npos ? 0 : std::stoul(data.substr(at + 16));
			if (data.size() >= headEnd + 4 + length) return data;
		}
		const int n = socket.receiveBytes(buffer, sizeof(buffer));
		if (n <= 0) return "";
		data.append(buffer, static_cast<std::size_t>(n));
	}
}

} // namespace


void UpstreamPoolTest::testConnectionsAreReused()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	for (int i = 0; i < 5; ++i)
	{
		CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
		CPPUNIT_ASSERT(gateway.client().post(chat, R"({"stream":true})").body.find("[DONE]") != std::string::npos);
	}
	CPPUNIT_ASSERT_EQUAL(std::size_t(10), a.requestCount());
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.connectionsAccepted());
	for (const auto& request : a.received()) CPPUNIT_ASSERT(Poco::icompare(request.header("Connection"), "close") != 0);
}


void UpstreamPoolTest::testTlsConnectionsAreReused()
{
	TestCertificates certificates;
	MockUpstream a("a", certificates.serverContext(true));
	a.start();
	AILoad::Gateway::ServerSettings settings;
	settings.extraCaLocation = certificates.caCertFile();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())), settings);
	for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.connectionsAccepted());

	// Once the connection is gone, the next handshake resumes the TLS session.
	a.stop();
	a.start();
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), a.connectionsAccepted());
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), gateway.gateway().upstreams().tlsResumptions());
}


void UpstreamPoolTest::testConnectionClosedByUpstreamIsNotUsed()
{
	MockUpstream a("a");
	a.setKeepAliveTimeout(Poco::Timespan(1, 200000));
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
	// The upstream closes the connection once it has been idle for longer than a second: the
	// gateway checks such a connection, and does not take it (docs/reliability.md).
	CPPUNIT_ASSERT(a.waitForOpenConnectionsAtMost(0, Poco::Timespan(5, 0)));
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), a.connectionsAccepted());
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), gateway.gateway().upstreams().reused());
	CPPUNIT_ASSERT_EQUAL(0, gateway.gateway().upstreamStates().find("a")->consecutiveFailures());
}


void UpstreamPoolTest::testConnectionClosedSoonAfterItsAnswerIsSentAgain()
{
	MockUpstream a("a");
	a.setKeepAliveTimeout(Poco::Timespan(0, 100000));
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, R"({"n":1})").status);
	// Closed within the second after its answer: taken unchecked, it fails before any byte
	// of an answer, and the request goes once more on a new connection.
	CPPUNIT_ASSERT(a.waitForOpenConnectionsAtMost(0, Poco::Timespan(5, 0)));
	const HttpAnswer answer = gateway.client().post(chat, R"({"n":2})");
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 200, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), gateway.gateway().upstreams().reused());
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), a.connectionsAccepted());
	const std::vector<ReceivedRequest> received = a.received();
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), received.size());
	CPPUNIT_ASSERT(received[1].body.find("\"n\":2") != std::string::npos && received[1].connectionId == 2);
	CPPUNIT_ASSERT_EQUAL(0, gateway.gateway().upstreamStates().find("a")->consecutiveFailures());
}


void UpstreamPoolTest::testDeadReusedConnectionRetriedOnFreshOne()
{
	// An upstream that answers the first request with keep-alive, then drops the connection
	// on receiving the second (after the gateway's idle check passed), then answers on a new one.
	Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
	std::atomic<int> accepted{0};
	std::thread upstream([&] {
		const std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\n{\"ok\":true}";
		Poco::Net::StreamSocket first = listener.acceptConnection();
		++accepted;
		if (!readRequest(first).empty()) first.sendBytes(answer.data(), static_cast<int>(answer.size()));
		readRequest(first);
		first.close();
		Poco::Net::StreamSocket second = listener.acceptConnection();
		++accepted;
		if (!readRequest(second).empty()) second.sendBytes(answer.data(), static_cast<int>(answer.size()));
		readRequest(second);
	});
	{
		GatewayFixture gateway(config(GatewayFixture::modelEntry("a", "http://127.0.0.1:" + std::to_string(listener.address().port()) + "/v1")));
		CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
		const HttpAnswer answer = gateway.client().post(chat, "{}");
		CPPUNIT_ASSERT_EQUAL(200, answer.status);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"ok\":true}"), answer.body);
		CPPUNIT_ASSERT_EQUAL(2, accepted.load());
	}
	upstream.join();
}


void UpstreamPoolTest::testBrokenAnswerIsNotPooled()
{
	MockUpstream a("a");
	MockBehaviour breaking;
	breaking.sseEvents = 3;
	breaking.breakAfterEvents = 1;
	a.setBehaviour(breaking);
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	gateway.client().post(chat, R"({"stream":true})");
	a.setBehaviour(MockBehaviour());
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), a.connectionsAccepted());
}


void UpstreamPoolTest::testIdleConnectionsAreClosed()
{
	MockUpstream a("a");
	a.start();
	AILoad::Gateway::ServerSettings settings;
	settings.upstreamIdleTimeout = Poco::Timespan(0, 300000);
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())), settings);
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), gateway.gateway().upstreams().idleConnections());
	CPPUNIT_ASSERT(a.waitForOpenConnectionsAtMost(0, Poco::Timespan(3, 0)));
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), gateway.gateway().upstreams().idleConnections());
}

#include "ServingCoreTest.h"

#include "GatewayFixture.h"
#include "MockUpstream.h"
#include <Poco/DirectoryIterator.h>
#include <Poco/Net/StreamSocket.h>
#include <chrono>
#include <fstream>
#include <sys/resource.h>
#include <thread>

CPPUNIT_TEST_SUITE_REGISTRATION(ServingCoreTest);

using namespace AILoad::Test;

namespace {

const std::string chat = "/v1/chat/completions";
const std::string streamBody = R"({"model":"auto","stream":true,"messages":[{"role":"user","content":"hi"}]})";

std::string keptAlive(const std::string& body)
	/// A request that leaves its connection open (TestClient's raw requests close it).
{
	return "POST " + chat + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer "
		+ GatewayFixture::token() + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}


std::string config(const std::string& models)
{
	return "{\"auth_token\": \"x\", \"models\": [" + models + "]}";
}


int gatewayThreads(GatewayFixture& gateway)
	/// Threads the gateway runs: its event loops (named aiload-loop-N) and the workers its
	/// pool holds, busy or idle.
{
	int loops = 0;
	for (Poco::DirectoryIterator task(std::string("/proc/self/task")), end; task != end; ++task)
	{
		std::ifstream comm(task->path() + "/comm");
		std::string name;
		std::getline(comm, name);
		if (name.rfind("aiload-loop", 0) == 0) ++loops;
	}
	return loops + gateway.gateway().workers().allocated();
}


bool answered200(Poco::Net::StreamSocket& socket, const std::string& request)
	/// Sends a plain request and reads its whole answer (Content-Length).
{
	socket.sendBytes(request.data(), static_cast<int>(request.size()));
	std::string received;
	if (!TestClient::receiveUntil(socket, "\r\n\r\n", received, Poco::Timespan(10, 0))) return false;
	const std::size_t headEnd = received.find("\r\n\r\n") + 4;
	const std::size_t length = received.find("Content-Length: ");
	if (length == std::string::npos) return false;
	const std::size_t bodySize = std::stoul(received.substr(length + 16));
	while (received.size() < headEnd + bodySize)
		if (TestClient::receiveSome(socket, received, Poco::Timespan(10, 0)) <= 0) return false;
	return received.compare(0, 12, "HTTP/1.1 200") == 0 && received.size() == headEnd + bodySize;
}

} // namespace


void ServingCoreTest::testIdleConnectionsHoldNoThread()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	const std::string request = keptAlive("{}");
	const int before = gatewayThreads(gateway);

	// 300 clients, each after one answer kept alive and idle: with a thread per connection
	// that would be 300 threads.
	std::vector<Poco::Net::StreamSocket> idle;
	for (int i = 0; i < 300; ++i)
	{
		idle.emplace_back(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
		CPPUNIT_ASSERT(answered200(idle.back(), request));
	}
	const int held = gatewayThreads(gateway);
	CPPUNIT_ASSERT_MESSAGE(std::to_string(before) + " -> " + std::to_string(held), held <= before + 4);

	// All of them are still served on the same connection.
	for (auto& socket : idle) CPPUNIT_ASSERT(answered200(socket, request));
	CPPUNIT_ASSERT_EQUAL(std::size_t(600), a.requestCount());
}


void ServingCoreTest::testStreamsHoldNoThread()
{
	MockUpstream a("a");
	MockBehaviour slow;
	slow.sseEvents = 4;
	slow.sseInterval = Poco::Timespan(0, 300000);
	a.setBehaviour(slow);
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	const std::string request = gateway.client().rawRequest(chat, streamBody);
	const int before = gatewayThreads(gateway);

	// 100 streams, all open at once: each has its head and first event before any is done.
	const int streams = 100;
	std::vector<Poco::Net::StreamSocket> sockets;
	std::vector<std::string> received(streams);
	for (int i = 0; i < streams; ++i)
	{
		// One after the other: a worker starts each (and may wait for its first event); the
		// loop carries it on from there.
		sockets.emplace_back(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
		sockets.back().sendBytes(request.data(), static_cast<int>(request.size()));
		CPPUNIT_ASSERT(TestClient::receiveUntil(sockets[i], "tok0 ", received[i], Poco::Timespan(10, 0)));
	}
	CPPUNIT_ASSERT(received[0].find("data: [DONE]") == std::string::npos); // still open
	const int during = gatewayThreads(gateway);
	CPPUNIT_ASSERT_MESSAGE(std::to_string(before) + " -> " + std::to_string(during), during <= before + 8);

	// And each ends as the upstream ended it.
	for (int i = 0; i < streams; ++i)
	{
		CPPUNIT_ASSERT(TestClient::receiveUntil(sockets[i], "0\r\n\r\n", received[i], Poco::Timespan(10, 0)));
		CPPUNIT_ASSERT(received[i].find("data: [DONE]") != std::string::npos);
		CPPUNIT_ASSERT(received[i].find("tok3 ") != std::string::npos);
	}
}


void ServingCoreTest::testPipelinedRequestsAreAnsweredInOrder()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));

	// Three requests in one write: the loop reads them all at once, and each is answered
	// in turn on the connection, a stream between two plain ones.
	const std::string requests = keptAlive(R"({"model":"auto","n":1})") + keptAlive(streamBody) + keptAlive(R"({"model":"auto","n":3})");
	Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
	socket.sendBytes(requests.data(), static_cast<int>(requests.size()));
	std::string received;
	const auto thirdComplete = [&received] {
		std::size_t third = std::string::npos;
		int answers = 0;
		for (std::size_t at = received.find("HTTP/1.1 "); at != std::string::npos; at = received.find("HTTP/1.1 ", at + 1))
			if (++answers == 3) third = at;
		if (third == std::string::npos) return false;
		const std::size_t headEnd = received.find("\r\n\r\n", third);
		const std::size_t length = received.find("Content-Length: ", third);
		return headEnd != std::string::npos && length != std::string::npos
			&& received.size() >= headEnd + 4 + std::stoul(received.substr(length + 16));
	};
	while (!thirdComplete())
		CPPUNIT_ASSERT_MESSAGE(received, TestClient::receiveSome(socket, received, Poco::Timespan(10, 0)) > 0);
	const std::size_t first = received.find("HTTP/1.1 200");
	const std::size_t stream = received.find("text/event-stream");
	const std::size_t done = received.find("data: [DONE]");
	const std::size_t third = received.find("HTTP/1.1 200", done);
	CPPUNIT_ASSERT(first < stream && stream < done && done < third && third != std::string::npos);
	const std::vector<ReceivedRequest> seen = a.received();
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), seen.size());
	CPPUNIT_ASSERT(seen[0].body.find("\"n\":1") != std::string::npos);
	CPPUNIT_ASSERT(seen[1].body.find("\"stream\":true") != std::string::npos);
	CPPUNIT_ASSERT(seen[2].body.find("\"n\":3") != std::string::npos);
}


void ServingCoreTest::testWaitingForUpstreamsHoldsNoWorker()
{
	MockUpstream a("a");
	MockBehaviour hang;
	hang.hang = true;
	a.setBehaviour(hang);
	a.start();
	AILoad::Gateway::ServerSettings settings;
	settings.minThreads = 2;
	settings.maxThreads = 2;
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())), settings);

	// Ten requests wait for an upstream that does not answer (a reasoning model thinking):
	// with two workers, all ten reach it, and the gateway still answers others.
	std::vector<Poco::Net::StreamSocket> waiting;
	for (int i = 0; i < 10; ++i)
	{
		// One at a time, and each once both workers are back: a worker that has sent its
		// request is busy for a moment more, and with none free a request gets 503 overloaded.
		const Poco::Timestamp idle;
		while (gateway.gateway().workers().available() < 2 && idle.elapsed() < 5000000) std::this_thread::sleep_for(std::chrono::milliseconds(1));
		waiting.emplace_back(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
		const std::string request = keptAlive("{}");
		waiting.back().sendBytes(request.data(), static_cast<int>(request.size()));
		CPPUNIT_ASSERT(a.waitForRequests(waiting.size(), Poco::Timespan(10, 0)));
	}
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().get("/health").status);
	CPPUNIT_ASSERT(gateway.gateway().workers().allocated() <= 2);

	// A client that leaves still releases its upstream at once.
	waiting.front().close();
	CPPUNIT_ASSERT(a.waitForStreamClosedByPeer(Poco::Timespan(5, 0)));
}


void ServingCoreTest::testClientLeavingAKeptAliveConnectionIsSeen()
{
	// The client's socket stays registered from one request to the next (docs/performance.md,
	// "Serving core"): a client that leaves while its second request waits for an upstream on
	// a pooled connection (served on the loop, no worker) ends the wait.
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	Poco::Net::StreamSocket client(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
	const std::string request = keptAlive("{}");
	client.sendBytes(request.data(), static_cast<int>(request.size()));
	std::string answer;
	char buffer[4096];
	while (answer.find("\r\n\r\n") == std::string::npos || answer.find("chat.completion") == std::string::npos)
	{
		const int n = client.receiveBytes(buffer, sizeof(buffer));
		CPPUNIT_ASSERT_MESSAGE(answer, n > 0);
		answer.append(buffer, static_cast<std::size_t>(n));
	}
	CPPUNIT_ASSERT_MESSAGE(answer, answer.compare(0, 12, "HTTP/1.1 200") == 0);

	MockBehaviour hang;
	hang.hang = true;
	a.setBehaviour(hang);
	client.sendBytes(request.data(), static_cast<int>(request.size()));
	CPPUNIT_ASSERT(a.waitForRequests(2, Poco::Timespan(10, 0)));
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.connectionsAccepted()); // the pooled connection
	client.close();
	CPPUNIT_ASSERT(a.waitForStreamClosedByPeer(Poco::Timespan(5, 0)));
}


void ServingCoreTest::testRequestSentWhileTheAnswerIsAwaitedIsAnsweredNext()
{
	// The next request arrives while the first waits for its upstream (on a pooled
	// connection: served on the loop, the client's socket watched): the gateway does not take
	// it for a client that left, and reads it once the first is answered.
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
	a.clearReceived();
	MockBehaviour slow;
	slow.headDelay = Poco::Timespan(0, 300000);
	a.setBehaviour(slow);
	Poco::Net::StreamSocket client(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
	const std::string first = keptAlive(R"({"n":1})");
	client.sendBytes(first.data(), static_cast<int>(first.size()));
	CPPUNIT_ASSERT(a.waitForRequests(1, Poco::Timespan(10, 0)));
	const std::string second = keptAlive(R"({"n":2})");
	client.sendBytes(second.data(), static_cast<int>(second.size()));
	std::string received;
	const auto secondComplete = [&received] {
		const std::size_t second = received.find("HTTP/1.1 ", 1);
		const std::size_t headEnd = received.find("\r\n\r\n", second);
		const std::size_t length = received.find("Content-Length: ", second);
		return second != std::string::npos && headEnd != std::string::npos && length != std::string::npos
			&& received.size() >= headEnd + 4 + std::stoul(received.substr(length + 16));
	};
	while (!secondComplete())
		CPPUNIT_ASSERT_MESSAGE(received, TestClient::receiveSome(client, received, Poco::Timespan(10, 0)) > 0);
	CPPUNIT_ASSERT_MESSAGE(received, received.compare(0, 12, "HTTP/1.1 200") == 0 && received.find("HTTP/1.1 200", 1) != std::string::npos);
	const std::vector<ReceivedRequest> seen = a.received();
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), seen.size());
	CPPUNIT_ASSERT(seen[1].body.find("\"n\":2") != std::string::npos);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.connectionsAccepted());
}


void ServingCoreTest::testSlowReaderCostsNoCpu()
{
	MockUpstream a("a");
	MockBehaviour flood;
	flood.sseEvents = 50000; // far more than the sockets between them and the client hold
	a.setBehaviour(flood);
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));

	// A client that reads the head and then nothing: the relay waits for it with the
	// upstream's bytes unread, and waiting costs no CPU (a loop that kept being woken by
	// the upstream's readable socket would burn a core).
	Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::IPv4);
	socket.setReceiveBufferSize(4096); // before connecting: a small window from the start
	socket.connect(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
	const std::string request = keptAlive(streamBody);
	socket.sendBytes(request.data(), static_cast<int>(request.size()));
	std::string received;
	CPPUNIT_ASSERT(TestClient::receiveUntil(socket, "tok0 ", received, Poco::Timespan(10, 0)));
	const auto cpu = [] {
		rusage usage{};
		::getrusage(RUSAGE_SELF, &usage);
		return usage.ru_utime.tv_sec * 1000000L + usage.ru_utime.tv_usec + usage.ru_stime.tv_sec * 1000000L + usage.ru_stime.tv_usec;
	};
	// Until every buffer between the mock and the client is full: the mock sends no more,
	// three looks in a row (on a busy machine the mock may just not have run for a while).
	std::size_t sent = a.eventSendTimes().size();
	const Poco::Timestamp filling;
	for (int still = 0; still < 3 && filling.elapsed() < 30000000;)
	{
		std::this_thread::sleep_for(std::chrono::milliseconds(300));
		const std::size_t now = a.eventSendTimes().size();
		still = now == sent ? still + 1 : 0;
		sent = now;
	}
	CPPUNIT_ASSERT(sent < 50000); // it stalled before the end
	const long before = cpu();
	std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // the client does not read: that is the test
	const long spent = cpu() - before;
	CPPUNIT_ASSERT_MESSAGE(std::to_string(spent) + " us of CPU in 1.5 s", spent < 500000);

	// It reads again: the rest comes, all of it.
	const Poco::Timestamp reading;
	while (received.find("data: [DONE]") == std::string::npos)
	{
		const int n = TestClient::receiveSome(socket, received, Poco::Timespan(10, 0));
		CPPUNIT_ASSERT_MESSAGE(std::to_string(n) + " after " + std::to_string(reading.elapsed()) + " us, " + std::to_string(received.size()) + " bytes", n > 0);
	}
	CPPUNIT_ASSERT(received.find("tok49999 ") != std::string::npos);
}

//
// SignalTest.cpp
//
// Tests of the serving aiload process and the signals it takes, run as a child process.
//


#include "SignalTest.h"
#include "TestClient.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <functional>
#include <mutex>
#include <thread>

CPPUNIT_TEST_SUITE_REGISTRATION(SignalTest);


using namespace AILoad::Test;


namespace {


const std::string chat = "/v1/chat/completions";


bool dechunk(const std::string& response, std::string& head, std::string& body)
	/// Splits a raw chunked HTTP response; true if it ended with the terminating chunk.
{
	const std::size_t headEnd = response.find("\r\n\r\n");
	if (headEnd == std::string::npos) return false;
	head = response.substr(0, headEnd + 2);
	std::size_t at = headEnd + 4;
	for (;;)
	{
		const std::size_t lineEnd = response.find("\r\n", at);
		if (lineEnd == std::string::npos) return false;
		const std::size_t size = std::stoul(response.substr(at, lineEnd - at), nullptr, 16);
		at = lineEnd + 2;
		if (size == 0) return response.compare(at, 2, "\r\n") == 0;
		if (at + size + 2 > response.size()) return false;
		body.append(response, at, size);
		at += size + 2;
	}
}


} // namespace


void SignalTest::testServesAndStopsOnSigterm()
{
	MockUpstreamProcess mock({"--name=m1"}, directory().path());
	const Poco::UInt16 port = AiloadProcess::freePort();
	// Readable by others on purpose: start-up must warn about it.
	const std::string configPath = directory().write("config.json", config(port, mock.port()), 0644);

	AiloadProcess gateway(withProperties(configPath), directory().path());
	CPPUNIT_ASSERT_MESSAGE("GET /health never answered:\n" + gateway.output(), gateway.healthy(port, Poco::Timespan(15, 0)));

	// The session stays open (an idle keep-alive connection) across the SIGTERM below.
	Poco::Net::HTTPClientSession session("127.0.0.1", port);
	session.setTimeout(Poco::Timespan(10, 0));
	const TestClient client(port, TOKEN);
	const HttpAnswer health = TestClient(port).send(session, Poco::Net::HTTPRequest::HTTP_GET, "/health", "");
	CPPUNIT_ASSERT_EQUAL(200, health.status);
	Poco::JSON::Object::Ptr healthJson = Poco::JSON::Parser().parse(health.body).extract<Poco::JSON::Object::Ptr>();
	CPPUNIT_ASSERT_EQUAL(std::string("ok"), healthJson->getValue<std::string>("status"));

	const HttpAnswer denied = client.send(session, Poco::Net::HTTPRequest::HTTP_POST, chat, "{\"model\":\"auto\",\"messages\":[]}", {{"Authorization", "Bearer sk-wrong"}});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(denied.body, 401, denied.status);

	const HttpAnswer answer = client.send(session, Poco::Net::HTTPRequest::HTTP_POST, chat, "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body + "\n" + gateway.output(), 200, answer.status);
	Poco::JSON::Object::Ptr json = Poco::JSON::Parser().parse(answer.body).extract<Poco::JSON::Object::Ptr>();
	// The mock echoes the model it was sent: the body's "auto" was rewritten.
	CPPUNIT_ASSERT_EQUAL(std::string("mock-model"), json->getValue<std::string>("model"));
	CPPUNIT_ASSERT_EQUAL(std::string("mock-model"), answer.header("X-AILoad-Upstream"));
	CPPUNIT_ASSERT_EQUAL(std::string("mock-model"), answer.header("X-Model"));

	gateway.signal(SIGTERM);
	CPPUNIT_ASSERT_MESSAGE("no exit within 5 s after SIGTERM:\n" + gateway.output(), gateway.waitForExit(Poco::Timespan(5, 0)));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(gateway.output(), 0, gateway.exitCode());

	const std::string output = gateway.output();
	CPPUNIT_ASSERT_MESSAGE(output, contains(output, configPath) && contains(output, "readable"));
	CPPUNIT_ASSERT_MESSAGE(output, !contains(output, TOKEN));
	CPPUNIT_ASSERT_MESSAGE(output, !contains(output, UPSTREAM_KEY));
}


void SignalTest::testSigtermLetsStreamFinish()
{
	MockUpstreamProcess mock({"--name=slow", "--interval-ms=200", "--events=10"}, directory().path());
	const Poco::UInt16 port = AiloadProcess::freePort();
	const std::string configPath = directory().write("config.json", config(port, mock.port(), "\"timeout\": 60"));

	AiloadProcess gateway(withProperties(configPath), directory().path());
	CPPUNIT_ASSERT_MESSAGE("GET /health never answered:\n" + gateway.output(), gateway.healthy(port, Poco::Timespan(15, 0)));

	// A streaming request on a raw connection, read by a thread until the server closes it.
	std::mutex mutex;
	std::condition_variable changed;
	std::string received;
	bool closed = false;
	std::string failure;
	std::thread client([&] {
		try
		{
			const std::string body = "{\"model\":\"auto\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
			Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
			const std::string bytes = TestClient(port, TOKEN).rawRequest(chat, body);
			socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
			const Poco::Timestamp start;
			std::string piece;
			int n = 0;
			while (start.elapsed() < 20000000 && (n = TestClient::receiveSome(socket, piece, Poco::Timespan(0, 200000))) != 0)
			{
				std::lock_guard<std::mutex> lock(mutex);
				received += piece;
				piece.clear();
				changed.notify_all();
			}
		}
		catch (Poco::Exception& exc)
		{
			std::lock_guard<std::mutex> lock(mutex);
			failure = exc.displayText();
		}
		std::lock_guard<std::mutex> lock(mutex);
		closed = true;
		changed.notify_all();
	});

	std::size_t eventsBeforeSignal = 0;
	bool firstEvent = false;
	{
		std::unique_lock<std::mutex> lock(mutex);
		firstEvent = changed.wait_for(lock, std::chrono::seconds(10), [&] { return closed || contains(received, "data: {"); }) && !closed;
		eventsBeforeSignal = count(received, "data: {");
	}
	if (firstEvent) gateway.signal(SIGTERM);
	client.join();

	CPPUNIT_ASSERT_MESSAGE("no first event (" + failure + "):\n" + received + "\n" + gateway.output(), firstEvent);
	// The signal really came while the stream was running.
	CPPUNIT_ASSERT_MESSAGE(received, eventsBeforeSignal < 10);
	CPPUNIT_ASSERT_MESSAGE(failure, failure.empty());

	std::string head;
	std::string body;
	CPPUNIT_ASSERT_MESSAGE("the stream did not end with the chunked terminator:\n" + received, dechunk(received, head, body));
	CPPUNIT_ASSERT_MESSAGE(head, contains(head, "HTTP/1.1 200"));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(body, std::size_t(10), count(body, "data: {"));
	CPPUNIT_ASSERT_MESSAGE(body, contains(body, "\"content\":\"tok9 \""));
	CPPUNIT_ASSERT_MESSAGE(body, body.size() >= 14 && body.compare(body.size() - 14, 14, "data: [DONE]\n\n") == 0);

	CPPUNIT_ASSERT_MESSAGE("no exit within 10 s after the stream:\n" + gateway.output(), gateway.waitForExit(Poco::Timespan(10, 0)));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(gateway.output(), 0, gateway.exitCode());
}


void SignalTest::testSigtermCutsStreamsAfterDrain()
{
	MockUpstreamProcess mock({"--name=endless", "--interval-ms=100", "--events=600"}, directory().path());
	const Poco::UInt16 port = AiloadProcess::freePort();
	const std::string configPath = directory().write("config.json", config(port, mock.port(), "\"timeout\": 60"));

	AiloadProcess gateway(withProperties(configPath, {"-Daiload.shutdown.drainSeconds=1"}), directory().path());
	CPPUNIT_ASSERT_MESSAGE("GET /health never answered:\n" + gateway.output(), gateway.healthy(port, Poco::Timespan(15, 0)));

	Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
	const std::string bytes = TestClient(port, TOKEN).rawRequest(chat, "{\"model\":\"auto\",\"stream\":true}");
	socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));

	// Read until the server closes the connection (or 10 s pass), signalling after the first event.
	std::string received;
	bool signalled = false;
	Poco::Timestamp signalledAt;
	const Poco::Timestamp start;
	while (start.elapsed() < 10000000 && TestClient::receiveSome(socket, received, Poco::Timespan(1, 0)) > 0)
	{
		if (!signalled && contains(received, "data: {"))
		{
			gateway.signal(SIGTERM);
			signalled = true;
			signalledAt.update();
		}
	}
	CPPUNIT_ASSERT_MESSAGE(received + gateway.output(), signalled);
	CPPUNIT_ASSERT_MESSAGE("no exit after the drain time:\n" + gateway.output(), gateway.waitForExit(Poco::Timespan(5, 0)));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(gateway.output(), 0, gateway.exitCode());
	CPPUNIT_ASSERT_MESSAGE(std::to_string(signalledAt.elapsed()), signalledAt.elapsed() < 4000000);
	// The stream was cut, visibly: no [DONE], no terminating chunk.
	std::string head, events;
	CPPUNIT_ASSERT_MESSAGE(received, !dechunk(received, head, events));
	CPPUNIT_ASSERT(!contains(received, "[DONE]"));
	CPPUNIT_ASSERT(contains(gateway.output(), "Drain time over"));
}


void SignalTest::testReloadsOnChangeAndSighup()
{
	MockUpstreamProcess mock({"--name=m1"}, directory().path());
	const Poco::UInt16 port = AiloadProcess::freePort();
	const std::string original = config(port, mock.port());
	const std::string configPath = directory().write("config.json", original);
	AiloadProcess gateway(withProperties(configPath), directory().path());
	CPPUNIT_ASSERT_MESSAGE("GET /health never answered:\n" + gateway.output(), gateway.healthy(port, Poco::Timespan(15, 0)));

	auto statusWith = [&](const std::string& token) {
		TestClient client(port, token);
		client.setTimeout(Poco::Timespan(5, 0));
		return client.post(chat, "{}").status;
	};
	auto waitFor = [&](const std::function<bool()>& condition) {
		const Poco::Timestamp start;
		while (!condition())
		{
			if (start.elapsed() > 8000000) return false;
			std::this_thread::sleep_for(std::chrono::milliseconds(50));
		}
		return true;
	};

	// A changed file takes effect without a signal.
	const std::string newToken = "sk-reloaded-token-abcdefghijklmnopqrstuvwxyz0123";
	std::string changed = original;
	changed.replace(changed.find(TOKEN), TOKEN.size(), newToken);
	directory().write(configPath, changed);
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), waitFor([&] { return statusWith(newToken) == 200; }));
	CPPUNIT_ASSERT_EQUAL(401, statusWith(TOKEN));

	// An invalid file is refused with the start-up messages, and the running config stays.
	directory().write(configPath, "{\"models\": [}\n");
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), waitFor([&] { return contains(gateway.output(), "refused"); }));
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), contains(gateway.output(), configPath + ":1:13: invalid JSON"));
	CPPUNIT_ASSERT_EQUAL(200, statusWith(newToken));

	// SIGHUP reloads too.
	directory().write(configPath, changed);
	CPPUNIT_ASSERT(waitFor([&] { return count(gateway.output(), "Reloaded") >= 2; }));
	gateway.signal(SIGHUP);
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), waitFor([&] { return contains(gateway.output(), "(SIGHUP)"); }));
	CPPUNIT_ASSERT_EQUAL(200, statusWith(newToken));
	CPPUNIT_ASSERT(!contains(gateway.output(), newToken));
}

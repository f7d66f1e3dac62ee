#include "HardeningTest.h"

#include "AiloadProcess.h"
#include "ConfigFile.h"
#include "ConfigLoader.h"
#include "ConnectionsPerAddress.h"
#include "GatewayFixture.h"
#include "HeaderForwarding.h"
#include "MockUpstream.h"
#include "StrategyChain.h"
#include "TempDirectory.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <fcntl.h>
#include <functional>
#include <mutex>
#include <regex>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

CPPUNIT_TEST_SUITE_REGISTRATION(HardeningTest);

using namespace AILoad::Test;
using AILoad::ConnectionsPerAddress;
using AILoad::Gateway;
using AILoad::HeaderForwarding;
using Poco::JSON::Object;

namespace {

const std::string chat = "/v1/chat/completions";
const std::string chatBody = R"({"model":"auto","messages":[{"role":"user","content":"hi"}]})";
const std::string streamBody = R"({"model":"auto","stream":true})";
const std::string appToken = "sk-hardening0123456789abcdefghijABCDEFGHIJ012345";


void pause(int milliseconds)
	/// The step of a poll that has its own deadline.
{
	std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
}


bool waitUntil(const std::function<bool()>& condition, Poco::Timespan timeout)
{
	const Poco::Timestamp start;
	while (!condition())
	{
		if (start.elapsed() > timeout.totalMicroseconds()) return false;
		pause(10);
	}
	return true;
}


bool contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}


std::string config(const std::string& models, const std::string& settings = "")
{
	return "{\"auth_token\": \"x\", \"models\": [" + models + "]" + (settings.empty() ? "" : ", \"settings\": {" + settings + "}") + "}";
}


std::string errorCode(const HttpAnswer& answer)
{
	try
	{
		return Poco::JSON::Parser().parse(answer.body).extract<Object::Ptr>()->getObject("error")->getValue<std::string>("code");
	}
	catch (Poco::Exception&)
	{
		return "(no error code in: " + answer.body + ")";
	}
}


std::string appConfig(Poco::UInt16 port, const std::string& models)
{
	return "{\"auth_token\": \"" + appToken + "\", \"models\": [" + models + "],"
																			 " \"server\": {\"host\": \"127.0.0.1\", \"port\": "
		+ std::to_string(port) + "}, \"settings\": {\"timeout\": 30}}";
}


std::vector<std::string> withConfig(const std::string& configPath, const std::vector<std::string>& options = {})
	/// The shipped properties file, with aiload.config overridden.
{
	std::vector<std::string> args{"--properties=" + AiloadProcess::shippedProperties(), "-Daiload.config=" + configPath};
	args.insert(args.end(), options.begin(), options.end());
	return args;
}


Poco::Net::StreamSocket connectFrom(const std::string& source, Poco::UInt16 port)
	/// A connection to the gateway from a given loopback address (Linux accepts all of 127/8).
{
	Poco::Net::StreamSocket socket(Poco::Net::IPAddress::IPv4);
	socket.impl()->bind(Poco::Net::SocketAddress(source, 0));
	socket.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(5, 0));
	return socket;
}


std::string healthFrom(const std::string& source, Poco::UInt16 port)
	/// The raw answer to GET /health sent from `source`.
{
	Poco::Net::StreamSocket socket = connectFrom(source, port);
	const std::string request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
	socket.sendBytes(request.data(), static_cast<int>(request.size()));
	bool closed = false;
	return TestClient::readToEnd(socket, Poco::Timespan(5, 0), closed);
}


bool finishesWithin(const std::function<void()>& work, Poco::Timespan timeout, const std::string& fifo)
	/// Runs the work in a thread; false if it did not end in time. Then a writer is opened
	/// on the FIFO (and closed), so that a read blocked on it ends and the thread can be joined.
{
	std::mutex mutex;
	std::condition_variable changed;
	bool done = false;
	std::thread worker([&] {
		work();
		std::lock_guard<std::mutex> lock(mutex);
		done = true;
		changed.notify_all();
	});
	bool inTime = false;
	{
		std::unique_lock<std::mutex> lock(mutex);
		inTime = changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [&] { return done; });
	}
	while (!inTime)
	{
		const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
		if (fd >= 0) ::close(fd);
		std::unique_lock<std::mutex> lock(mutex);
		if (changed.wait_for(lock, std::chrono::milliseconds(100), [&] { return done; })) break;
	}
	worker.join();
	return inTime;
}

} // namespace


void HardeningTest::testSecondGatewayOnSamePortFails()
{
	MockUpstream a("a");
	a.start();
	const std::string models = GatewayFixture::modelEntry("a", a.apiBase());
	GatewayFixture first(config(models));

	const AILoad::ConfigLoader::Result parsed = AILoad::ConfigLoader::parse(config(models), "second.json");
	auto settings = std::make_shared<AILoad::GatewayConfig>(*parsed.config);
	settings->serverHost = "127.0.0.1";
	settings->serverPort = first.port();
	Gateway second(settings, Gateway::ServerSettings(), std::make_unique<AILoad::StrategyChain>(GatewayFixture::builtInPlugins()));
	std::string message;
	try
	{
		second.start();
	}
	catch (Poco::Exception& exc)
	{
		message = exc.message();
	}
	// POCO's bind(address, true) sets SO_REUSEPORT as well: the second would start and take half the clients.
	CPPUNIT_ASSERT_MESSAGE("a second gateway started on the port of the first", !message.empty());
	CPPUNIT_ASSERT_EQUAL(std::string("cannot listen on 127.0.0.1:" + std::to_string(first.port()) + ": the address is in use (is another AILoad running?)"), message);
	CPPUNIT_ASSERT_EQUAL(200, first.client().get("/health").status);
}


void HardeningTest::testSecondProcessOnSamePortExits()
{
	MockUpstream a("a");
	a.start();
	TempDirectory directory;
	const Poco::UInt16 port = AiloadProcess::freePort();
	const std::string configPath = directory.write("config.json", appConfig(port, GatewayFixture::modelEntry("a", a.apiBase())));

	AiloadProcess first(withConfig(configPath), directory.path());
	CPPUNIT_ASSERT_MESSAGE("the first aiload did not serve:\n" + first.output(), first.healthy(port, Poco::Timespan(15, 0)));

	AiloadProcess second(withConfig(configPath), directory.path());
	CPPUNIT_ASSERT_MESSAGE("a second aiload kept running on the same port:\n" + second.output(), second.waitForExit(Poco::Timespan(15, 0)));
	CPPUNIT_ASSERT_MESSAGE(second.output(), second.exitCode() != 0);
	CPPUNIT_ASSERT_MESSAGE(second.output(), contains(second.output(), "cannot listen on 127.0.0.1:" + std::to_string(port) + ": the address is in use (is another AILoad running?)"));
	CPPUNIT_ASSERT_MESSAGE(second.output(), !contains(second.output(), "listening on"));
	CPPUNIT_ASSERT_MESSAGE(first.output(), first.healthy(port, Poco::Timespan(5, 0)));

	first.signal(SIGTERM);
	CPPUNIT_ASSERT_MESSAGE(first.output(), first.waitForExit(Poco::Timespan(10, 0)));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(first.output(), 0, first.exitCode());
}


void HardeningTest::testViaMarkerIsRandomPerGateway()
{
	GatewayFixture one(config(GatewayFixture::modelEntry("a", "http://127.0.0.1:9/v1")));
	GatewayFixture two(config(GatewayFixture::modelEntry("a", "http://127.0.0.1:9/v1")));
	const std::regex shape("^aiload-[0-9a-f]{16}$");
	CPPUNIT_ASSERT_MESSAGE(one.gateway().viaMarker(), std::regex_match(one.gateway().viaMarker(), shape));
	CPPUNIT_ASSERT_MESSAGE(two.gateway().viaMarker(), std::regex_match(two.gateway().viaMarker(), shape));
	CPPUNIT_ASSERT(one.gateway().viaMarker() != two.gateway().viaMarker());
}


void HardeningTest::testViaHeaderHelpers()
{
	Poco::Net::HTTPRequest from(Poco::Net::HTTPRequest::HTTP_POST, chat, Poco::Net::HTTPMessage::HTTP_1_1);
	CPPUNIT_ASSERT_EQUAL(std::string("1.1 aiload-00000000000000aa"), HeaderForwarding::via(from, "aiload-00000000000000aa"));

	// The client's entries are kept, in order, ours appended; a comment may hold a comma.
	// The fields sent upstream hold that one Via, not the client's as well.
	from.add("Via", "1.0 fred, 1.1 p.example.net (Apache/1.1, mod_x)");
	from.add("Via", "HTTP/1.1 edge");
	from.add("X-Kept", "yes");
	HeaderForwarding::Fields set;
	HeaderForwarding::setField(set, "Via", HeaderForwarding::via(from, "aiload-00000000000000aa"));
	std::string fields;
	HeaderForwarding::writeRequestFields(from, set, fields);
	CPPUNIT_ASSERT_EQUAL(std::string("X-Kept: yes\r\nVia: 1.0 fred, 1.1 p.example.net (Apache/1.1, mod_x), HTTP/1.1 edge, 1.1 aiload-00000000000000aa\r\n"), fields);

	Poco::Net::NameValueCollection to;
	to.add("Via", set.front().second);
	const std::vector<std::string> hops = HeaderForwarding::viaReceivedBy(to);
	const std::vector<std::string> expected{"fred", "p.example.net", "edge", "aiload-00000000000000aa"};
	CPPUNIT_ASSERT(expected == hops);

	// A comment left open cannot hide this gateway's entry from the next hop.
	Poco::Net::HTTPRequest unclosed(Poco::Net::HTTPRequest::HTTP_POST, chat, Poco::Net::HTTPMessage::HTTP_1_1);
	unclosed.add("Via", "1.1 first, 1.1 sly (open");
	CPPUNIT_ASSERT_EQUAL(std::string("1.1 first, 1.1 aiload-00000000000000aa"), HeaderForwarding::via(unclosed, "aiload-00000000000000aa"));

	// A client on HTTP/1.0 is named so.
	Poco::Net::HTTPRequest old(Poco::Net::HTTPRequest::HTTP_POST, chat, Poco::Net::HTTPMessage::HTTP_1_0);
	CPPUNIT_ASSERT_EQUAL(std::string("1.0 aiload-00000000000000aa"), HeaderForwarding::via(old, "aiload-00000000000000aa"));
}


void HardeningTest::testOwnViaMarkerAndTooManyHopsGet508()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));

	HttpAnswer answer = gateway.client().post(chat, chatBody, {{"Via", "1.1 other, 1.1 " + gateway.gateway().viaMarker()}});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 508, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("loop_detected"), errorCode(answer));

	std::string tenHops;
	for (int i = 1; i <= 10; ++i) tenHops += (i > 1 ? ", " : "") + std::string("1.1 proxy") + std::to_string(i);
	answer = gateway.client().post(chat, chatBody, {{"Via", tenHops + ", 1.1 proxy11"}});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 508, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("loop_detected"), errorCode(answer));
	// Split over two header lines, they are still 11.
	answer = gateway.client().post(chat, chatBody, {{"Via", tenHops}, {"Via", "1.1 proxy11"}});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 508, answer.status);
	// Without a token, too: the check comes before anything else is looked at.
	answer = TestClient(gateway.port()).post(chat, chatBody, {{"Via", "1.1 " + gateway.gateway().viaMarker()}});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 508, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), a.requestCount());

	// Ten hops are still allowed.
	answer = gateway.client().post(chat, chatBody, {{"Via", tenHops}});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 200, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.requestCount());
}


void HardeningTest::testUpstreamRequestCarriesVia()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, chatBody).status);
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, chatBody, {{"Via", "1.1 edge"}}).status);
	const std::vector<ReceivedRequest> received = a.received();
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), received.size());
	CPPUNIT_ASSERT_EQUAL(std::string("1.1 " + gateway.gateway().viaMarker()), received[0].header("Via"));
	CPPUNIT_ASSERT_EQUAL(std::string("1.1 edge, 1.1 " + gateway.gateway().viaMarker()), received[1].header("Via"));
}


void HardeningTest::testBaseUrlPointingAtItselfGets508()
{
	// The model's key is the gateway's own token, so each hop would be let in. A short timeout,
	// one attempt and a connection cap on loopback bound a loop that is not caught.
	const std::string settings = "\"timeout\": 5, \"max_attempts\": 1";
	Gateway::ServerSettings server;
	server.maxConnectionsPerAddress = 64;
	server.connectionLimitExempt.clear();
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase()), settings), server);
	const std::string self = "{\"name\": \"self\", \"model\": \"m\", \"base_url\": \"http://127.0.0.1:" + std::to_string(gateway.port())
		+ "/v1\", \"api_key\": \"" + GatewayFixture::token() + "\"}";
	gateway.setConfig(config(self, settings));

	const Poco::Timestamp start;
	const HttpAnswer answer = gateway.client().post(chat, chatBody);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 508, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("loop_detected"), errorCode(answer));
	CPPUNIT_ASSERT_MESSAGE(std::to_string(start.elapsed()), start.elapsed() < 3000000);
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().get("/health").status);
}


void HardeningTest::testCheckConfigWarnsAboutSelfLoop()
{
	TempDirectory directory;
	const Poco::UInt16 port = AiloadProcess::freePort();
	const std::string configPath = directory.write("config.json", appConfig(port, GatewayFixture::modelEntry("self", "http://127.0.0.1:" + std::to_string(port) + "/v1") + "," + GatewayFixture::modelEntry("other", "http://127.0.0.1:" + std::to_string(port == 9 ? 10 : 9) + "/v1") + "," + GatewayFixture::modelEntry("local", "http://localhost:" + std::to_string(port) + "/v1/chat/completions")));

	AiloadProcess check(withConfig(configPath, {"--check-config"}), directory.path());
	CPPUNIT_ASSERT_MESSAGE(check.output(), check.waitForExit(Poco::Timespan(20, 0)));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), 0, check.exitCode());
	const std::string output = check.output();
	CPPUNIT_ASSERT_MESSAGE(output, contains(output, "config OK"));
	CPPUNIT_ASSERT_MESSAGE(output, contains(output, "warning: " + configPath + ": models[0].base_url: leads to this gateway itself"));
	CPPUNIT_ASSERT_MESSAGE(output, contains(output, "warning: " + configPath + ": models[2].base_url: leads to this gateway itself"));
	CPPUNIT_ASSERT_MESSAGE(output, !contains(output, "models[1].base_url"));
}


void HardeningTest::testAccountHeadersAreNotForwarded()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase(), R"("headers": {"OpenAI-Organization": "org-config"})")));
	const Headers fromClient{{"Cookie", "session=client"}, {"Cookie2", "$Version=client"}, {"Proxy-Authorization", "Basic client"},
		{"OpenAI-Organization", "org-client"}, {"OpenAI-Project", "proj-client"}, {"api-key", "client-key"}, {"x-api-key", "client-key"},
		{"X-Goog-Api-Key", "client-key"}, {"x-goog-user-project", "client-project"}, {"X-Keep-Me", "kept"}};
	const HttpAnswer answer = gateway.client().post(chat, chatBody, fromClient);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 200, answer.status);

	const ReceivedRequest received = a.received().front();
	for (const auto& header : received.headers)
		CPPUNIT_ASSERT_MESSAGE(header.first + ": " + header.second + " came from the client", !contains(header.second, "client"));
	for (const char* name : {"Cookie", "Cookie2", "Proxy-Authorization", "OpenAI-Project", "api-key", "x-api-key", "x-goog-api-key", "x-goog-user-project"})
		CPPUNIT_ASSERT_MESSAGE(name, !received.hasHeader(name));
	// The model's own headers still set them, once; other headers still pass.
	std::size_t organisations = 0;
	for (const auto& header : received.headers) organisations += Poco::icompare(header.first, "OpenAI-Organization") == 0;
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), organisations);
	CPPUNIT_ASSERT_EQUAL(std::string("org-config"), received.header("OpenAI-Organization"));
	CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk-key-a"), received.header("Authorization"));
	CPPUNIT_ASSERT_EQUAL(std::string("kept"), received.header("X-Keep-Me"));
}


void HardeningTest::testConnectionsPerAddressCounting()
{
	ConnectionsPerAddress limit(2, {"10.0.0.9"});
	const Poco::Net::IPAddress client("10.0.0.1");
	ConnectionsPerAddress::Ticket first = limit.tryOpen(client);
	// A dual-stack socket reports an IPv4 client as ::ffff:a.b.c.d: the same address.
	ConnectionsPerAddress::Ticket second = limit.tryOpen(Poco::Net::IPAddress("::ffff:10.0.0.1"));
	CPPUNIT_ASSERT(first && second);
	CPPUNIT_ASSERT(limit.full(client));
	CPPUNIT_ASSERT(!limit.tryOpen(client));
	CPPUNIT_ASSERT(limit.tryOpen(Poco::Net::IPAddress("10.0.0.2")));
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), limit.openFrom(Poco::Net::IPAddress("10.0.0.2")));

	// Moving a ticket moves the count; destroying it gives it back.
	ConnectionsPerAddress::Ticket moved = std::move(first);
	CPPUNIT_ASSERT(moved && !first);
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), limit.openFrom(client));
	moved = ConnectionsPerAddress::Ticket();
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), limit.openFrom(client));
	CPPUNIT_ASSERT(!limit.full(client));

	// Exempt: listed, or a trusted proxy of the config.
	std::vector<ConnectionsPerAddress::Ticket> many;
	for (int i = 0; i < 5; ++i) many.push_back(limit.tryOpen(Poco::Net::IPAddress("10.0.0.9")));
	limit.setTrustedProxies({"10.0.0.1"});
	for (int i = 0; i < 5; ++i) many.push_back(limit.tryOpen(client));
	for (const auto& ticket : many) CPPUNIT_ASSERT(ticket);

	ConnectionsPerAddress unlimited(0, {});
	for (int i = 0; i < 5; ++i) many.push_back(unlimited.tryOpen(client));
	CPPUNIT_ASSERT(many.back());
}


void HardeningTest::testConnectionCapPerAddress()
{
	MockUpstream a("a");
	a.start();
	Gateway::ServerSettings settings;
	settings.maxConnectionsPerAddress = 3;
	settings.connectionLimitExempt.clear();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())), settings);
	const Poco::Net::IPAddress loopback("127.0.0.1");
	auto openFromLoopback = [&] { return gateway.gateway().connectionsPerAddress().openFrom(loopback); };

	// Three connections that never send a byte.
	std::vector<Poco::Net::StreamSocket> idle;
	for (int i = 0; i < 3; ++i) idle.push_back(connectFrom("127.0.0.1", gateway.port()));
	CPPUNIT_ASSERT_MESSAGE(std::to_string(openFromLoopback()), waitUntil([&] { return openFromLoopback() == 3; }, Poco::Timespan(5, 0)));

	// The fourth is answered at once, without sending anything, and closed.
	const Poco::Timestamp start;
	Poco::Net::StreamSocket fourth = connectFrom("127.0.0.1", gateway.port());
	bool closed = false;
	const std::string refused = TestClient::readToEnd(fourth, Poco::Timespan(5, 0), closed);
	CPPUNIT_ASSERT_MESSAGE(std::to_string(start.elapsed()), start.elapsed() < 2000000);
	CPPUNIT_ASSERT_MESSAGE(refused, closed);
	CPPUNIT_ASSERT_MESSAGE(refused, refused.compare(0, 13, "HTTP/1.1 503 ") == 0);
	CPPUNIT_ASSERT_MESSAGE(refused, contains(refused, "\r\nRetry-After: 1\r\n") && contains(refused, "\r\nConnection: close\r\n"));
	const std::string body = refused.substr(refused.find("\r\n\r\n") + 4);
	const Object::Ptr error = Poco::JSON::Parser().parse(body).extract<Object::Ptr>()->getObject("error");
	CPPUNIT_ASSERT_EQUAL(std::string("too_many_connections"), error->getValue<std::string>("code"));
	CPPUNIT_ASSERT(error->has("message") && error->has("type"));
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), openFromLoopback());

	// Another address is served.
	const std::string other = healthFrom("127.0.0.2", gateway.port());
	CPPUNIT_ASSERT_MESSAGE(other, other.compare(0, 13, "HTTP/1.1 200 ") == 0);

	// Once one of the three is closed, 127.0.0.1 may connect again.
	idle.front().close();
	CPPUNIT_ASSERT_MESSAGE(std::to_string(openFromLoopback()), waitUntil([&] { return openFromLoopback() == 2; }, Poco::Timespan(5, 0)));
	const std::string again = healthFrom("127.0.0.1", gateway.port());
	CPPUNIT_ASSERT_MESSAGE(again, again.compare(0, 13, "HTTP/1.1 200 ") == 0);
}


void HardeningTest::testTrustedProxyIsExemptFromConnectionCap()
{
	MockUpstream a("a");
	a.start();
	Gateway::ServerSettings settings;
	settings.maxConnectionsPerAddress = 1;
	settings.connectionLimitExempt.clear();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase()), "\"trusted_proxies\": [\"127.0.0.1\"]"), settings);
	std::vector<Poco::Net::StreamSocket> idle;
	for (int i = 0; i < 3; ++i) idle.push_back(connectFrom("127.0.0.1", gateway.port()));
	const std::string answer = healthFrom("127.0.0.1", gateway.port());
	CPPUNIT_ASSERT_MESSAGE(answer, answer.compare(0, 13, "HTTP/1.1 200 ") == 0);

	// A reload that no longer trusts it brings the cap back (for new connections).
	gateway.setConfig(config(GatewayFixture::modelEntry("a", a.apiBase())));
	Poco::Net::StreamSocket first = connectFrom("127.0.0.3", gateway.port());
	const Poco::Net::IPAddress third("127.0.0.3");
	CPPUNIT_ASSERT(waitUntil([&] { return gateway.gateway().connectionsPerAddress().openFrom(third) == 1; }, Poco::Timespan(5, 0)));
	const std::string refused = healthFrom("127.0.0.3", gateway.port());
	CPPUNIT_ASSERT_MESSAGE(refused, contains(refused, "too_many_connections"));
}


void HardeningTest::testDrainRefusesNewConnections()
{
	MockUpstream a("a");
	MockBehaviour events;
	events.sseEvents = 100;
	events.sseInterval = Poco::Timespan(0, 100000);
	a.setBehaviour(events);
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));

	Poco::Net::StreamSocket stream(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
	const std::string request = gateway.client().rawRequest(chat, streamBody);
	stream.sendBytes(request.data(), static_cast<int>(request.size()));
	std::string received;
	CPPUNIT_ASSERT(TestClient::receiveUntil(stream, "tok0", received, Poco::Timespan(5, 0)));

	const Poco::UInt16 port = gateway.port(); // port() says 0 once the gateway has stopped
	std::thread stopper([&] { gateway.gateway().stop(Poco::Timespan(3, 0)); });
	struct Joiner
	{
		std::thread& thread;
		~Joiner()
		{
			if (thread.joinable()) thread.join();
		} // also when an assertion throws
	} joiner{stopper};
	CPPUNIT_ASSERT(waitUntil([&] { return gateway.gateway().draining(); }, Poco::Timespan(5, 0)));
	const Poco::Timestamp drainStarted;
	// A connect may still reach the backlog while the accept thread ends; soon it must be refused.
	bool refused = false;
	waitUntil([&] {
		try
		{
			Poco::Net::StreamSocket probe(Poco::Net::SocketAddress("127.0.0.1", port));
			return false;
		}
		catch (Poco::Net::ConnectionRefusedException&)
		{
			refused = true;
			return true;
		}
	},
		Poco::Timespan(2, 0));
	const Poco::Timestamp::TimeDiff took = drainStarted.elapsed();
	// The stream is still in flight: the drain has not cut it yet.
	std::string more;
	const bool stillStreaming = TestClient::receiveUntil(stream, "data: {", more, Poco::Timespan(1, 0)) && !contains(received + more, "[DONE]");
	stopper.join();

	CPPUNIT_ASSERT_MESSAGE("new connections were not refused during the drain", refused);
	CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took < 1500000);
	CPPUNIT_ASSERT_MESSAGE(received + more, stillStreaming);
}


void HardeningTest::testConfigFifoIsRefused()
{
	TempDirectory directory;
	const std::string fifo = directory.file("config.json");
	CPPUNIT_ASSERT_EQUAL(0, ::mkfifo(fifo.c_str(), 0600));

	AILoad::ConfigLoader::Result loaded;
	CPPUNIT_ASSERT_MESSAGE("ConfigLoader::load blocked on a FIFO",
		finishesWithin([&] { loaded = AILoad::ConfigLoader::load(fifo); }, Poco::Timespan(2, 0), fifo));
	CPPUNIT_ASSERT(!loaded.config);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), loaded.problems.size());
	CPPUNIT_ASSERT_EQUAL(fifo + ": is not a regular file (it is a FIFO)", loaded.problems.front());

	std::string message;
	CPPUNIT_ASSERT_MESSAGE("ConfigFile::ensureAuthToken blocked on a FIFO", finishesWithin([&] {
		try
		{
			AILoad::ConfigFile::ensureAuthToken(fifo);
		}
		catch (Poco::Exception& exc)
		{
			message = exc.message();
		}
	},
																				Poco::Timespan(2, 0), fifo));
	CPPUNIT_ASSERT_EQUAL(fifo + " is not a regular file (it is a FIFO)", message);
	CPPUNIT_ASSERT(!AILoad::ConfigFile::createIfMissing(fifo));

	// A directory is no config either; a regular file through a symbolic link is.
	CPPUNIT_ASSERT_EQUAL(directory.path() + ": is not a regular file (it is a directory)", AILoad::ConfigLoader::load(directory.path()).problems.at(0));
	const std::string link = directory.file("link.json");
	const std::string real = directory.write("real.json", config(GatewayFixture::modelEntry("a", "http://127.0.0.1:9/v1")));
	CPPUNIT_ASSERT_EQUAL(0, ::symlink(real.c_str(), link.c_str()));
	CPPUNIT_ASSERT(AILoad::ConfigLoader::load(link).config);
}


void HardeningTest::testFifoConfigReloadThenSigterm()
{
	MockUpstream a("a");
	a.start();
	TempDirectory directory;
	const Poco::UInt16 port = AiloadProcess::freePort();
	const std::string configPath = directory.write("config.json", appConfig(port, GatewayFixture::modelEntry("a", a.apiBase())));
	AiloadProcess gateway(withConfig(configPath), directory.path());
	CPPUNIT_ASSERT_MESSAGE("aiload did not serve:\n" + gateway.output(), gateway.healthy(port, Poco::Timespan(15, 0)));

	CPPUNIT_ASSERT_EQUAL(0, ::unlink(configPath.c_str()));
	CPPUNIT_ASSERT_EQUAL(0, ::mkfifo(configPath.c_str(), 0600));
	gateway.signal(SIGHUP);
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), waitUntil([&] { return contains(gateway.output(), "(SIGHUP) refused"); }, Poco::Timespan(5, 0)));
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), contains(gateway.output(), configPath + ": is not a regular file (it is a FIFO)"));
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), gateway.healthy(port, Poco::Timespan(5, 0)));

	gateway.signal(SIGTERM);
	CPPUNIT_ASSERT_MESSAGE("no exit within 5 s after SIGTERM:\n" + gateway.output(), gateway.waitForExit(Poco::Timespan(5, 0)));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(gateway.output(), 0, gateway.exitCode());
}

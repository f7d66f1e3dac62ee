#include "RelayTest.h"

#include "GatewayFixture.h"
#include "MockUpstream.h"
#include <Poco/Environment.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <map>

CPPUNIT_TEST_SUITE_REGISTRATION(RelayTest);

using namespace AILoad::Test;
using Poco::JSON::Object;

namespace {

std::string config(const std::string& models, const std::string& rest = "")
{
	return "{\"auth_token\": \"x\", \"models\": [" + models + "]" + (rest.empty() ? "" : ", " + rest) + "}";
}


Object::Ptr parse(const std::string& json)
{
	return Poco::JSON::Parser().parse(json).extract<Object::Ptr>();
}


std::string errorCode(const HttpAnswer& answer)
{
	return parse(answer.body)->getObject("error")->getValue<std::string>("code");
}

const std::string chat = "/v1/chat/completions";

} // namespace


void RelayTest::testPlainCompletion()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));

	const HttpAnswer answer = gateway.client().post(chat, R"({"model":"auto","messages":[{"role":"user","content":"hi"}]})");
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("Hello from a"), parse(answer.body)->getArray("choices")->getObject(0)->getObject("message")->getValue<std::string>("content"));
	CPPUNIT_ASSERT_EQUAL(std::string("a-model"), answer.header("X-Model"));
	CPPUNIT_ASSERT_EQUAL(std::string("a"), answer.header("X-AILoad-Upstream"));

	CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.requestCount());
	const ReceivedRequest received = a.received().front();
	CPPUNIT_ASSERT_EQUAL(std::string("POST"), received.method);
	CPPUNIT_ASSERT_EQUAL(chat, received.uri);
	CPPUNIT_ASSERT_EQUAL(std::string(R"({"model":"a-model","messages":[{"role":"user","content":"hi"}]})"), received.body);
	CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk-key-a"), received.header("Authorization"));
	CPPUNIT_ASSERT_EQUAL(std::to_string(received.body.size()), received.header("Content-Length"));
}


void RelayTest::testRequestsOnOneConnection()
{
	MockUpstream a("a");
	a.start();
	AILoad::Gateway::ServerSettings settings;
	settings.keepAliveTimeout = Poco::Timespan(60, 0); // longer than the test waits
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())), settings);
	TestClient client = gateway.client();
	auto request = [&](int n, const std::string& connection) {
		std::string bytes = client.rawRequest(chat, R"({"model":"auto","n":)" + std::to_string(n) + "}");
		return bytes.replace(bytes.find("Connection: close"), 17, "Connection: " + connection);
	};

	// One after the other on one connection: each answer comes while the connection stays open.
	Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", gateway.port()));
	for (int n = 1; n <= 2; ++n)
	{
		const std::string bytes = request(n, "keep-alive");
		socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
		std::string received;
		CPPUNIT_ASSERT(TestClient::receiveUntil(socket, "Hello from a", received, Poco::Timespan(10, 0)));
		CPPUNIT_ASSERT(received.find("HTTP/1.1 200 ") != std::string::npos);
	}

	// Pipelined: three requests in one write. The second and third already sit in the
	// gateway's read buffer when the first is answered; they must be served from there, not
	// wait for more bytes. The last says Connection: close, so the gateway then closes.
	const Poco::Timestamp start;
	const std::string pipelined = TestClient::joined(client.raw(request(3, "keep-alive") + request(4, "keep-alive") + request(5, "close"), Poco::Timespan(10, 0)));
	CPPUNIT_ASSERT(start.elapsed() < 10 * Poco::Timestamp::resolution()); // closed, not timed out
	std::size_t answers = 0;
	for (std::size_t at = pipelined.find("HTTP/1.1 200 "); at != std::string::npos; at = pipelined.find("HTTP/1.1 200 ", at + 1)) ++answers;
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), answers);

	CPPUNIT_ASSERT_EQUAL(std::size_t(5), a.requestCount());
	for (int n = 1; n <= 5; ++n)
		CPPUNIT_ASSERT_EQUAL(R"({"model":"a-model","n":)" + std::to_string(n) + "}", a.received()[n - 1].body);
}


void RelayTest::testBodyForwardedByteForByte()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));

	const std::string prefix = "{ \"temperature\" :0.10,\n\t\"top_p\": 1e-7, \"seed\": 12345678901234567890,\r\n \"model\"  :\t\"auto\"";
	const std::string suffix = " ,\"messages\":[{\"role\":\"user\",\"content\":\"caf\\u00e9 \\ud83d\\ude00 café 😀 \\\"q\\\" \\n\"}],"
							   "\"metadata\":{\"model\":\"nested-stays\",\"list\":[{\"model\":\"also-stays\"}]}, \"big\": 1.0E+2 }  ";
	const HttpAnswer answer = gateway.client().post(chat, prefix + suffix);
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.requestCount());
	const std::string expected = "{ \"temperature\" :0.10,\n\t\"top_p\": 1e-7, \"seed\": 12345678901234567890,\r\n \"model\"  :\t\"a-model\"" + suffix;
	CPPUNIT_ASSERT_EQUAL(expected, a.received().front().body);
}


void RelayTest::testHeadersBothWays()
{
	MockUpstream a("a");
	MockBehaviour behaviour;
	behaviour.headers = {{"X-Upstream-Test", "yes"}, {"Keep-Alive", "timeout=5"}, {"X-Ratelimit-Remaining-Requests", "42"}};
	a.setBehaviour(behaviour);
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase(), R"("headers": {"HTTP-Referer": "https://example.org", "X-Title": "AILoad test"})")));

	const HttpAnswer answer = gateway.client().post(chat, R"({"model":"a"})", {{"X-Custom", "kept"}, {"OpenAI-Organization", "org-1"}, {"Proxy-Authorization", "Basic secret"}, {"TE", "trailers"}, {"X-AILoad-Affinity", "session-1"}});
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	// A header the client's Connection header names is hop-by-hop too (raw: POCO's client sets its own Connection).
	TestClient client = gateway.client();
	const std::string raw = TestClient::joined(client.raw(client.rawRequest(chat, "{}", {{"Connection", "keep-alive, X-Hop\t,, X-Other"}, {"X-Hop", "dropped"}, {"X-Other", "dropped"}, {"X-Kept", "kept"}}), Poco::Timespan(10, 0)));
	CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200"), raw.substr(0, 12));
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), a.requestCount());
	CPPUNIT_ASSERT(!a.received().back().hasHeader("X-Hop") && !a.received().back().hasHeader("X-Other"));
	CPPUNIT_ASSERT_EQUAL(std::string("kept"), a.received().back().header("X-Kept"));

	const ReceivedRequest received = a.received().front();
	CPPUNIT_ASSERT_EQUAL(std::string("kept"), received.header("X-Custom"));
	CPPUNIT_ASSERT(!received.hasHeader("OpenAI-Organization")); // it picks the account billed: never the client's to choose
	CPPUNIT_ASSERT_EQUAL(std::string("https://example.org"), received.header("HTTP-Referer"));
	CPPUNIT_ASSERT_EQUAL(std::string("AILoad test"), received.header("X-Title"));
	CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk-key-a"), received.header("Authorization"));
	CPPUNIT_ASSERT(!received.hasHeader("Proxy-Authorization"));
	CPPUNIT_ASSERT(!received.hasHeader("TE"));
	CPPUNIT_ASSERT(!received.hasHeader("X-AILoad-Affinity"));
	CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:" + std::to_string(a.port())), received.header("Host"));
	for (const auto& header : received.headers)
		CPPUNIT_ASSERT_MESSAGE(header.first, header.second.find(GatewayFixture::token()) == std::string::npos);

	CPPUNIT_ASSERT_EQUAL(std::string("yes"), answer.header("X-Upstream-Test"));
	CPPUNIT_ASSERT_EQUAL(std::string("42"), answer.header("X-Ratelimit-Remaining-Requests"));
	CPPUNIT_ASSERT(!answer.hasHeader("Keep-Alive"));
	CPPUNIT_ASSERT_EQUAL(std::string("a"), answer.header("X-Mock-Name"));
}


void RelayTest::testBaseUrlForms()
{
	MockUpstream full("full"), base("base"), query("query");
	full.start();
	base.start();
	query.start();
	GatewayFixture gateway(config(
		GatewayFixture::modelEntry("full", full.chatCompletionsUrl()) + ","
		+ GatewayFixture::modelEntry("base", base.apiBase() + "/") + ","
		+ GatewayFixture::modelEntry("query", query.apiBase() + "?api-version=2024-01")));

	for (const char* name : {"full", "base", "query"})
	{
		CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, std::string("{\"model\":\"") + name + "\"}").status);
		CPPUNIT_ASSERT_EQUAL(200, gateway.client().post("/v1/embeddings", std::string("{\"model\":\"") + name + "\",\"input\":\"x\"}").status);
		CPPUNIT_ASSERT_EQUAL(200, gateway.client().post("/v1/responses?stream=false", std::string("{\"model\":\"") + name + "\",\"input\":\"x\"}").status);
	}
	for (MockUpstream* mock : {&full, &base})
	{
		const auto received = mock->received();
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), received.size());
		CPPUNIT_ASSERT_EQUAL(chat, received[0].uri);
		CPPUNIT_ASSERT_EQUAL(std::string("/v1/embeddings"), received[1].uri);
		CPPUNIT_ASSERT_EQUAL(std::string("/v1/responses?stream=false"), received[2].uri);
	}
	const auto received = query.received();
	CPPUNIT_ASSERT_EQUAL(std::string("/v1/chat/completions?api-version=2024-01"), received[0].uri);
	CPPUNIT_ASSERT_EQUAL(std::string("/v1/responses?api-version=2024-01&stream=false"), received[2].uri);
}


void RelayTest::testApiKeyFromEnvironmentAndNoKey()
{
	MockUpstream a("a"), b("b");
	a.start();
	b.start();
	Poco::Environment::set("AILOAD_TEST_KEY_A", "sk-from-environment");
	GatewayFixture gateway(config(
		"{\"name\":\"a\",\"model\":\"m\",\"base_url\":\"" + a.apiBase() + "\",\"api_key_env\":\"AILOAD_TEST_KEY_A\"},"
																		  "{\"name\":\"b\",\"model\":\"m\",\"base_url\":\""
		+ b.apiBase() + "\"}"));
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, R"({"model":"a"})").status);
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, R"({"model":"b"})").status);
	CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk-from-environment"), a.received().front().header("Authorization"));
	CPPUNIT_ASSERT(!b.received().front().hasHeader("Authorization"));
}


void RelayTest::testUpstreamErrorsRelayedAsTheyAre()
{
	MockUpstream a("a"), b("b");
	a.start();
	b.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase()) + "," + GatewayFixture::modelEntry("b", b.apiBase())));
	for (int status : {400, 404, 422})
	{
		MockBehaviour behaviour;
		behaviour.status = status;
		behaviour.body = "{\"error\":{\"message\":\"upstream says " + std::to_string(status) + "\"}}";
		a.setBehaviour(behaviour);
		const HttpAnswer answer = gateway.client().post(chat, R"({"model":"a"})");
		CPPUNIT_ASSERT_EQUAL(status, answer.status);
		CPPUNIT_ASSERT_EQUAL(behaviour.body, answer.body);
		CPPUNIT_ASSERT_EQUAL(std::string("a"), answer.header("X-AILoad-Upstream"));
	}
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), b.requestCount());
}


void RelayTest::testAuthentication()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	TestClient anonymous(gateway.port());
	TestClient wrong(gateway.port(), GatewayFixture::token() + "x");
	TestClient prefix(gateway.port(), GatewayFixture::token().substr(0, 10));

	for (const TestClient* client : {&anonymous, &wrong, &prefix})
	{
		const HttpAnswer answer = client->post(chat, R"({"model":"auto"})");
		CPPUNIT_ASSERT_EQUAL(401, answer.status);
		CPPUNIT_ASSERT_EQUAL(std::string("invalid_api_key"), errorCode(answer));
		CPPUNIT_ASSERT(answer.body.find(GatewayFixture::token()) == std::string::npos);
		CPPUNIT_ASSERT_EQUAL(401, client->get("/v1/models").status);
	}
	CPPUNIT_ASSERT_EQUAL(401, anonymous.post(chat, "{}", {{"Authorization", "Basic " + GatewayFixture::token()}}).status);

	// The refused request's body is never taken for the next request on the same connection
	// (HTTP clients such as the OpenAI SDK's fetch reuse connections across API keys).
	const std::string refused = wrong.rawRequest(chat, R"({"model":"auto","messages":[]})");
	const std::string good = gateway.client().rawRequest(chat, R"({"model":"auto"})");
	const std::string raw = TestClient::joined(wrong.raw(refused + good, Poco::Timespan(10, 0)));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(raw, std::string("HTTP/1.1 401"), raw.substr(0, 12));
	CPPUNIT_ASSERT_MESSAGE(raw, raw.find("400 Bad Request") == std::string::npos);
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), a.requestCount());
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, R"({"model":"auto"})").status);
}


void RelayTest::testBadInputGetsClearErrors()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	TestClient client = gateway.client();

	HttpAnswer answer = client.post(chat, "{\"model\": \"auto\",\n \"messages\": [1, 2,]}");
	CPPUNIT_ASSERT_EQUAL(400, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("invalid_json"), errorCode(answer));
	CPPUNIT_ASSERT(answer.body.find("line 2, column 20") != std::string::npos);

	answer = client.post(chat, "[1, 2]");
	CPPUNIT_ASSERT_EQUAL(400, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("invalid_request"), errorCode(answer));
	CPPUNIT_ASSERT_EQUAL(400, client.post(chat, "").status);
	CPPUNIT_ASSERT_EQUAL(400, client.post(chat, R"({"model": 5})").status);
	answer = client.post(chat, "{\"mo\xe4\\u0065l\": \"x\"}"); // invalid UTF-8 (found by the fuzzer)
	CPPUNIT_ASSERT_EQUAL(400, answer.status);
	CPPUNIT_ASSERT(answer.body.find("invalid UTF-8") != std::string::npos);

	answer = client.post(chat, R"({"model": "no-such-model"})");
	CPPUNIT_ASSERT_EQUAL(404, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("model_not_found"), errorCode(answer));

	answer = client.post("/v2/chat", "{}");
	CPPUNIT_ASSERT_EQUAL(404, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("unknown_path"), errorCode(answer));
	CPPUNIT_ASSERT_EQUAL(400, client.post("/v1/../admin", "{}").status);

	answer = client.get(chat);
	CPPUNIT_ASSERT_EQUAL(405, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("POST"), answer.header("Allow"));
	CPPUNIT_ASSERT_EQUAL(405, client.post("/v1/models", "{}").status);
	CPPUNIT_ASSERT_EQUAL(405, client.send("DELETE", "/health", "", {}).status);

	// A malformed chunk header: POCO reads it as the end of the body, so the bytes after it
	// must not be taken for a next request.
	const std::string badChunk = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + GatewayFixture::token()
		+ "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";
	const std::string chunkAnswer = TestClient::joined(client.raw(badChunk, Poco::Timespan(10, 0)));
	CPPUNIT_ASSERT_MESSAGE(chunkAnswer, chunkAnswer.compare(0, 26, "HTTP/1.1 400 Bad Request\r\n") == 0);
	CPPUNIT_ASSERT_MESSAGE(chunkAnswer, chunkAnswer.find("HTTP/1.1", 1) == std::string::npos); // the rest not taken for a request
	// Malformed heads: an error in the OpenAI shape (not an empty answer or a silent close),
	// and the connection is closed.
	const std::vector<std::pair<std::string, std::string>> malformed = {
		{"GARBAGE\r\n\r\n", "HTTP/1.1 400 "},
		{"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}", "HTTP/1.1 400 "},
		{"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n{}", "HTTP/1.1 400 "},
		{"GET /health HTTP/1.1\r\nX-Long: " + std::string(10000, 'a') + "\r\n\r\n", "HTTP/1.1 400 "},
		{"GET /health HTTP/9.9\r\n\r\n", "HTTP/1.1 505 "},
	};
	for (const auto& bad : malformed)
	{
		const Poco::Timestamp start;
		const std::string raw = TestClient::joined(client.raw(bad.first, Poco::Timespan(10, 0)));
		CPPUNIT_ASSERT_MESSAGE(raw, raw.compare(0, bad.second.size(), bad.second) == 0);
		CPPUNIT_ASSERT_MESSAGE(raw, raw.find("\"code\":\"invalid_http\"") != std::string::npos);
		CPPUNIT_ASSERT(start.elapsed() < 10 * Poco::Timestamp::resolution()); // closed, not timed out
	}

	CPPUNIT_ASSERT_EQUAL(std::size_t(0), a.requestCount());
	CPPUNIT_ASSERT_EQUAL(200, client.post(chat, R"({"model":"auto"})").status);
}


void RelayTest::testBodyTooLarge()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase()), R"("settings": {"max_body_mb": 0.01})"));
	const std::string large = "{\"model\":\"auto\",\"pad\":\"" + std::string(20000, 'x') + "\"}";

	HttpAnswer answer = gateway.client().post(chat, large);
	CPPUNIT_ASSERT_EQUAL(413, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("request_too_large"), errorCode(answer));

	// Chunked, so the gateway cannot tell from a header: it stops reading at the limit.
	std::string chunked = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + GatewayFixture::token()
		+ "\r\nTransfer-Encoding: chunked\r\n\r\n";
	for (int i = 0; i < 4; ++i) chunked += "1388\r\n" + std::string(5000, 'y') + "\r\n";
	chunked += "0\r\n\r\n";
	const std::string raw = TestClient::joined(gateway.client().raw(chunked, Poco::Timespan(10, 0)));
	CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 413"), raw.substr(0, 12));

	CPPUNIT_ASSERT_EQUAL(std::size_t(0), a.requestCount());
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, R"({"model":"auto"})").status);
}


void RelayTest::testUnsafeHeaderRejected()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	TestClient client = gateway.client();
	for (const std::string& bad : {std::string("a\0b", 3), std::string("a\rb")})
	{
		const std::string raw = TestClient::joined(client.raw(client.rawRequest(chat, R"({"model":"auto"})", {{"X-Bad", bad}}), Poco::Timespan(10, 0)));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(raw, std::string("HTTP/1.1 400"), raw.substr(0, 12));
	}
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), a.requestCount());
	CPPUNIT_ASSERT_EQUAL(200, client.post(chat, R"({"model":"auto"})").status);
}


void RelayTest::testModelResolution()
{
	MockUpstream a("a"), b("b"), c("c"), d("d");
	for (MockUpstream* mock : {&a, &b, &c, &d}) mock->start();
	GatewayFixture gateway(config(
		"{\"name\":\"a\",\"model\":\"shared\",\"base_url\":\"" + a.apiBase() + "\",\"group\":\"fast\"},"
																			   "{\"name\":\"b\",\"model\":\"shared\",\"base_url\":\""
			+ b.apiBase() + "\",\"group\":[\"fast\",\"big\"]},"
							"{\"name\":\"c\",\"model\":\"solo\",\"base_url\":\""
			+ c.apiBase() + "\"},"
							"{\"name\":\"d\",\"model\":\"solo\",\"base_url\":\""
			+ d.apiBase() + "\",\"enabled\":false}",
		// Which entries a name reaches, spread by round-robin alone: every request comes from
		// one address (ip-affinity would keep it on one entry) and b is in two groups (the
		// group strategy would give it more). GroupStrategyTest covers groups.
		R"("settings": {"strategy": ["round-robin"]})"));
	TestClient client = gateway.client();

	auto servedBy = [&](const std::string& model, int requests) {
		std::map<std::string, int> count;
		for (int i = 0; i < requests; ++i)
		{
			const HttpAnswer answer = client.post(chat, "{\"model\":\"" + model + "\"}");
			CPPUNIT_ASSERT_EQUAL_MESSAGE(model, 200, answer.status);
			++count[answer.header("X-AILoad-Upstream")];
		}
		return count;
	};
	CPPUNIT_ASSERT((servedBy("fast", 6) == std::map<std::string, int>{{"a", 3}, {"b", 3}}));
	CPPUNIT_ASSERT((servedBy("big", 3) == std::map<std::string, int>{{"b", 3}}));
	CPPUNIT_ASSERT((servedBy("c", 2) == std::map<std::string, int>{{"c", 2}}));
	CPPUNIT_ASSERT((servedBy("shared", 4) == std::map<std::string, int>{{"a", 2}, {"b", 2}}));
	CPPUNIT_ASSERT((servedBy("solo", 2) == std::map<std::string, int>{{"c", 2}}));
	CPPUNIT_ASSERT((servedBy("auto", 6) == std::map<std::string, int>{{"a", 2}, {"b", 2}, {"c", 2}}));
	CPPUNIT_ASSERT_EQUAL(404, client.post(chat, R"({"model":"d"})").status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), d.requestCount());

	// Each upstream saw its own model name, whatever the client asked for.
	for (const auto& request : a.received()) CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"shared\"}"), request.body);
	for (const auto& request : c.received()) CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"solo\"}"), request.body);
}


void RelayTest::testRoundRobinSpreadsEvenly()
{
	MockUpstream a("a"), b("b"), c("c");
	for (MockUpstream* mock : {&a, &b, &c}) mock->start();
	// The default chain without ip-affinity, which would keep this one client on one upstream.
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase()) + "," + GatewayFixture::modelEntry("b", b.apiBase()) + ","
			+ GatewayFixture::modelEntry("c", c.apiBase()),
		R"("settings": {"ip_affinity": false})"));
	for (int i = 0; i < 30; ++i) CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, "{}").status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(10), a.requestCount());
	CPPUNIT_ASSERT_EQUAL(std::size_t(10), b.requestCount());
	CPPUNIT_ASSERT_EQUAL(std::size_t(10), c.requestCount());
}


void RelayTest::testModelsList()
{
	MockUpstream a("a");
	GatewayFixture gateway(config(
		"{\"name\":\"a\",\"model\":\"gpt-4o\",\"base_url\":\"" + a.apiBase() + "\",\"group\":\"openai\",\"api_key\":\"sk-secret-a\"},"
																			   "{\"model\":\"gpt-4o\",\"base_url\":\""
		+ a.apiBase() + "\",\"api_key\":\"sk-secret-b\"}"));
	const HttpAnswer answer = gateway.client().get("/v1/models");
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	Object::Ptr list = parse(answer.body);
	CPPUNIT_ASSERT_EQUAL(std::string("list"), list->getValue<std::string>("object"));
	std::vector<std::string> ids;
	for (std::size_t i = 0; i < list->getArray("data")->size(); ++i)
	{
		Object::Ptr model = list->getArray("data")->getObject(i);
		CPPUNIT_ASSERT_EQUAL(std::string("model"), model->getValue<std::string>("object"));
		ids.push_back(model->getValue<std::string>("id"));
	}
	CPPUNIT_ASSERT((ids == std::vector<std::string>{"auto", "openai", "a", "gpt-4o"}));
	CPPUNIT_ASSERT(answer.body.find("sk-secret") == std::string::npos);
}


void RelayTest::testHealth()
{
	MockUpstream a("a");
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase()) + ",{\"name\":\"off\",\"model\":\"m\",\"base_url\":\"http://127.0.0.1:1/v1\",\"enabled\":false,\"api_key\":\"sk-secret-off\"}"));
	HttpAnswer answer = TestClient(gateway.port()).get("/health");
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("{\"status\":\"ok\"}"), answer.body);

	answer = gateway.client().get("/health");
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	Object::Ptr health = parse(answer.body);
	CPPUNIT_ASSERT_EQUAL(std::string("ok"), health->getValue<std::string>("status"));
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), health->getArray("upstreams")->size());
	CPPUNIT_ASSERT_EQUAL(std::string("up"), health->getArray("upstreams")->getObject(0)->getValue<std::string>("state"));
	CPPUNIT_ASSERT_EQUAL(std::string("disabled"), health->getArray("upstreams")->getObject(1)->getValue<std::string>("state"));
	CPPUNIT_ASSERT(answer.body.find("sk-") == std::string::npos);
}


void RelayTest::testFailoverToNextUpstream()
{
	MockUpstream a("a"), b("b");
	a.start();
	b.start();
	MockBehaviour failing;
	failing.status = 503;
	a.setBehaviour(failing);
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase()) + "," + GatewayFixture::modelEntry("b", b.apiBase())));
	for (int i = 0; i < 4; ++i)
	{
		const HttpAnswer answer = gateway.client().post(chat, "{}");
		CPPUNIT_ASSERT_EQUAL(200, answer.status);
		CPPUNIT_ASSERT_EQUAL(std::string("b"), answer.header("X-AILoad-Upstream"));
	}
	b.setBehaviour(failing);
	const HttpAnswer answer = gateway.client().post(chat, "{}");
	CPPUNIT_ASSERT_EQUAL(502, answer.status);
	CPPUNIT_ASSERT(answer.body.find("a (HTTP 503)") != std::string::npos);
	CPPUNIT_ASSERT(answer.body.find("b (HTTP 503)") != std::string::npos);
	CPPUNIT_ASSERT(answer.body.find("sk-key") == std::string::npos);
}

#include "UsageTest.h"

#include "ClientSession.h"
#include "GatewayResponse.h"
#include <poll.h>

#include "GatewayFixture.h"
#include "JsonScanner.h"
#include "MockUpstream.h"
#include "ResponseRelay.h"
#include "ScriptedUpstream.h"
#include "UpstreamConfig.h"
#include "UpstreamSession.h"
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <cstdlib>
#include <memory>
#include <poll.h>

CPPUNIT_TEST_SUITE_REGISTRATION(UsageTest);

using namespace AILoad::Test;
using AILoad::TokenUsage;

namespace {

const std::string chat = "/v1/chat/completions";
const std::string messages = R"("messages":[{"role":"user","content":"hi"}])";
const std::string usageEvent = R"(data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}})";


std::string config(const std::string& models)
{
	return "{\"auth_token\": \"x\", \"models\": [" + models + "]}";
}


std::string upstreamModel(std::string body)
	/// The client's body as the gateway sends it to the upstream "a": `"model":"auto"` becomes its model.
{
	const std::string from = "\"model\":\"auto\"";
	return body.replace(body.find(from), from.size(), "\"model\":\"a-model\"");
}


std::string openAiStream(bool withUsage)
	/// Content chunks and [DONE] as OpenAI streams them, with what include_usage adds or without.
{
	std::string stream;
	for (int i = 0; i < 3; ++i)
	{
		stream += R"(data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"tok)"
			+ std::to_string(i) + R"("},"finish_reason":null}])" + (withUsage ? ",\"usage\":null" : "") + "}\n\n";
	}
	if (withUsage) stream += usageEvent + "\n\n";
	return stream + "data: [DONE]\n\n";
}


std::string answer(const std::string& contentType, const std::string& body, bool chunked = false)
	/// An upstream's answer as raw bytes, with Content-Length or in one chunk.
{
	std::string head = "HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\n";
	if (!chunked) return head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
	char size[32];
	std::snprintf(size, sizeof(size), "%zx", body.size());
	return head + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + body + "\r\n0\r\n\r\n";
}


struct RawAnswer
	/// A response as a client read it from its socket: the head, and the body de-chunked.
{
	std::string head;
	std::string body;
	bool chunked = false;

	explicit RawAnswer(const std::string& raw)
	{
		const std::size_t headEnd = raw.find("\r\n\r\n");
		CPPUNIT_ASSERT_MESSAGE(raw, headEnd != std::string::npos);
		head = raw.substr(0, headEnd + 4);
		const std::string rest = raw.substr(headEnd + 4);
		chunked = Poco::toLower(head).find("transfer-encoding: chunked") != std::string::npos;
		if (!chunked)
		{
			body = rest;
			return;
		}
		for (std::size_t pos = 0;;)
		{
			const std::size_t lineEnd = rest.find("\r\n", pos);
			CPPUNIT_ASSERT_MESSAGE(raw, lineEnd != std::string::npos);
			const std::size_t size = std::strtoul(rest.substr(pos, lineEnd - pos).c_str(), nullptr, 16);
			if (size == 0) break;
			body += rest.substr(lineEnd + 2, size);
			pos = lineEnd + 2 + size + 2;
		}
	}

	bool hasHeader(const std::string& name) const
	{
		return Poco::toLower(head).find("\r\n" + Poco::toLower(name) + ":") != std::string::npos;
	}
};


struct Relayed
	/// What a ResponseRelay sent a client, and the usage it read.
{
	std::string raw;
	TokenUsage usage;
};


Relayed relayOnce(const std::string& upstreamAnswer, bool removeUnaskedUsage)
	/// One answer of a scripted upstream through a ResponseRelay to a client socket, as the
	/// request path relays it, without a gateway around them.
{
	ScriptedUpstream upstream([upstreamAnswer](const ScriptedRequest&) { return ScriptedReply(upstreamAnswer); });
	Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
	Poco::Net::StreamSocket client(listener.address());
	Poco::Net::StreamSocket served = listener.acceptConnection();

	auto session = std::make_unique<AILoad::UpstreamSession>(Poco::URI(upstream.apiBase()), nullptr);
	session->setTimeout(Poco::Timespan(5, 0));
	Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, chat, Poco::Net::HTTPMessage::HTTP_1_1);
	request.setContentLength(2);
	session->sendRequest(request) << "{}" << std::flush;
	Poco::Net::HTTPResponse head;
	session->receiveHeadWithin(head, Poco::Timespan(5, 0));
	const int upstreamFd = session->fd();

	AILoad::UpstreamConfig config;
	config.name = "a";
	config.model = "a-model";
	Relayed relayed;
	{
		AILoad::ClientSession serverSession(served, new Poco::Net::HTTPServerParams);
		AILoad::RequestRecord record;
		AILoad::GatewayResponse response(serverSession, record);
		response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
		AILoad::ResponseRelay relay(std::move(session), serverSession, Poco::Timespan(5, 0), Poco::Timespan(5, 0));
		if (removeUnaskedUsage) relay.removeUnaskedUsage();
		AILoad::ResponseRelay::Outcome outcome = AILoad::ResponseRelay::Outcome::ClientGone;
		relay.whenFinished([&](AILoad::ResponseRelay::Outcome relayedOutcome, const TokenUsage& usage) {
			outcome = relayedOutcome;
			relayed.usage = usage;
		});
		// As an event loop would: pump whenever the upstream has more.
		AILoad::ResponseRelay::Step step = relay.begin(head, response, config);
		while (step != AILoad::ResponseRelay::Step::Done)
		{
			pollfd wait{step == AILoad::ResponseRelay::Step::WaitUpstream ? upstreamFd : static_cast<int>(served.impl()->sockfd()),
				static_cast<short>(step == AILoad::ResponseRelay::Step::WaitUpstream ? POLLIN : POLLOUT), 0};
			CPPUNIT_ASSERT(::poll(&wait, 1, 5000) == 1);
			step = relay.pump();
		}
		CPPUNIT_ASSERT(outcome == AILoad::ResponseRelay::Outcome::Complete);
	} // the server session closes the connection
	bool closed = false;
	relayed.raw = TestClient::readToEnd(client, Poco::Timespan(5, 0), closed);
	CPPUNIT_ASSERT(closed);
	return relayed;
}


void assertUsage(Poco::Int64 prompt, Poco::Int64 completion, const TokenUsage& usage)
{
	CPPUNIT_ASSERT_EQUAL(prompt, usage.prompt);
	CPPUNIT_ASSERT_EQUAL(completion, usage.completion);
}

} // namespace


void UsageTest::testUnaskedUsageIsAskedForAndRemoved()
{
	MockUpstream a("a");
	MockBehaviour behaviour;
	behaviour.stableIds = true;
	a.setBehaviour(behaviour);
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));

	for (const std::string& body : {"{\"model\":\"auto\",\"stream\":true," + messages + "}", "{\"model\":\"auto\", \"stream\" : true ," + messages + " }"})
	{
		a.clearReceived();
		const HttpAnswer relayed = gateway.client().post(chat, body);
		CPPUNIT_ASSERT_EQUAL(200, relayed.status);
		// The upstream was asked for usage: the option added as the last member, nothing else changed.
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.requestCount());
		const std::string sent = upstreamModel(body);
		const std::size_t last = sent.rfind(']') + 1;
		CPPUNIT_ASSERT_EQUAL(sent.substr(0, last) + ",\"stream_options\":{\"include_usage\":true}" + sent.substr(last), a.received().front().body);

		// What the client gets is what the upstream sends a client that did not ask, byte for byte.
		const HttpAnswer direct = TestClient(a.port()).post(chat, upstreamModel(body));
		CPPUNIT_ASSERT_EQUAL(200, direct.status);
		CPPUNIT_ASSERT(direct.body.find("usage") == std::string::npos);
		CPPUNIT_ASSERT(direct.body.find("data: [DONE]") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(direct.body, relayed.body);
	}
	// The /v1/completions stream is asked for usage too.
	a.clearReceived();
	const std::string completion = R"({"model":"auto","prompt":"hi","stream":true})";
	const HttpAnswer relayed = gateway.client().post("/v1/completions", completion);
	CPPUNIT_ASSERT_EQUAL(200, relayed.status);
	CPPUNIT_ASSERT_EQUAL(std::string(R"({"model":"a-model","prompt":"hi","stream":true,"stream_options":{"include_usage":true}})"), a.received().front().body);
	CPPUNIT_ASSERT_EQUAL(TestClient(a.port()).post("/v1/completions", upstreamModel(completion)).body, relayed.body);
}


void UsageTest::testClientsOwnStreamOptionsUntouched()
{
	MockUpstream a("a");
	MockBehaviour behaviour;
	behaviour.stableIds = true;
	a.setBehaviour(behaviour);
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));

	for (const std::string& options : {std::string("{\"include_usage\":true}"), std::string("{ \"include_usage\" : false }"), std::string("{}")})
	{
		a.clearReceived();
		const std::string body = "{\"model\":\"auto\",\"stream\":true,\"stream_options\":" + options + "," + messages + "}";
		const HttpAnswer relayed = gateway.client().post(chat, body);
		CPPUNIT_ASSERT_EQUAL(200, relayed.status);
		// The client's body, but for the model.
		CPPUNIT_ASSERT_EQUAL(upstreamModel(body), a.received().front().body);
		// What the upstream sends such a client, usage and all (or none).
		const HttpAnswer direct = TestClient(a.port()).post(chat, upstreamModel(body));
		CPPUNIT_ASSERT_EQUAL(options.find("true") != std::string::npos, direct.body.find("\"usage\":{\"prompt_tokens\":5") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(options.find("true") != std::string::npos, direct.body.find("\"usage\":null") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(direct.body, relayed.body);
	}
}


void UsageTest::testPlainAnswersAndOtherPathsUntouched()
{
	MockUpstream a("a");
	MockBehaviour behaviour;
	behaviour.stableIds = true;
	a.setBehaviour(behaviour);
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));

	const std::string plain = "{\"model\":\"auto\"," + messages + "}";
	const HttpAnswer relayed = gateway.client().post(chat, plain);
	CPPUNIT_ASSERT_EQUAL(200, relayed.status);
	CPPUNIT_ASSERT_EQUAL(upstreamModel(plain), a.received().front().body);
	const HttpAnswer direct = TestClient(a.port()).post(chat, upstreamModel(plain));
	CPPUNIT_ASSERT(direct.body.find("\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4") != std::string::npos);
	CPPUNIT_ASSERT_EQUAL(direct.body, relayed.body);
	CPPUNIT_ASSERT_EQUAL(direct.header("Content-Length"), relayed.header("Content-Length"));

	// Other paths have no include_usage: a streamed request goes as it came.
	a.clearReceived();
	const std::string embeddings = R"({"model":"auto","input":"hi","stream":true})";
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post("/v1/embeddings", embeddings).status);
	CPPUNIT_ASSERT_EQUAL(upstreamModel(embeddings), a.received().front().body);
}


void UsageTest::testMalformedUsageDoesNotFailTheRequest()
{
	const std::string events = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"usage\":null}\n\n"
							   "data: {\"choices\":[{\"delta\":{}}],\"usage\":nul}\n\n" // not JSON: relayed as it is
							   "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":\"five\"}}\n\n" // the option's event: removed
							   "data: [DONE]\n\n";
	const std::string expected = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n"
								 "data: {\"choices\":[{\"delta\":{}}],\"usage\":nul}\n\n"
								 "data: [DONE]\n\n";
	const std::string json = R"({"id":"x","choices":[],"usage":"lots"})";
	ScriptedUpstream upstream([&](const ScriptedRequest& request) {
		return ScriptedReply(request.body.find("\"stream\":true") != std::string::npos
				? answer("text/event-stream", events, true)
				: answer("application/json", json));
	});
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", upstream.apiBase())));
	TestClient client = gateway.client();

	const RawAnswer streamed(TestClient::joined(client.raw(client.rawRequest(chat, "{\"model\":\"auto\",\"stream\":true}"), Poco::Timespan(10, 0))));
	CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200"), streamed.head.substr(0, 12));
	CPPUNIT_ASSERT_EQUAL(expected, streamed.body);
	const HttpAnswer plain = client.post(chat, "{\"model\":\"auto\"}");
	CPPUNIT_ASSERT_EQUAL(200, plain.status);
	CPPUNIT_ASSERT_EQUAL(json, plain.body);

	assertUsage(-1, -1, relayOnce(answer("text/event-stream", events, true), true).usage);
	assertUsage(-1, -1, relayOnce(answer("application/json", json), false).usage);
}


void UsageTest::testEventStreamWithContentLengthIsReframed()
{
	ScriptedUpstream upstream([](const ScriptedRequest&) { return ScriptedReply(answer("text/event-stream", openAiStream(true))); });
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", upstream.apiBase())));
	TestClient client = gateway.client();
	const std::string body = "{\"model\":\"auto\",\"stream\":true}";

	// Shorter than the upstream's Content-Length: chunked to an HTTP/1.1 client ...
	const RawAnswer chunked(TestClient::joined(client.raw(client.rawRequest(chat, body), Poco::Timespan(10, 0))));
	CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200"), chunked.head.substr(0, 12));
	CPPUNIT_ASSERT_MESSAGE(chunked.head, chunked.chunked && !chunked.hasHeader("Content-Length"));
	CPPUNIT_ASSERT_EQUAL(openAiStream(false), chunked.body);

	// ... and to the end of the connection to an HTTP/1.0 one.
	const std::string http10 = "POST " + chat + " HTTP/1.0\r\nAuthorization: Bearer " + GatewayFixture::token()
		+ "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
	const RawAnswer delimited(TestClient::joined(client.raw(http10, Poco::Timespan(10, 0))));
	CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.0 200"), delimited.head.substr(0, 12));
	CPPUNIT_ASSERT_MESSAGE(delimited.head, !delimited.chunked && !delimited.hasHeader("Content-Length"));
	CPPUNIT_ASSERT_EQUAL(openAiStream(false), delimited.body);

	// A client that asked for usage gets the upstream's Content-Length and bytes as they are.
	const std::string asked = "{\"model\":\"auto\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
	const RawAnswer kept(TestClient::joined(client.raw(client.rawRequest(chat, asked), Poco::Timespan(10, 0))));
	CPPUNIT_ASSERT_MESSAGE(kept.head, kept.head.find("Content-Length: " + std::to_string(openAiStream(true).size()) + "\r\n") != std::string::npos);
	CPPUNIT_ASSERT_EQUAL(openAiStream(true), kept.body);
}


void UsageTest::testRelayReadsUsage()
{
	// An event stream whose usage the gateway asked for: read, and removed.
	const Relayed removed = relayOnce(answer("text/event-stream", openAiStream(true), true), true);
	CPPUNIT_ASSERT_EQUAL(openAiStream(false), RawAnswer(removed.raw).body);
	assertUsage(12, 3, removed.usage);
	// One whose client asked: read, and relayed as it came.
	const Relayed kept = relayOnce(answer("text/event-stream", openAiStream(true), true), false);
	CPPUNIT_ASSERT_EQUAL(openAiStream(true), RawAnswer(kept.raw).body);
	assertUsage(12, 3, kept.usage);
	// One without usage.
	CPPUNIT_ASSERT(!relayOnce(answer("text/event-stream", openAiStream(false)), true).usage.known());

	// A JSON answer's top-level usage.
	const std::string json = R"({"id":"x","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}})";
	const Relayed plain = relayOnce(answer("application/json; charset=utf-8", json), false);
	CPPUNIT_ASSERT_EQUAL(json, RawAnswer(plain.raw).body);
	assertUsage(5, 4, plain.usage);
	assertUsage(5, 4, relayOnce(answer("application/json", json, true), true).usage);
	// Not JSON, by its type: not read.
	CPPUNIT_ASSERT(!relayOnce(answer("text/plain", json), false).usage.known());
}

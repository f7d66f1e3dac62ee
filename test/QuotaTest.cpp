#include "QuotaTest.h"

#include "GatewayFixture.h"
#include "MockUpstream.h"
#include "AILoad/ManualClock.h"
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <thread>

CPPUNIT_TEST_SUITE_REGISTRATION(QuotaTest);

using namespace AILoad::Test;
using AILoad::ManualClock;
using Poco::JSON::Object;

namespace {

const std::string chat = "/v1/chat/completions";
const std::string request = R"({"model":"g","messages":[{"role":"user","content":"hi"}]})";


struct Pair
	/// Upstreams a and b in group "g"; a is always tried first while it is free.
{
	explicit Pair(const std::string& settings = "", std::shared_ptr<ManualClock> clock = nullptr, const std::string& extraA = ""):
		a("a"),
		b("b")
	{
		a.start();
		b.start();
		AILoad::Gateway::ServerSettings server;
		server.clock = clock;
		gateway = std::make_unique<GatewayFixture>("{\"auth_token\": \"x\", \"models\": ["
				+ GatewayFixture::modelEntry("a", a.apiBase(), R"("group": "g", "weight": 1000)" + extraA) + ","
				+ GatewayFixture::modelEntry("b", b.apiBase(), R"("group": "g", "weight": 1)") + "], "
				+ R"("settings": {"ip_affinity": false)" + (settings.empty() ? "" : ", " + settings) + "}}",
			server);
	}

	std::string send()
		/// The upstream that answered.
	{
		const HttpAnswer answer = gateway->client().post(chat, request);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 200, answer.status);
		return answer.header("X-AILoad-Upstream");
	}

	Object::Ptr health(const std::string& name)
	{
		const Object::Ptr health = Poco::JSON::Parser().parse(gateway->client().get("/health").body).extract<Object::Ptr>();
		const Poco::JSON::Array::Ptr upstreams = health->getArray("upstreams");
		for (std::size_t i = 0; i < upstreams->size(); ++i)
			if (upstreams->getObject(i)->getValue<std::string>("name") == name) return upstreams->getObject(i);
		CPPUNIT_FAIL("no upstream " + name + " in /health");
		return nullptr;
	}

	std::string metric(const std::string& series)
	{
		const std::string metrics = "\n" + gateway->client().get("/metrics").body;
		const std::string::size_type at = metrics.find("\n" + series + " ");
		if (at == std::string::npos) return "";
		const std::string::size_type begin = at + series.size() + 2;
		return metrics.substr(begin, metrics.find('\n', begin) - begin);
	}

	MockUpstream a;
	MockUpstream b;
	std::unique_ptr<GatewayFixture> gateway;
};


MockBehaviour answering(int status, const std::string& body, const std::vector<std::pair<std::string, std::string>>& headers = {})
{
	MockBehaviour behaviour;
	behaviour.status = status;
	behaviour.body = body;
	behaviour.headers = headers;
	return behaviour;
}


void assertState(Pair& pair, const std::string& name, const std::string& state, const std::string& reason, int minSeconds, int maxSeconds)
{
	const Object::Ptr upstream = pair.health(name);
	CPPUNIT_ASSERT_EQUAL(state, upstream->getValue<std::string>("state"));
	CPPUNIT_ASSERT_EQUAL(reason, upstream->getValue<std::string>("reason"));
	const int left = upstream->getValue<int>("seconds_left");
	CPPUNIT_ASSERT_MESSAGE(std::to_string(left), left >= minSeconds && left <= maxSeconds);
}

} // namespace


void QuotaTest::testOpenAiInsufficientQuota()
{
	Pair pair(R"("quota_cooldown": 600)");
	pair.a.setBehaviour(answering(429, R"({"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})"));
	CPPUNIT_ASSERT_EQUAL(std::string("b"), pair.send()); // failed over at once
	assertState(pair, "a", "cooling_down", "quota_exhausted", 590, 600); // not the 30 s of a plain 429
	CPPUNIT_ASSERT_EQUAL(std::string("b"), pair.send());
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), pair.a.requestCount());
	CPPUNIT_ASSERT_EQUAL(std::string("1"), pair.metric(R"(aiload_upstream_attempts_total{upstream="a",outcome="quota_exhausted"})"));
	CPPUNIT_ASSERT_EQUAL(std::string("1"), pair.metric(R"(aiload_failovers_total{upstream="a",reason="quota_exhausted"})"));
	CPPUNIT_ASSERT_EQUAL(std::string("1"), pair.metric(R"(aiload_upstream_state_reason{upstream="a",reason="quota_exhausted"})"));
}


void QuotaTest::testPaymentRequired()
{
	Pair pair;
	pair.a.setBehaviour(answering(402, R"({"error":{"code":402,"message":"Insufficient credits. Add more using https://openrouter.ai/credits"}})"));
	CPPUNIT_ASSERT_EQUAL(std::string("b"), pair.send());
	assertState(pair, "a", "cooling_down", "quota_exhausted", 3590, 3600); // settings.quota_cooldown's default

	// Every candidate out of credit: the client hears 429 with the wait, not 402.
	pair.b.setBehaviour(answering(402, R"({"error":{"code":402,"message":"Insufficient credits"}})"));
	const HttpAnswer answer = pair.gateway->client().post(chat, R"({"model":"b"})");
	CPPUNIT_ASSERT_EQUAL(429, answer.status);
	CPPUNIT_ASSERT(!answer.header("Retry-After").empty());
}


void QuotaTest::testGroqRemainingZeroOnSuccess()
{
	Pair pair;
	// Groq's headers on a success: the last request of the day's allowance.
	pair.a.setBehaviour(answering(200, "", {{"x-ratelimit-limit-requests", "14400"}, {"x-ratelimit-remaining-requests", "0"}, {"x-ratelimit-reset-requests", "7.66s"}, {"x-ratelimit-limit-tokens", "18000"}, {"x-ratelimit-remaining-tokens", "17997"}, {"x-ratelimit-reset-tokens", "7.66s"}}));
	CPPUNIT_ASSERT_EQUAL(std::string("a"), pair.send());
	// Set aside before it fails: the next request goes to b without trying a.
	CPPUNIT_ASSERT_EQUAL(std::string("b"), pair.send());
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), pair.a.requestCount());
	assertState(pair, "a", "at_limit", "reported", 7, 8);
	CPPUNIT_ASSERT_EQUAL(std::string("17997"), pair.metric(R"(aiload_upstream_requests_remaining{upstream="a",window="tokens_reported"})"));
	CPPUNIT_ASSERT_EQUAL(std::string("1"), pair.metric(R"(aiload_upstream_state{upstream="a",state="at_limit"})"));
	CPPUNIT_ASSERT_EQUAL(std::string("1"), pair.metric(R"(aiload_upstream_state_reason{upstream="a",reason="reported"})"));
}


void QuotaTest::testAnthropicRemainingZero()
{
	auto clock = std::make_shared<ManualClock>();
	Pair pair("", clock);
	const std::string reset = Poco::DateTimeFormatter::format(clock->now() + Poco::Timespan(30, 0).totalMicroseconds(), "%Y-%m-%dT%H:%M:%SZ");
	pair.a.setBehaviour(answering(200, "", {{"anthropic-ratelimit-requests-limit", "50"}, {"anthropic-ratelimit-requests-remaining", "0"}, {"anthropic-ratelimit-requests-reset", reset}}));
	CPPUNIT_ASSERT_EQUAL(std::string("a"), pair.send());
	CPPUNIT_ASSERT_EQUAL(std::string("b"), pair.send());
	assertState(pair, "a", "at_limit", "reported", 29, 30);
	// At its reset it is back.
	pair.a.setBehaviour(MockBehaviour());
	clock->advance(Poco::Timespan(31, 0));
	CPPUNIT_ASSERT_EQUAL(std::string("a"), pair.send());
}


void QuotaTest::testOpenRouterRemainingZero()
{
	auto clock = std::make_shared<ManualClock>();
	Pair pair("", clock);
	const Poco::Int64 resetMs = (clock->now().epochMicroseconds() + 20000000) / 1000;
	pair.a.setBehaviour(answering(200, "", {{"X-RateLimit-Limit", "20"}, {"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", std::to_string(resetMs)}}));
	CPPUNIT_ASSERT_EQUAL(std::string("a"), pair.send());
	CPPUNIT_ASSERT_EQUAL(std::string("b"), pair.send());
	assertState(pair, "a", "at_limit", "reported", 19, 20);
	CPPUNIT_ASSERT_EQUAL(std::string("0"), pair.metric(R"(aiload_upstream_requests_remaining{upstream="a",window="reported"})"));
}


void QuotaTest::testRetryAfterMs()
{
	Pair pair;
	pair.a.setBehaviour(answering(429, R"({"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}})",
		{{"retry-after-ms", "45000"}, {"Retry-After", "1"}}));
	CPPUNIT_ASSERT_EQUAL(std::string("b"), pair.send());
	assertState(pair, "a", "cooling_down", "rate_limited", 44, 45); // the milliseconds win
}


void QuotaTest::testGeminiPerMinute()
{
	Pair pair;
	pair.a.setBehaviour(answering(429, R"([{"error":{"code":429,"message":"You exceeded your current quota.","status":"RESOURCE_EXHAUSTED","details":[)"
									   R"({"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier","quotaDimensions":{"location":"global","model":"gemini-2.0-flash"},"quotaValue":"15"}]},)"
									   R"({"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"17s"}]}}])"));
	CPPUNIT_ASSERT_EQUAL(std::string("b"), pair.send());
	assertState(pair, "a", "cooling_down", "rate_limited", 16, 17);
}


void QuotaTest::testGeminiPerDayHeldUntilMidnightPacific()
{
	// 2026-07-01 12:00 UTC is 05:00 PDT: the daily quota resets at 07:00 UTC the next day.
	auto clock = std::make_shared<ManualClock>(Poco::Timestamp::fromEpochTime(1782907200));
	Pair pair("", clock);
	pair.a.setBehaviour(answering(429, R"({"error":{"code":429,"message":"You exceeded your current quota.","status":"RESOURCE_EXHAUSTED","details":[)"
									   R"({"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier","quotaValue":"200"}]},)"
									   R"({"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"33s"}]}})"));
	CPPUNIT_ASSERT_EQUAL(std::string("b"), pair.send());
	assertState(pair, "a", "cooling_down", "quota_exhausted", 19 * 3600, 19 * 3600);

	// Not after its retryDelay: still held an hour before the reset.
	pair.a.setBehaviour(MockBehaviour());
	clock->advance(Poco::Timespan(18 * 3600, 0));
	CPPUNIT_ASSERT_EQUAL(std::string("b"), pair.send());
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), pair.a.requestCount());
	// Released after it.
	clock->advance(Poco::Timespan(3601, 0));
	CPPUNIT_ASSERT_EQUAL(std::string("a"), pair.send());
	CPPUNIT_ASSERT_EQUAL(std::string("up"), pair.health("a")->getValue<std::string>("state"));
}


void QuotaTest::testTokensPerMinute()
{
	auto clock = std::make_shared<ManualClock>();
	// The mock reports 5 prompt and 4 completion tokens per answer: two answers reach 15.
	Pair pair("", clock, R"(, "tpm": 15)");
	CPPUNIT_ASSERT_EQUAL(std::string("a"), pair.send());
	CPPUNIT_ASSERT_EQUAL(std::string("a"), pair.send());
	CPPUNIT_ASSERT_EQUAL(std::string("b"), pair.send());
	assertState(pair, "a", "at_limit", "tpm", 1, 60);
	clock->advance(Poco::Timespan(60, 0));
	CPPUNIT_ASSERT_EQUAL(std::string("a"), pair.send());
}


void QuotaTest::testFailingUpstreamIsProbed()
{
	Pair pair(R"("probe_interval": 1)");
	pair.a.setBehaviour(answering(500, ""));
	for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(std::string("b"), pair.send()); // the third failure in a row: 10 s
	CPPUNIT_ASSERT_EQUAL(std::string("cooling_down"), pair.health("a")->getValue<std::string>("state"));
	CPPUNIT_ASSERT_EQUAL(std::string("failing"), pair.health("a")->getValue<std::string>("reason"));
	pair.a.clearReceived();
	pair.a.setBehaviour(MockBehaviour());

	// The probe finds it well long before the 10 s are over.
	const Poco::Timestamp start;
	while (pair.health("a")->getValue<std::string>("state") != "up" && start.elapsed() < 5000000) pair.a.waitForRequests(1, Poco::Timespan(0, 100000));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(std::to_string(pair.a.requestCount()), std::string("up"), pair.health("a")->getValue<std::string>("state"));
	const ReceivedRequest probe = pair.a.received().front();
	CPPUNIT_ASSERT_EQUAL(std::string("GET"), probe.method);
	CPPUNIT_ASSERT_EQUAL(std::string("/v1/models"), probe.uri);
	CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk-key-a"), probe.header("Authorization"));
	CPPUNIT_ASSERT_EQUAL(std::string("a"), pair.send());
}


void QuotaTest::testErrorInFirstEventFailsOver()
{
	Pair pair;
	// OpenRouter's way: 200, then the provider's 429 in the first event.
	MockBehaviour erring = answering(200, ": OPENROUTER PROCESSING\n\n"
										  "data: {\"error\":{\"code\":429,\"message\":\"Provider returned error\",\"metadata\":{\"raw\":\"rate limited\"}}}\n\n",
		{{"Retry-After", "40"}});
	erring.contentType = "text/event-stream";
	pair.a.setBehaviour(erring);
	const HttpAnswer answer = pair.gateway->client().post(chat, R"({"model":"g","stream":true,"messages":[]})");
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("b"), answer.header("X-AILoad-Upstream"));
	CPPUNIT_ASSERT(answer.body.find("Provider returned error") == std::string::npos); // nothing of a's reached the client
	CPPUNIT_ASSERT(answer.body.find("data: [DONE]") != std::string::npos);
	assertState(pair, "a", "cooling_down", "rate_limited", 39, 40);

	// An error that names no limit is a failure like a 5xx.
	Pair other;
	MockBehaviour broken = answering(200, "data: {\"error\":{\"message\":\"internal\"}}\n\n");
	broken.contentType = "text/event-stream";
	other.a.setBehaviour(broken);
	CPPUNIT_ASSERT_EQUAL(std::string("b"), other.send());
	CPPUNIT_ASSERT_EQUAL(1, other.health("a")->getValue<int>("consecutive_failures"));
	CPPUNIT_ASSERT_EQUAL(std::string("1"), other.metric(R"(aiload_failovers_total{upstream="a",reason="http_5xx"})"));
}


void QuotaTest::testStreamStartsAfterCommentsAndKeepsItsBytes()
{
	Pair pair;
	const std::string stream = ": keep-alive\r\n\r\nevent: ping\r\ndata: {}\r\n\r\n"
							   "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\r\n\r\ndata: [DONE]\r\n\r\n";
	MockBehaviour good = answering(200, stream);
	good.contentType = "text/event-stream";
	pair.a.setBehaviour(good);
	// The client asks for usage itself: what it gets is the upstream's bytes, exactly.
	const HttpAnswer answer = pair.gateway->client().post(chat, R"({"model":"g","stream":true,"stream_options":{"include_usage":true}})");
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("a"), answer.header("X-AILoad-Upstream"));
	CPPUNIT_ASSERT_EQUAL(stream, answer.body);
}

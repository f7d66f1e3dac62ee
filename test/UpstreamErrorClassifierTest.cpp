#include "UpstreamErrorClassifierTest.h"

#include "PacificTime.h"
#include "UpstreamErrorClassifier.h"
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Random.h>
#include <initializer_list>
#include <string>
#include <utility>

CPPUNIT_TEST_SUITE_REGISTRATION(UpstreamErrorClassifierTest);

using AILoad::UpstreamErrorClassifier;
using Kind = AILoad::UpstreamErrorClassifier::Kind;
using Verdict = AILoad::UpstreamErrorClassifier::Verdict;

namespace {

// Every answer arrives at this time: a Sunday, noon UTC, 5:00 PDT.
const Poco::Timestamp now = Poco::DateTime(2025, 6, 1, 12, 0, 0).timestamp();
const Poco::Timespan second(1, 0);


Poco::Timespan seconds(int count)
{
	return Poco::Timespan(count, 0);
}

const Poco::Timespan quotaCooldown(3600, 0); // settings.quota_cooldown's default


Poco::Timestamp at(Poco::Timespan fromNow)
{
	return now + fromNow.totalMicroseconds();
}


Poco::Net::NameValueCollection headersOf(std::initializer_list<std::pair<const char*, std::string>> fields)
{
	Poco::Net::NameValueCollection headers;
	for (const auto& field : fields) headers.add(field.first, field.second);
	return headers;
}


Verdict classify(int status, const std::string& body, const Poco::Net::NameValueCollection& headers = {})
{
	return UpstreamErrorClassifier::classify(status, headers, body, now, quotaCooldown);
}


std::string iso(const Poco::Timestamp& time)
{
	return Poco::DateTimeFormatter::format(time, Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}


void checkVerdict(Kind kind, const Poco::Timestamp& until, const std::string& reason, const Verdict& verdict, const CppUnit::SourceLine& line)
{
	CppUnit::assertEquals(std::string(UpstreamErrorClassifier::describe(kind)), std::string(UpstreamErrorClassifier::describe(verdict.kind)), line, verdict.reason);
	CppUnit::assertEquals(iso(until), iso(verdict.until), line, verdict.reason);
	CppUnit::assertEquals(until.epochMicroseconds(), verdict.until.epochMicroseconds(), line, verdict.reason);
	CppUnit::assertEquals(reason, verdict.reason, line, "");
}

#define CHECK_VERDICT(kind, until, reason, verdict) checkVerdict(kind, until, reason, verdict, CPPUNIT_SOURCELINE())

const std::string openAIQuota = R"({
    "error": {
        "message": "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
        "type": "insufficient_quota",
        "param": null,
        "code": "insufficient_quota"
    }
}
)";

const std::string openAIRateLimit = R"({"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-Xq9 on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.","type":"requests","param":null,"code":"rate_limit_exceeded"}})";


std::string geminiError(const std::string& quotaId, const std::string& retryDelay)
{
	return R"({
  "error": {
    "code": 429,
    "message": "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
    "status": "RESOURCE_EXHAUSTED",
    "details": [
      {
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        "violations": [
          {
            "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            "quotaId": ")"
		+ quotaId + R"(",
            "quotaDimensions": {
              "location": "global",
              "model": "gemini-2.0-flash"
            },
            "quotaValue": "15"
          }
        ]
      },
      {
        "@type": "type.googleapis.com/google.rpc.Help",
        "links": [
          {
            "description": "Learn more about Gemini API quotas",
            "url": "https://ai.google.dev/gemini-api/docs/rate-limits"
          }
        ]
      },
      {
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        "retryDelay": ")"
		+ retryDelay + R"("
      }
    ]
  }
}
)";
}

const std::string perMinute = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier";
const std::string perDay = "GenerateRequestsPerDayPerProjectPerModel-FreeTier";

} // namespace


void UpstreamErrorClassifierTest::testOpenAIInsufficientQuota()
{
	// Out of credit: a 429 that no wait of seconds cures.
	CHECK_VERDICT(Kind::QuotaExhausted, at(quotaCooldown), "HTTP 429 insufficient_quota: out of credit, for 3600 s", classify(429, openAIQuota));
	// With OpenAI's limit headers and a short Retry-After: still the quota cooldown.
	const Poco::Net::NameValueCollection headers = headersOf({{"x-ratelimit-remaining-requests", "4999"}, {"retry-after", "1"}});
	CHECK_VERDICT(Kind::QuotaExhausted, at(quotaCooldown), "HTTP 429 insufficient_quota: out of credit, for 3600 s", classify(429, openAIQuota, headers));
	// Only the type, or only the code, says it.
	CPPUNIT_ASSERT(classify(429, R"({"error":{"type":"insufficient_quota","message":"x"}})").kind == Kind::QuotaExhausted);
	CPPUNIT_ASSERT(classify(429, R"({"error":{"code":"insufficient_quota","type":null}})").kind == Kind::QuotaExhausted);
	CPPUNIT_ASSERT(classify(429, R"({"error":{"code":"INSUFFICIENT_QUOTA"}})").kind == Kind::QuotaExhausted);
	CPPUNIT_ASSERT_EQUAL(std::string("quota_exhausted"), std::string(UpstreamErrorClassifier::describe(Kind::QuotaExhausted)));
}


void UpstreamErrorClassifierTest::testOpenAIRateLimit()
{
	// A plain rate limit: OpenAI sends no Retry-After, but its headers say when requests are back.
	const Poco::Net::NameValueCollection headers = headersOf({
		{"x-ratelimit-limit-requests", "3"},
		{"x-ratelimit-remaining-requests", "0"},
		{"x-ratelimit-reset-requests", "20s"},
		{"x-ratelimit-limit-tokens", "40000"},
		{"x-ratelimit-remaining-tokens", "39950"},
		{"x-ratelimit-reset-tokens", "75ms"},
	});
	CHECK_VERDICT(Kind::RateLimited, at(seconds(20)), "HTTP 429: none remaining, for 20 s", classify(429, openAIRateLimit, headers));
	// Without the headers: the default 30 s.
	CHECK_VERDICT(Kind::RateLimited, at(seconds(30)), "HTTP 429: for 30 s", classify(429, openAIRateLimit));
	CPPUNIT_ASSERT_EQUAL(std::string("rate_limited"), std::string(UpstreamErrorClassifier::describe(Kind::RateLimited)));
}


void UpstreamErrorClassifierTest::testPaymentRequired()
{
	// OpenRouter, out of credits.
	const std::string openRouter = R"({"error":{"code":402,"message":"Insufficient credits. Add more using https://openrouter.ai/settings/credits"}})";
	CHECK_VERDICT(Kind::QuotaExhausted, at(quotaCooldown), "HTTP 402: out of credit, for 3600 s", classify(402, openRouter));
	// The cooldown is the setting's.
	CHECK_VERDICT(Kind::QuotaExhausted, at(Poco::Timespan(1800, 0)), "HTTP 402: out of credit, for 1800 s",
		UpstreamErrorClassifier::classify(402, Poco::Net::NameValueCollection(), openRouter, now, Poco::Timespan(1800, 0)));
	// Any 402, whatever its body (DeepSeek's, none at all, HTML).
	CPPUNIT_ASSERT(classify(402, R"({"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}})").kind == Kind::QuotaExhausted);
	CPPUNIT_ASSERT(classify(402, "").kind == Kind::QuotaExhausted);
	CPPUNIT_ASSERT(classify(402, "<html>Payment Required</html>").kind == Kind::QuotaExhausted);
	// Anthropic's billing error.
	CPPUNIT_ASSERT(classify(402, R"({"type":"error","error":{"type":"billing_error","message":"..."}})").kind == Kind::QuotaExhausted);
}


void UpstreamErrorClassifierTest::testOpenRouterDailyLimit()
{
	// Free models per day: the reset (midnight UTC, 12 h away) is beyond the hour a 429 may
	// cool down; the rest is the set-aside that ReportedLimits gives from the same headers.
	const Poco::Timestamp midnight = Poco::DateTime(2025, 6, 2, 0, 0, 0).timestamp();
	const std::string resetMs = std::to_string(midnight.epochMicroseconds() / 1000);
	const Poco::Net::NameValueCollection headers = headersOf({{"X-RateLimit-Limit", "50"}, {"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", resetMs}});
	const std::string body = R"({"error":{"message":"Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day","code":429,"metadata":{"headers":{"X-RateLimit-Limit":"50","X-RateLimit-Remaining":"0","X-RateLimit-Reset":")"
		+ resetMs + R"("},"provider_name":null}},"user_id":"user_2wXyz"})";
	CHECK_VERDICT(Kind::RateLimited, at(Poco::Timespan(3600, 0)), "HTTP 429: none remaining, for 3600 s", classify(429, body, headers));
	const auto setAside = AILoad::ReportedLimits::read(headers, now).setAsideUntil(now);
	CPPUNIT_ASSERT(setAside && *setAside == midnight);
	// Per minute: until its reset.
	const Poco::Net::NameValueCollection minute = headersOf({{"X-RateLimit-Limit", "20"}, {"X-RateLimit-Remaining", "0"},
		{"X-RateLimit-Reset", std::to_string(at(seconds(12)).epochMicroseconds() / 1000)}});
	CHECK_VERDICT(Kind::RateLimited, at(seconds(12)), "HTTP 429: none remaining, for 12 s",
		classify(429, R"({"error":{"message":"Rate limit exceeded: free-models-per-min.","code":429}})", minute));
}


void UpstreamErrorClassifierTest::testGeminiPerMinute()
{
	CHECK_VERDICT(Kind::RateLimited, at(seconds(42)), "HTTP 429 RESOURCE_EXHAUSTED: retryDelay 42 s", classify(429, geminiError(perMinute, "42s")));
	CHECK_VERDICT(Kind::RateLimited, at(Poco::Timespan(1, 500000)), "HTTP 429 RESOURCE_EXHAUSTED: retryDelay 2 s", classify(429, geminiError(perMinute, "1.5s")));
	// The body's delay wins over a Retry-After.
	CHECK_VERDICT(Kind::RateLimited, at(seconds(42)), "HTTP 429 RESOURCE_EXHAUSTED: retryDelay 42 s",
		classify(429, geminiError(perMinute, "42s"), headersOf({{"Retry-After", "5"}})));
	// At most an hour.
	CHECK_VERDICT(Kind::RateLimited, at(Poco::Timespan(3600, 0)), "HTTP 429 RESOURCE_EXHAUSTED: retryDelay 3600 s", classify(429, geminiError(perMinute, "86400s")));
	// A delay that cannot be read: the Retry-After, else 30 s.
	CHECK_VERDICT(Kind::RateLimited, at(seconds(5)), "HTTP 429 RESOURCE_EXHAUSTED: Retry-After 5 s",
		classify(429, geminiError(perMinute, "soon"), headersOf({{"Retry-After", "5"}})));
	CHECK_VERDICT(Kind::RateLimited, at(seconds(30)), "HTTP 429 RESOURCE_EXHAUSTED: for 30 s", classify(429, geminiError(perMinute, "-3s")));
	// Tokens per minute is per minute too.
	CPPUNIT_ASSERT(classify(429, geminiError("GenerateContentInputTokensPerModelPerMinute-FreeTier", "7s")).kind == Kind::RateLimited);
}


void UpstreamErrorClassifierTest::testGeminiPerDay()
{
	// Sunday 1 June 2025, 05:00 PDT: the quota resets at midnight PDT, 07:00 UTC on 2 June.
	const Poco::Timestamp midnight = Poco::DateTime(2025, 6, 2, 7, 0, 0).timestamp();
	const std::string reason = "HTTP 429 RESOURCE_EXHAUSTED " + perDay + ": daily quota, until midnight Pacific time";
	// The body's per-day violation wins over its (short) retryDelay.
	CHECK_VERDICT(Kind::QuotaExhausted, midnight, reason, classify(429, geminiError(perDay, "23s")));
	CHECK_VERDICT(Kind::QuotaExhausted, midnight, reason, classify(429, geminiError(perDay, "23s"), headersOf({{"Retry-After", "23"}})));
	// In winter, midnight PST: 08:00 UTC.
	const Poco::Timestamp winter = Poco::DateTime(2026, 1, 15, 20, 0, 0).timestamp();
	const Verdict january = UpstreamErrorClassifier::classify(429, Poco::Net::NameValueCollection(), geminiError(perDay, "23s"), winter, quotaCooldown);
	CPPUNIT_ASSERT(january.kind == Kind::QuotaExhausted);
	CPPUNIT_ASSERT(january.until == Poco::DateTime(2026, 1, 16, 8, 0, 0).timestamp());
	CPPUNIT_ASSERT(january.until == AILoad::PacificTime::nextMidnight(winter));
	// Per day among several violations.
	const std::string both = R"({"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure",
		"violations":[{"quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier"},{"quotaId":"GenerateContentInputTokensPerModelPerDay-FreeTier"}]}]}})";
	CHECK_VERDICT(Kind::QuotaExhausted, midnight,
		"HTTP 429 RESOURCE_EXHAUSTED GenerateContentInputTokensPerModelPerDay-FreeTier: daily quota, until midnight Pacific time", classify(429, both));
}


void UpstreamErrorClassifierTest::testGeminiArrayWrapped()
{
	// Gemini's OpenAI-compatible endpoint wraps Google's error in an array.
	CHECK_VERDICT(Kind::RateLimited, at(Poco::Timespan(1, 500000)), "HTTP 429 RESOURCE_EXHAUSTED: retryDelay 2 s",
		classify(429, "[" + geminiError(perMinute, "1.5s") + "]"));
	CHECK_VERDICT(Kind::QuotaExhausted, Poco::DateTime(2025, 6, 2, 7, 0, 0).timestamp(),
		"HTTP 429 RESOURCE_EXHAUSTED " + perDay + ": daily quota, until midnight Pacific time",
		classify(429, "[\n  " + geminiError(perDay, "23s") + "]\n"));
	// An array of something else: the status decides.
	CHECK_VERDICT(Kind::RateLimited, at(seconds(30)), "HTTP 429: for 30 s", classify(429, R"([1, {"error": {"status": "RESOURCE_EXHAUSTED"}}])"));
}


void UpstreamErrorClassifierTest::testGroqRateLimit()
{
	// Groq sends retry-after on its 429s, with its limit headers.
	Poco::Net::HTTPResponse answer(Poco::Net::HTTPResponse::HTTP_TOO_MANY_REQUESTS);
	answer.set("retry-after", "2");
	answer.set("x-ratelimit-limit-requests", "1000");
	answer.set("x-ratelimit-limit-tokens", "12000");
	answer.set("x-ratelimit-remaining-requests", "987");
	answer.set("x-ratelimit-remaining-tokens", "0");
	answer.set("x-ratelimit-reset-requests", "18m41.28s");
	answer.set("x-ratelimit-reset-tokens", "1.85s");
	const std::string body = R"({"error":{"message":"Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_01jxyz` service tier `on_demand` on tokens per minute (TPM): Limit 12000, Used 11950, Requested 420. Please try again in 1.85s. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing","type":"tokens","code":"rate_limit_exceeded"}})";
	CHECK_VERDICT(Kind::RateLimited, at(seconds(2)), "HTTP 429: Retry-After 2 s",
		UpstreamErrorClassifier::classify(429, answer, body, now, quotaCooldown));
	// The headers read once serve both.
	const AILoad::ReportedLimits limits = AILoad::ReportedLimits::read(answer, now);
	CHECK_VERDICT(Kind::RateLimited, at(seconds(2)), "HTTP 429: Retry-After 2 s", UpstreamErrorClassifier::classify(429, limits, body, now, quotaCooldown));
}


void UpstreamErrorClassifierTest::testAnthropicRateLimit()
{
	const std::string body = R"({"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization (4c1b2a) of 50 requests per minute. For details, refer to: https://docs.anthropic.com/en/api/rate-limits."}})";
	const Poco::Net::NameValueCollection spent = headersOf({
		{"anthropic-ratelimit-requests-limit", "50"},
		{"anthropic-ratelimit-requests-remaining", "0"},
		{"anthropic-ratelimit-requests-reset", "2025-06-01T12:00:30Z"},
		{"anthropic-ratelimit-tokens-remaining", "38000"},
		{"anthropic-ratelimit-tokens-reset", "2025-06-01T12:00:02Z"},
	});
	CHECK_VERDICT(Kind::RateLimited, at(seconds(30)), "HTTP 429: none remaining, for 30 s", classify(429, body, spent));
	// With its retry-after, that wins.
	Poco::Net::NameValueCollection withRetry = spent;
	withRetry.add("retry-after", "12");
	CHECK_VERDICT(Kind::RateLimited, at(seconds(12)), "HTTP 429: Retry-After 12 s", classify(429, body, withRetry));
	// Tokens spent, reset in an offset time.
	CHECK_VERDICT(Kind::RateLimited, at(Poco::Timespan(7, 250000)), "HTTP 429: none remaining, for 8 s",
		classify(429, body, headersOf({{"anthropic-ratelimit-output-tokens-remaining", "0"}, {"anthropic-ratelimit-output-tokens-reset", "2025-06-01T14:00:07.25+02:00"}})));
}


void UpstreamErrorClassifierTest::testPlainRateLimit()
{
	CHECK_VERDICT(Kind::RateLimited, at(seconds(30)), "HTTP 429: for 30 s", classify(429, "Too Many Requests"));
	CHECK_VERDICT(Kind::RateLimited, at(seconds(120)), "HTTP 429: Retry-After 120 s", classify(429, "", headersOf({{"Retry-After", "120"}})));
	CHECK_VERDICT(Kind::RateLimited, at(Poco::Timespan(3600, 0)), "HTTP 429: Retry-After 3600 s", classify(429, "", headersOf({{"Retry-After", "86400"}})));
	CHECK_VERDICT(Kind::RateLimited, at(Poco::Timespan(0, 250000)), "HTTP 429: Retry-After 1 s", classify(429, "", headersOf({{"retry-after-ms", "250"}})));
	const std::string date = Poco::DateTimeFormatter::format(at(seconds(45)), Poco::DateTimeFormat::HTTP_FORMAT);
	CHECK_VERDICT(Kind::RateLimited, at(seconds(45)), "HTTP 429: Retry-After 45 s", classify(429, "", headersOf({{"Retry-After", date}})));
	// An unreadable Retry-After: the default.
	CHECK_VERDICT(Kind::RateLimited, at(seconds(30)), "HTTP 429: for 30 s", classify(429, "", headersOf({{"Retry-After", "later"}})));
	// Rate limit codes in the body change nothing.
	CHECK_VERDICT(Kind::RateLimited, at(seconds(30)), "HTTP 429: for 30 s", classify(429, R"({"error":{"code":"rate_limit_exceeded"}})"));
}


void UpstreamErrorClassifierTest::testBadKey()
{
	const std::string openAI = R"({"error":{"message":"Incorrect API key provided: sk-proj-****abcd. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})";
	CHECK_VERDICT(Kind::BadKey, at(Poco::Timespan(600, 0)), "HTTP 401: key refused, for 600 s", classify(401, openAI));
	const std::string google = R"({"error":{"code":403,"message":"Method doesn't allow unregistered callers.","status":"PERMISSION_DENIED"}})";
	CHECK_VERDICT(Kind::BadKey, at(Poco::Timespan(600, 0)), "HTTP 403: key refused, for 600 s", classify(403, google));
	CPPUNIT_ASSERT(classify(403, "").kind == Kind::BadKey);
	CPPUNIT_ASSERT_EQUAL(std::string("bad_key"), std::string(UpstreamErrorClassifier::describe(Kind::BadKey)));
}


void UpstreamErrorClassifierTest::testOtherStatuses()
{
	// Not about limits or keys: none, whatever the body says; the gateway's other rules apply.
	for (int status : {400, 404, 408, 413, 422, 500, 502, 503, 504, 529, 200, 0, -1, 99999})
	{
		const Verdict verdict = classify(status, openAIQuota, headersOf({{"Retry-After", "5"}, {"x-ratelimit-remaining-requests", "0"}}));
		CPPUNIT_ASSERT_MESSAGE(std::to_string(status), verdict.kind == Kind::None);
		CPPUNIT_ASSERT_EQUAL(Poco::Timestamp::TimeVal(0), verdict.until.epochMicroseconds());
		CPPUNIT_ASSERT_EQUAL("HTTP " + std::to_string(status), verdict.reason);
	}
	CPPUNIT_ASSERT(classify(529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})").kind == Kind::None);
	CPPUNIT_ASSERT_EQUAL(std::string("none"), std::string(UpstreamErrorClassifier::describe(Kind::None)));
}


void UpstreamErrorClassifierTest::testErrorInFirstEvent()
{
	// A stream that began 200 and whose first event is an error: its code is the status.
	CHECK_VERDICT(Kind::RateLimited, at(seconds(30)), "HTTP 429: for 30 s",
		classify(200, R"({"error":{"message":"Rate limit exceeded: limit_rpm/google/gemini-2.0-flash-exp","code":429}})"));
	CHECK_VERDICT(Kind::QuotaExhausted, at(quotaCooldown), "HTTP 402: out of credit, for 3600 s",
		classify(200, R"({"error":{"code":402,"message":"Insufficient credits"}})"));
	CHECK_VERDICT(Kind::QuotaExhausted, Poco::DateTime(2025, 6, 2, 7, 0, 0).timestamp(),
		"HTTP 429 RESOURCE_EXHAUSTED " + perDay + ": daily quota, until midnight Pacific time", classify(200, "[" + geminiError(perDay, "23s") + "]"));
	// Codes that are not an error status, or not a number: nothing.
	for (const char* body : {R"({"error":{"code":"server_error","message":"x"}})", R"({"error":{"code":200}})", R"({"error":{"code":302}})",
			 R"({"error":{"code":600}})", R"({"error":{"code":-429}})", R"({"error":{"code":429.5}})", R"({"error":{"code":"429"}})",
			 R"({"error":{"code":99999999999999999999999}})", R"({"error":{"code":1e400}})", R"({"choices":[{"delta":{"content":"hi"}}]})"})
		CPPUNIT_ASSERT_MESSAGE(body, classify(200, body).kind == Kind::None);
	// Only a 2xx takes the body's status: a 500 stays a 500.
	CPPUNIT_ASSERT(classify(500, R"({"error":{"code":429}})").kind == Kind::None);
}


void UpstreamErrorClassifierTest::testGarbageBodies()
{
	// Whatever the body, a 429 is rate limited for 30 s and a 402 out of credit: the status decides.
	std::string deep;
	for (int i = 0; i < 5000; ++i) deep += "[";
	for (int i = 0; i < 5000; ++i) deep += "]";
	std::string deepInside = R"({"error":{"type":"insufficient_quota","x":)";
	for (int i = 0; i < 40; ++i) deepInside += "[";
	for (int i = 0; i < 40; ++i) deepInside += "]";
	deepInside += "}}";
	const char nulInString[] = "{\"error\":{\"type\":\"insufficient_quota\0\"}}"; // a raw NUL: not JSON
	const std::string withNul(nulInString, sizeof nulInString - 1);
	const std::string bodies[] = {
		"",
		" ",
		"null",
		"true",
		"429",
		"\"insufficient_quota\"",
		"[]",
		"[1,2]",
		"{}",
		"[[]]",
		"[null]",
		"<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center><hr><center>nginx</center></body></html>",
		"insufficient_quota",
		R"({"error":"insufficient_quota"})",
		R"({"error":["insufficient_quota"]})",
		R"({"error":{"type":"insufficient_quota")", // cut off
		R"({"error":{"type":"insufficient_quota"}} trailing)",
		R"({"error":{"type":"insufficient_quota",}})", // not JSON
		"{\"error\":{\"type\":\"insufficient_quota\",\"message\":\"\xff\xfe\"}}", // not UTF-8
		"\xEF\xBB\xBF{\"error\":{\"type\":\"insufficient_quota\"}}", // a BOM
		R"({"error":{"type":["insufficient_quota"],"code":{"a":1},"status":7}})",
		R"({"error":{"status":"RESOURCE_EXHAUSTED","details":"none"}})",
		R"({"error":{"status":"RESOURCE_EXHAUSTED","details":[1,"x",null,{"@type":7},{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":"x"}]}})",
		R"({"error":{"status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[1,{"quotaId":7},{"quotaId":null}]}]}})",
		R"({"error":{"status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":{"seconds":42}}]}})",
		withNul,
		deep,
		deepInside,
	};
	for (const std::string& body : bodies)
	{
		const Verdict verdict = classify(429, body);
		CPPUNIT_ASSERT_MESSAGE(body.substr(0, 100), verdict.kind == Kind::RateLimited);
		CPPUNIT_ASSERT_MESSAGE(body.substr(0, 100), verdict.until == at(seconds(30)));
		CPPUNIT_ASSERT(classify(402, body).kind == Kind::QuotaExhausted);
		CPPUNIT_ASSERT(classify(503, body).kind == Kind::None);
	}
	// Google's status alone is named; without details it is the default wait.
	CHECK_VERDICT(Kind::RateLimited, at(seconds(30)), "HTTP 429 RESOURCE_EXHAUSTED: for 30 s", classify(429, R"({"error":{"status":"RESOURCE_EXHAUSTED"}})"));
}


void UpstreamErrorClassifierTest::testHugeBody()
{
	// Up to maximumBodyRead the body is read; beyond it not (the status decides), however it ends.
	std::string body = openAIQuota;
	body.resize(UpstreamErrorClassifier::maximumBodyRead, ' ');
	CPPUNIT_ASSERT(classify(429, body).kind == Kind::QuotaExhausted);
	body += ' ';
	CHECK_VERDICT(Kind::RateLimited, at(seconds(30)), "HTTP 429: for 30 s", classify(429, body));
	// 10 MB: valid JSON, garbage, and a Gemini error with a 10 MB message.
	std::string padded = openAIQuota;
	padded.resize(10 << 20, ' ');
	CHECK_VERDICT(Kind::RateLimited, at(seconds(30)), "HTTP 429: for 30 s", classify(429, padded));
	const std::string garbage(10 << 20, '\xff');
	CHECK_VERDICT(Kind::RateLimited, at(seconds(30)), "HTTP 429: for 30 s", classify(429, garbage));
	CHECK_VERDICT(Kind::QuotaExhausted, at(quotaCooldown), "HTTP 402: out of credit, for 3600 s", classify(402, garbage));
	std::string gemini = geminiError(perDay, "23s");
	gemini.insert(gemini.find("You exceeded"), std::string(10 << 20, 'x'));
	CHECK_VERDICT(Kind::RateLimited, at(seconds(30)), "HTTP 429: for 30 s", classify(429, gemini));
}


void UpstreamErrorClassifierTest::testQuotaCooldownBounds()
{
	const Poco::Net::NameValueCollection none;
	// Nothing below zero ...
	CHECK_VERDICT(Kind::QuotaExhausted, now, "HTTP 402: out of credit, for 0 s",
		UpstreamErrorClassifier::classify(402, none, "", now, Poco::Timespan(-5, 0)));
	// ... nor beyond the maximum, without overflow.
	const Verdict huge = UpstreamErrorClassifier::classify(402, none, "", now, Poco::Timespan(Poco::Timespan::TimeDiff(9223372036854775807LL)));
	CPPUNIT_ASSERT(huge.until == at(UpstreamErrorClassifier::maximumQuotaCooldown));
	// A Retry-After longer than the setting wins: never back before the upstream said.
	CHECK_VERDICT(Kind::QuotaExhausted, at(Poco::Timespan(1800, 0)), "HTTP 429 insufficient_quota: out of credit, for 1800 s",
		UpstreamErrorClassifier::classify(429, headersOf({{"Retry-After", "1800"}}), openAIQuota, now, Poco::Timespan(600, 0)));
}


void UpstreamErrorClassifierTest::testReasonCarriesNoBodyText()
{
	// Messages may echo a key (OpenAI's "Incorrect API key provided: sk-..."): the reason
	// holds the status and codes from the table, and a quotaId only when it looks like one.
	const std::string secret = "sk-live-0123456789abcdef";
	const std::string bodies[] = {
		R"({"error":{"message":"key )" + secret + R"( is out of quota","type":"insufficient_quota","code":"insufficient_quota"}})",
		R"({"error":{"message":")" + secret + R"(","code":402}})",
		R"({"error":{"message":")" + secret + R"(","type":")" + secret + R"(","code":")" + secret + R"(","status":")" + secret + R"("}})",
		geminiError("GenerateRequestsPerDay " + secret, secret),
		geminiError("GenerateRequestsPerDay/" + secret, "1s"),
		geminiError("PerDay" + std::string(100, 'x'), "1s"),
	};
	for (int status : {401, 402, 403, 429, 500, 200})
	{
		for (const std::string& body : bodies)
		{
			const Verdict verdict = classify(status, body);
			CPPUNIT_ASSERT_MESSAGE(verdict.reason, verdict.reason.find(secret) == std::string::npos);
			CPPUNIT_ASSERT_MESSAGE(verdict.reason, verdict.reason.find("xxxxxxxx") == std::string::npos);
			CPPUNIT_ASSERT_MESSAGE(verdict.reason, verdict.reason.size() < 160);
		}
	}
	// The per-day rule still holds, only the id is left out.
	CHECK_VERDICT(Kind::QuotaExhausted, Poco::DateTime(2025, 6, 2, 7, 0, 0).timestamp(),
		"HTTP 429 RESOURCE_EXHAUSTED: daily quota, until midnight Pacific time", classify(429, geminiError("GenerateRequestsPerDay " + secret, "1s")));
}


void UpstreamErrorClassifierTest::testRandomBodiesNeverCrash()
{
	// Random sequences of the pieces the reader looks for, and random bytes (run under UBSan
	// too): the verdict is always one of the kinds, with an end within its bounds.
	const char* pieces[] = {"{", "}", "[", "]", ":", ",", "\"error\"", "\"code\"", "\"type\"", "\"status\"", "\"details\"",
		"\"@type\"", "\"type.googleapis.com/google.rpc.RetryInfo\"", "\"type.googleapis.com/google.rpc.QuotaFailure\"",
		"\"retryDelay\"", "\"violations\"", "\"quotaId\"", "\"GenerateRequestsPerDay\"", "\"42s\"", "\"-1s\"", "\"99999999999h\"",
		"429", "402", "-1", "1e999", "18446744073709551616", "0.5", "null", "true", "\"insufficient_quota\"", "\"RESOURCE_EXHAUSTED\"",
		" ", "\"\\u0000\"", "\"\\ud800\""};
	Poco::Random random;
	random.seed(402429);
	const Poco::Timestamp latest = at(UpstreamErrorClassifier::maximumQuotaCooldown);
	for (int round = 0; round < 20000; ++round)
	{
		std::string body;
		const int length = static_cast<int>(random.next(60));
		for (int i = 0; i < length; ++i)
		{
			if (round % 4 == 3) body += static_cast<char>(random.next(256));
			else
				body += pieces[random.next(sizeof(pieces) / sizeof(pieces[0]))];
		}
		// Now and then, a well-formed start that the random rest may or may not close.
		if (round % 5 == 0) body = "{\"error\":{\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[" + body;
		const int statuses[] = {200, 401, 402, 403, 429, 500};
		const int status = statuses[random.next(6)];
		const Verdict verdict = classify(status, body);
		if (verdict.kind == Kind::None) CPPUNIT_ASSERT(verdict.until == Poco::Timestamp(0));
		else
			CPPUNIT_ASSERT(verdict.until >= now && verdict.until <= latest);
		CPPUNIT_ASSERT(verdict.reason.compare(0, 5, "HTTP ") == 0);
	}
}

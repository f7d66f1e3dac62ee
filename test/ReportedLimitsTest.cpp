#include "ReportedLimitsTest.h"

#include "ReportedLimits.h"
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Random.h>
#include <initializer_list>
#include <string>
#include <utility>

CPPUNIT_TEST_SUITE_REGISTRATION(ReportedLimitsTest);

using AILoad::ReportedLimits;

namespace {

// Every test reads its answer at this time.
const Poco::Timestamp now = Poco::DateTime(2025, 6, 1, 12, 0, 0).timestamp();
const Poco::Timespan second(1, 0);


Poco::Timespan seconds(int count)
{
	return Poco::Timespan(count, 0);
}

const Poco::Timespan week(7 * 86400, 0);


Poco::Timestamp at(Poco::Timespan fromNow)
{
	return now + fromNow.totalMicroseconds();
}


Poco::Timestamp afterMicros(Poco::Int64 micros)
{
	return now + micros;
}


Poco::Net::NameValueCollection headersOf(std::initializer_list<std::pair<const char*, std::string>> fields)
{
	Poco::Net::NameValueCollection headers;
	for (const auto& field : fields) headers.add(field.first, field.second);
	return headers;
}


ReportedLimits readNow(std::initializer_list<std::pair<const char*, std::string>> fields)
{
	return ReportedLimits::read(headersOf(fields), now);
}


std::string iso(const Poco::Timestamp& time)
{
	return Poco::DateTimeFormatter::format(time, Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}


void checkAt(const Poco::Timestamp& expected, const std::optional<Poco::Timestamp>& actual, const CppUnit::SourceLine& line)
{
	CppUnit::Asserter::failIf(!actual, "expected " + iso(expected) + ", got none", line);
	CppUnit::assertEquals(iso(expected), iso(*actual), line, "");
	CppUnit::assertEquals(expected.epochMicroseconds(), actual->epochMicroseconds(), line, "");
}


void checkCount(Poco::Int64 expected, const std::optional<Poco::Int64>& actual, const CppUnit::SourceLine& line)
{
	CppUnit::Asserter::failIf(!actual, "expected " + std::to_string(expected) + ", got none", line);
	CppUnit::assertEquals(expected, *actual, line, "");
}


void checkSpan(Poco::Int64 expectedMicros, const std::string& text, const CppUnit::SourceLine& line)
{
	const auto span = ReportedLimits::parseDuration(text);
	CppUnit::Asserter::failIf(!span, "\"" + text + "\" was refused", line);
	CppUnit::assertEquals(expectedMicros, span->totalMicroseconds(), line, "\"" + text + "\"");
}

#define CHECK_AT(expected, actual) checkAt(expected, actual, CPPUNIT_SOURCELINE())
#define CHECK_COUNT(expected, actual) checkCount(expected, actual, CPPUNIT_SOURCELINE())
#define CHECK_SPAN(expectedMicros, text) checkSpan(expectedMicros, text, CPPUNIT_SOURCELINE())

std::string epochMillis(const Poco::Timestamp& time)
{
	return std::to_string(time.epochMicroseconds() / 1000);
}

} // namespace


void ReportedLimitsTest::testOpenAIHeaders()
{
	// As OpenAI's "Rate limits" guide shows them.
	const ReportedLimits limits = readNow({
		{"x-ratelimit-limit-requests", "60"},
		{"x-ratelimit-limit-tokens", "150000"},
		{"x-ratelimit-remaining-requests", "59"},
		{"x-ratelimit-remaining-tokens", "149984"},
		{"x-ratelimit-reset-requests", "1s"},
		{"x-ratelimit-reset-tokens", "6m0s"},
	});
	CHECK_COUNT(60, limits.requests().limit);
	CHECK_COUNT(59, limits.requests().remaining);
	CHECK_AT(at(second), limits.requests().reset);
	CHECK_COUNT(150000, limits.tokens().limit);
	CHECK_COUNT(149984, limits.tokens().remaining);
	CHECK_AT(at(Poco::Timespan(360, 0)), limits.tokens().reset);
	CPPUNIT_ASSERT(!limits.retryAfter());
	CPPUNIT_ASSERT(!limits.empty());
	CPPUNIT_ASSERT(!limits.setAsideUntil(now));

	// The last request of the minute: set aside until the requests reset, in milliseconds.
	const ReportedLimits spent = readNow({
		{"x-ratelimit-limit-requests", "500"},
		{"x-ratelimit-remaining-requests", "0"},
		{"x-ratelimit-reset-requests", "120ms"},
		{"x-ratelimit-remaining-tokens", "29000"},
		{"x-ratelimit-reset-tokens", "2ms"},
	});
	CHECK_COUNT(0, spent.requests().remaining);
	CHECK_AT(afterMicros(120000), spent.setAsideUntil(now));
	// A moment later it is over.
	CPPUNIT_ASSERT(!spent.setAsideUntil(afterMicros(120000)));
}


void ReportedLimitsTest::testGroqHeaders()
{
	// Groq's documented example: requests are per day, tokens per minute.
	Poco::Net::HTTPResponse answer(Poco::Net::HTTPResponse::HTTP_OK);
	answer.set("x-ratelimit-limit-requests", "14400");
	answer.set("x-ratelimit-limit-tokens", "18000");
	answer.set("x-ratelimit-remaining-requests", "14370");
	answer.set("x-ratelimit-remaining-tokens", "17997");
	answer.set("x-ratelimit-reset-requests", "2m59.56s");
	answer.set("x-ratelimit-reset-tokens", "7.66s");
	const ReportedLimits limits = ReportedLimits::read(answer, now);
	CHECK_COUNT(14400, limits.requests().limit);
	CHECK_COUNT(14370, limits.requests().remaining);
	CHECK_AT(afterMicros(179560000), limits.requests().reset);
	CHECK_COUNT(18000, limits.tokens().limit);
	CHECK_COUNT(17997, limits.tokens().remaining);
	CHECK_AT(afterMicros(7660000), limits.tokens().reset);
	CPPUNIT_ASSERT(!limits.setAsideUntil(now));

	// Its 429: the tokens of the minute are spent; retry-after says 2 s, the reset 7.66 s.
	Poco::Net::HTTPResponse limited(Poco::Net::HTTPResponse::HTTP_TOO_MANY_REQUESTS);
	limited.set("retry-after", "2");
	limited.set("x-ratelimit-remaining-requests", "14369");
	limited.set("x-ratelimit-remaining-tokens", "0");
	limited.set("x-ratelimit-reset-tokens", "7.66s");
	const ReportedLimits spent = ReportedLimits::read(limited, now);
	CHECK_AT(at(seconds(2)), spent.retryAfter());
	CHECK_AT(afterMicros(7660000), spent.setAsideUntil(now)); // the reset is what it reports for the tokens
}


void ReportedLimitsTest::testCerebrasHeaders()
{
	// Cerebras: requests per day and tokens per minute, resets in seconds with a long fraction.
	const ReportedLimits limits = readNow({
		{"x-ratelimit-limit-requests-day", "14400"},
		{"x-ratelimit-limit-tokens-minute", "60000"},
		{"x-ratelimit-remaining-requests-day", "14397"},
		{"x-ratelimit-remaining-tokens-minute", "0"},
		{"x-ratelimit-reset-requests-day", "33011.382867097855"},
		{"x-ratelimit-reset-tokens-minute", "11.382867097854614"},
	});
	CHECK_COUNT(14400, limits.requests().limit);
	CHECK_COUNT(14397, limits.requests().remaining);
	CHECK_AT(afterMicros(33011382867), limits.requests().reset);
	CHECK_COUNT(60000, limits.tokens().limit);
	CHECK_COUNT(0, limits.tokens().remaining);
	CHECK_AT(afterMicros(11382867), limits.tokens().reset);
	CHECK_AT(afterMicros(11382867), limits.setAsideUntil(now));
}


void ReportedLimitsTest::testOpenRouterHeaders()
{
	// OpenRouter's free models: 20 a minute; the reset in epoch milliseconds; any case.
	Poco::Net::HTTPResponse answer(Poco::Net::HTTPResponse::HTTP_TOO_MANY_REQUESTS);
	answer.set("X-RateLimit-Limit", "20");
	answer.set("X-RateLimit-Remaining", "0");
	answer.set("X-RateLimit-Reset", epochMillis(at(Poco::Timespan(42, 250000))));
	const ReportedLimits limits = ReportedLimits::read(answer, now);
	CHECK_COUNT(20, limits.requests().limit);
	CHECK_COUNT(0, limits.requests().remaining);
	CHECK_AT(afterMicros(42250000), limits.requests().reset);
	CPPUNIT_ASSERT(!limits.tokens().known());
	CHECK_AT(afterMicros(42250000), limits.setAsideUntil(now));

	// Its daily limit of free requests: reset at midnight UTC, 12 hours away; upper case names.
	const ReportedLimits daily = readNow({
		{"X-RATELIMIT-LIMIT", "50"},
		{"X-RATELIMIT-REMAINING", "0"},
		{"X-RATELIMIT-RESET", epochMillis(Poco::DateTime(2025, 6, 2, 0, 0, 0).timestamp())},
	});
	CHECK_AT(at(Poco::Timespan(12 * 3600, 0)), daily.setAsideUntil(now));

	// Requests left: nothing is set aside.
	const ReportedLimits fine = readNow({{"x-ratelimit-limit", "20"}, {"x-ratelimit-remaining", "19"}});
	CHECK_COUNT(19, fine.requests().remaining);
	CPPUNIT_ASSERT(!fine.requests().reset);
	CPPUNIT_ASSERT(!fine.setAsideUntil(now));
}


void ReportedLimitsTest::testResetTimeBySize()
{
	// Below 10^9: seconds from now.
	CHECK_AT(at(seconds(3)), ReportedLimits::parseResetTime("3", now));
	CHECK_AT(afterMicros(1500000), ReportedLimits::parseResetTime("1.5", now));
	CHECK_AT(now, ReportedLimits::parseResetTime("0", now));
	CHECK_AT(at(week), ReportedLimits::parseResetTime("999999999", now)); // 31 years: clamped
	// From 10^9 to 10^11: epoch seconds.
	const Poco::Timestamp soon = at(Poco::Timespan(90, 0));
	CHECK_AT(soon, ReportedLimits::parseResetTime(std::to_string(soon.epochTime()), now));
	CHECK_AT(afterMicros(90500000), ReportedLimits::parseResetTime(std::to_string(soon.epochTime()) + ".5", now));
	// From 10^11: epoch milliseconds.
	CHECK_AT(soon, ReportedLimits::parseResetTime(epochMillis(soon), now));
	CHECK_AT(afterMicros(90123000), ReportedLimits::parseResetTime(std::to_string(soon.epochMicroseconds() / 1000 + 123), now));
	// In the past: already reset (a clock behind ours).
	CHECK_AT(now, ReportedLimits::parseResetTime(std::to_string(now.epochTime() - 5), now));
	CHECK_AT(now, ReportedLimits::parseResetTime(epochMillis(now - 5000000), now));
	CHECK_AT(now, ReportedLimits::parseResetTime("1000000000", now)); // 2001
	// Far off: clamped to a week.
	CHECK_AT(at(week), ReportedLimits::parseResetTime("99999999999", now));
	CHECK_AT(at(week), ReportedLimits::parseResetTime("999999999999999", now));
	CHECK_AT(at(week), ReportedLimits::parseResetTime("18446744073709551616000", now));
	CHECK_AT(at(week), ReportedLimits::parseResetTime(std::string(5000, '9'), now));
	// Not a number.
	for (const char* bad : {"", " ", "-5", "+5", "1e12", "0x10", "soon", "1,5", "1.2.3", "Tue, 03 Jun 2025 10:00:00 GMT", "NaN", "inf", "."})
		CPPUNIT_ASSERT_MESSAGE(bad, !ReportedLimits::parseResetTime(bad, now));
}


void ReportedLimitsTest::testAnthropicHeaders()
{
	// Anthropic: RFC 3339 resets; tokens, input tokens and output tokens all count as tokens.
	const ReportedLimits limits = readNow({
		{"anthropic-ratelimit-requests-limit", "50"},
		{"anthropic-ratelimit-requests-remaining", "49"},
		{"anthropic-ratelimit-requests-reset", "2025-06-01T12:00:30Z"},
		{"anthropic-ratelimit-tokens-limit", "90000"},
		{"anthropic-ratelimit-tokens-remaining", "89000"},
		{"anthropic-ratelimit-tokens-reset", "2025-06-01T12:00:01Z"},
		{"anthropic-ratelimit-input-tokens-limit", "50000"},
		{"anthropic-ratelimit-input-tokens-remaining", "49500"},
		{"anthropic-ratelimit-input-tokens-reset", "2025-06-01T12:00:01.5Z"},
		{"anthropic-ratelimit-output-tokens-limit", "10000"},
		{"anthropic-ratelimit-output-tokens-remaining", "9000"},
		{"anthropic-ratelimit-output-tokens-reset", "2025-06-01T14:00:06+02:00"},
		{"request-id", "req_018EeWyXxfu5pfWkrYcMdjWG"},
	});
	CHECK_COUNT(50, limits.requests().limit);
	CHECK_COUNT(49, limits.requests().remaining);
	CHECK_AT(at(seconds(30)), limits.requests().reset);
	// The output tokens are closest to their limit (9000 left): that window is kept.
	CHECK_COUNT(10000, limits.tokens().limit);
	CHECK_COUNT(9000, limits.tokens().remaining);
	CHECK_AT(at(seconds(6)), limits.tokens().reset);
	CPPUNIT_ASSERT(!limits.setAsideUntil(now));

	// Its 429: no requests left until the reset; retry-after too.
	const ReportedLimits spent = readNow({
		{"anthropic-ratelimit-requests-limit", "50"},
		{"anthropic-ratelimit-requests-remaining", "0"},
		{"anthropic-ratelimit-requests-reset", "2025-06-01T12:00:25.250Z"},
		{"anthropic-ratelimit-input-tokens-remaining", "0"},
		{"anthropic-ratelimit-input-tokens-reset", "2025-06-01T12:00:10Z"},
		{"retry-after", "25"},
	});
	CHECK_AT(at(seconds(25)), spent.retryAfter());
	CHECK_AT(afterMicros(10000000), spent.tokens().reset);
	// Both are at 0: set aside until the later reset.
	CHECK_AT(afterMicros(25250000), spent.setAsideUntil(now));
}


void ReportedLimitsTest::testGoDurations()
{
	CHECK_SPAN(1000000, "1s");
	CHECK_SPAN(360000000, "6m0s");
	CHECK_SPAN(20000, "20ms");
	CHECK_SPAN(3723500000, "1h2m3.5s");
	CHECK_SPAN(500000, "0.5s");
	CHECK_SPAN(179560000, "2m59.56s");
	CHECK_SPAN(7660000, "7.66s");
	CHECK_SPAN(0, "0");
	CHECK_SPAN(0, "0s");
	CHECK_SPAN(3600000000, "1h");
	CHECK_SPAN(1, "1us");
	CHECK_SPAN(1, "1\xC2\xB5s"); // micro sign
	CHECK_SPAN(1, "1\xCE\xBCs"); // Greek mu
	CHECK_SPAN(1, "1500ns"); // below a microsecond is dropped
	CHECK_SPAN(0, "999ns");
	CHECK_SPAN(1500, "1.5ms");
	CHECK_SPAN(500000, ".5s");
	CHECK_SPAN(5000000, "5.s");
	CHECK_SPAN(3000000, "+3s");
	CHECK_SPAN(5400000000, "1.5h");
	CHECK_SPAN(61000000, "1m1s");
	CHECK_SPAN(1000000, " 1s ");
	CHECK_SPAN(1000001, "1.0000019s"); // digits beyond a microsecond are dropped
	// Google's JSON durations.
	CHECK_SPAN(42000000, "42s");
	CHECK_SPAN(1500000, "1.5s");
	CHECK_SPAN(1, "0.000001s");
	// A bare number is seconds (Cerebras).
	CHECK_SPAN(33011382867, "33011.382867097855");
	CHECK_SPAN(60000000, "60");
	// Beyond 100 years: 100 years, without overflow (Go's own maximum is 292 years).
	const Poco::Int64 century = Poco::Int64(36524) * 86400 * 1000000;
	CHECK_SPAN(century, "2562047h47m16.854775807s");
	CHECK_SPAN(century, "99999999999999999999999999h");
	CHECK_SPAN(century, "9223372036854775807s");
	CHECK_SPAN(century, "9223372036854775807");
	CHECK_SPAN(century, "876000h876000h876000h");
	CHECK_SPAN(century, std::string(10000, '9') + "h");
	for (const char* bad : {"", " ", "-1s", "-0", "1x", "1h30", "s", "h1", "1..5s", "1.5.5s", "abc", "1 s", "1e3s", "NaN", "inf",
			 "1S", "1H", "1sec", "1d", "++1s", "1s-", ".s", ".", "1m-1s", "\xC2\xB5s"})
		CPPUNIT_ASSERT_MESSAGE(bad, !ReportedLimits::parseDuration(bad));
	CPPUNIT_ASSERT(!ReportedLimits::parseDuration(std::string("1s\0", 3)));
}


void ReportedLimitsTest::testRfc3339Times()
{
	const Poco::Timestamp noon = Poco::DateTime(2024, 6, 1, 12, 0, 30).timestamp();
	CHECK_AT(noon, ReportedLimits::parseRfc3339("2024-06-01T12:00:30Z"));
	CHECK_AT(noon, ReportedLimits::parseRfc3339("2024-06-01t12:00:30z"));
	CHECK_AT(noon, ReportedLimits::parseRfc3339("2024-06-01 12:00:30Z"));
	CHECK_AT(noon, ReportedLimits::parseRfc3339("2024-06-01T14:00:30+02:00"));
	CHECK_AT(noon, ReportedLimits::parseRfc3339("2024-06-01T04:00:30-08:00"));
	CHECK_AT(noon, ReportedLimits::parseRfc3339("2024-06-01T17:30:30+05:30"));
	CHECK_AT(noon, ReportedLimits::parseRfc3339("2024-06-01T12:00:30+00:00"));
	CHECK_AT(noon, ReportedLimits::parseRfc3339("2024-06-01T12:00:30-00:00"));
	CHECK_AT(noon, ReportedLimits::parseRfc3339("2024-06-02T00:00:30+12:00")); // a day later there
	CHECK_AT(noon + 500000, ReportedLimits::parseRfc3339("2024-06-01T12:00:30.5Z"));
	CHECK_AT(noon + 123456, ReportedLimits::parseRfc3339("2024-06-01T12:00:30.123456789Z"));
	CHECK_AT(noon + 1, ReportedLimits::parseRfc3339("2024-06-01T12:00:30.000001Z"));
	// A leap second reads as the start of the next.
	CHECK_AT(Poco::DateTime(2017, 1, 1, 0, 0, 0).timestamp(), ReportedLimits::parseRfc3339("2016-12-31T23:59:60Z"));
	CHECK_AT(Poco::DateTime(2024, 2, 29, 0, 0, 0).timestamp(), ReportedLimits::parseRfc3339("2024-02-29T00:00:00Z"));
	CHECK_AT(Poco::DateTime(9999, 12, 31, 23, 59, 59).timestamp(), ReportedLimits::parseRfc3339("9999-12-31T23:59:59Z"));
	CHECK_AT(Poco::DateTime(1970, 1, 1, 0, 0, 0).timestamp(), ReportedLimits::parseRfc3339("1970-01-01T00:00:00Z"));
	CPPUNIT_ASSERT(ReportedLimits::parseRfc3339("0000-01-01T00:00:00Z"));
	for (const char* bad : {"", "garbage", "2024-06-01", "2024-06-01T12:00:30", "2024-06-01T12:00Z", "2024-06-01T12:00:30+0200",
			 "2024-06-01T12:00:30+02", "2024-06-01T12:00:30.Z", "2024-06-01T12:00:30ZZ", "2024-06-01T12:00:30Z ago",
			 "2025-02-29T00:00:00Z", "2024-02-30T00:00:00Z", "2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z", "2024-06-00T00:00:00Z",
			 "2024-06-01T24:00:00Z", "2024-06-01T12:60:00Z", "2024-06-01T12:00:61Z", "2024-06-01T12:00:30+24:00",
			 "2024-06-01T12:00:30+02:60", "12024-06-01T00:00:00Z", "-2024-06-01T00:00:00Z", "+2024-06-01T00:00:00Z",
			 "2024/06/01T12:00:30Z", "2024-06-01X12:00:30Z", "2024-6-1T12:00:30Z", "2024-06-01T1:00:30Z", "Sat, 01 Jun 2024 12:00:30 GMT",
			 "1717243230", "2024-06-01T12:00:30.+02:00", "2024-06-01T12:00:30 Z"})
		CPPUNIT_ASSERT_MESSAGE(bad, !ReportedLimits::parseRfc3339(bad));
	CPPUNIT_ASSERT(!ReportedLimits::parseRfc3339(std::string("2024-06-01T12:00:30Z\0", 21)));
}


void ReportedLimitsTest::testRetryAfter()
{
	// Seconds.
	CHECK_AT(at(seconds(20)), readNow({{"Retry-After", "20"}}).retryAfter());
	// An HTTP date.
	const std::string date = Poco::DateTimeFormatter::format(at(seconds(45)), Poco::DateTimeFormat::HTTP_FORMAT);
	CHECK_AT(at(seconds(45)), readNow({{"Retry-After", date}}).retryAfter());
	// retry-after-ms wins: it is the precise one.
	const ReportedLimits both = readNow({{"retry-after", "2"}, {"retry-after-ms", "1500"}});
	CHECK_AT(afterMicros(1500000), both.retryAfter());
	CHECK_AT(afterMicros(12500), readNow({{"retry-after-ms", "12.5"}}).retryAfter());
	CHECK_AT(now, readNow({{"retry-after-ms", "0"}}).retryAfter());
	// One that cannot be read leaves the other.
	CHECK_AT(at(seconds(2)), readNow({{"retry-after", "2"}, {"retry-after-ms", "soon"}}).retryAfter());
	// At most an hour.
	const Poco::Timespan hour(3600, 0);
	CHECK_AT(at(hour), readNow({{"Retry-After", "86400"}}).retryAfter());
	CHECK_AT(at(hour), readNow({{"retry-after-ms", "86400000"}}).retryAfter());
	CHECK_AT(at(hour), readNow({{"retry-after-ms", std::string(400, '9')}}).retryAfter());
	// A date in the past: now.
	const std::string past = Poco::DateTimeFormatter::format(now - 3600000000LL, Poco::DateTimeFormat::HTTP_FORMAT);
	CHECK_AT(now, readNow({{"Retry-After", past}}).retryAfter());
	// Unreadable: none.
	for (const char* bad : {"", "-3", "soon", "1e3", "0x10", "3 seconds"})
	{
		CPPUNIT_ASSERT_MESSAGE(bad, !readNow({{"Retry-After", bad}}).retryAfter());
		CPPUNIT_ASSERT_MESSAGE(bad, !readNow({{"retry-after-ms", bad}}).retryAfter());
	}
	// Huge values are the maximum, in seconds as in milliseconds; a sign is not delta-seconds.
	CHECK_AT(at(hour), readNow({{"Retry-After", "99999999999999999999"}}).retryAfter());
	CPPUNIT_ASSERT(!readNow({{"Retry-After", "+5"}}).retryAfter());
	CHECK_AT(at(hour), readNow({{"retry-after-ms", "99999999999999999999"}}).retryAfter());
	const ReportedLimits none = readNow({{"Content-Type", "application/json"}});
	CPPUNIT_ASSERT(none.empty());
	CPPUNIT_ASSERT(!none.retryAfter());
	CPPUNIT_ASSERT(!none.setAsideUntil(now));
}


void ReportedLimitsTest::testSetAside()
{
	// No requests left and no reset given: the Retry-After says until when ...
	CHECK_AT(at(seconds(15)), readNow({{"x-ratelimit-remaining-requests", "0"}, {"Retry-After", "15"}}).setAsideUntil(now));
	// ... else the default.
	CHECK_AT(at(ReportedLimits::defaultSetAside), readNow({{"x-ratelimit-remaining-requests", "0"}}).setAsideUntil(now));
	CHECK_AT(at(ReportedLimits::defaultSetAside), readNow({{"anthropic-ratelimit-tokens-remaining", "0"}}).setAsideUntil(now));
	// A reset that cannot be read is none.
	CHECK_AT(at(ReportedLimits::defaultSetAside),
		readNow({{"x-ratelimit-remaining-tokens", "0"}, {"x-ratelimit-reset-tokens", "later"}}).setAsideUntil(now));
	// A reset given wins over the Retry-After.
	CHECK_AT(at(seconds(5)),
		readNow({{"x-ratelimit-remaining-tokens", "0"}, {"x-ratelimit-reset-tokens", "5s"}, {"Retry-After", "15"}}).setAsideUntil(now));
	// Requests and tokens both at 0: the later reset.
	const ReportedLimits both = readNow({
		{"x-ratelimit-remaining-requests", "0"},
		{"x-ratelimit-reset-requests", "1m30s"},
		{"x-ratelimit-remaining-tokens", "0"},
		{"x-ratelimit-reset-tokens", "10s"},
	});
	CHECK_AT(at(seconds(90)), both.setAsideUntil(now));
	// One left, or a reset that has already passed: not set aside.
	CPPUNIT_ASSERT(!readNow({{"x-ratelimit-remaining-requests", "1"}, {"x-ratelimit-reset-requests", "1m"}}).setAsideUntil(now));
	CPPUNIT_ASSERT(!readNow({{"x-ratelimit-remaining-requests", "0"}, {"x-ratelimit-reset-requests", "0s"}}).setAsideUntil(now));
	const ReportedLimits passed = readNow({
		{"anthropic-ratelimit-requests-remaining", "0"},
		{"anthropic-ratelimit-requests-reset", "2025-06-01T11:59:00Z"},
	});
	CPPUNIT_ASSERT(!passed.setAsideUntil(now));
	// Retry-After alone (on a 503, say) sets nothing aside: only a count at 0 does.
	CPPUNIT_ASSERT(!readNow({{"Retry-After", "15"}}).setAsideUntil(now));
	// Asked later, the same reading ends at the same time.
	const ReportedLimits spent = readNow({{"x-ratelimit-remaining-requests", "0"}, {"x-ratelimit-reset-requests", "30s"}});
	CHECK_AT(at(seconds(30)), spent.setAsideUntil(at(seconds(10))));
	CPPUNIT_ASSERT(!spent.setAsideUntil(at(seconds(30))));
}


void ReportedLimitsTest::testClosestToLimitIsKept()
{
	// OpenAI's and OpenRouter's request headers on one answer (a proxy in between): the least left.
	const ReportedLimits mixed = readNow({
		{"x-ratelimit-limit-requests", "500"},
		{"x-ratelimit-remaining-requests", "499"},
		{"x-ratelimit-reset-requests", "120ms"},
		{"x-ratelimit-limit", "20"},
		{"x-ratelimit-remaining", "3"},
		{"x-ratelimit-reset", "30"},
	});
	CHECK_COUNT(20, mixed.requests().limit);
	CHECK_COUNT(3, mixed.requests().remaining);
	CHECK_AT(at(seconds(30)), mixed.requests().reset);
	// As many left: the later reset.
	const ReportedLimits tie = readNow({
		{"anthropic-ratelimit-input-tokens-remaining", "0"},
		{"anthropic-ratelimit-input-tokens-reset", "2025-06-01T12:00:05Z"},
		{"anthropic-ratelimit-output-tokens-remaining", "0"},
		{"anthropic-ratelimit-output-tokens-reset", "2025-06-01T12:00:40Z"},
	});
	CHECK_AT(at(seconds(40)), tie.tokens().reset);
	// A window with a remaining beats one with only a limit.
	const ReportedLimits partial = readNow({
		{"anthropic-ratelimit-tokens-limit", "90000"},
		{"anthropic-ratelimit-output-tokens-remaining", "7"},
	});
	CHECK_COUNT(7, partial.tokens().remaining);
	CPPUNIT_ASSERT(!partial.tokens().limit);
}


void ReportedLimitsTest::testHostileValues()
{
	// Counts that are not plain digits are as if absent.
	for (const char* bad : {"-1", "1e3", "0x10", "+5", "5.0", "１２", "12abc", "", "1 000", "9999999999999999", "99999999999999999999"})
	{
		const ReportedLimits limits = readNow({{"x-ratelimit-remaining-requests", bad}, {"x-ratelimit-limit-requests", bad}});
		CPPUNIT_ASSERT_MESSAGE(bad, !limits.requests().remaining);
		CPPUNIT_ASSERT_MESSAGE(bad, !limits.requests().limit);
		CPPUNIT_ASSERT_MESSAGE(bad, !limits.setAsideUntil(now));
	}
	// A header that comes twice: the first counts, as for NameValueCollection::get().
	const ReportedLimits twice = ReportedLimits::read(headersOf({{"x-ratelimit-remaining-requests", "5"}, {"X-RateLimit-Remaining-Requests", "0"},
														  {"Retry-After", "7"}, {"retry-after", "9"}}),
		now);
	CHECK_COUNT(5, twice.requests().remaining);
	CHECK_AT(at(seconds(7)), twice.retryAfter());
	CHECK_COUNT(7, ReportedLimits::parseCount(" 7 "));
	CHECK_COUNT(999999999999999, ReportedLimits::parseCount("999999999999999"));
	CHECK_COUNT(0, ReportedLimits::parseCount("000"));
	CPPUNIT_ASSERT(!ReportedLimits::parseCount(std::string("7\0", 2)));

	// Resets far away are clamped to a week; in the past, now.
	const ReportedLimits far = readNow({
		{"x-ratelimit-remaining-requests", "0"},
		{"x-ratelimit-reset-requests", "99999999h"},
		{"anthropic-ratelimit-tokens-remaining", "0"},
		{"anthropic-ratelimit-tokens-reset", "9999-12-31T23:59:59Z"},
	});
	CHECK_AT(at(week), far.requests().reset);
	CHECK_AT(at(week), far.tokens().reset);
	CHECK_AT(at(week), far.setAsideUntil(now));
	CHECK_AT(now, readNow({{"anthropic-ratelimit-tokens-reset", "0000-01-01T00:00:00Z"}}).tokens().reset);
	// "1e400" is refused: the default applies.
	CHECK_AT(at(ReportedLimits::defaultSetAside), readNow({{"x-ratelimit-reset", "1e400"}, {"x-ratelimit-remaining", "0"}}).setAsideUntil(now));

	// Negative or garbage resets are none.
	for (const char* bad : {"-5s", "-1", "soon", "1h30", "\xff\xfe", "2025-06-01T12:00:30", "NaN"})
	{
		const ReportedLimits limits = ReportedLimits::read(headersOf({{"x-ratelimit-reset-requests", bad}, {"x-ratelimit-reset", bad},
															   {"anthropic-ratelimit-requests-reset", bad}}),
			now);
		CPPUNIT_ASSERT_MESSAGE(bad, !limits.requests().reset);
	}

	// A megabyte of digits in every header: clamped or refused, quickly.
	const std::string huge(1 << 20, '9');
	Poco::Net::NameValueCollection all;
	for (const char* name : {"x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
			 "x-ratelimit-reset-tokens", "x-ratelimit-reset", "anthropic-ratelimit-requests-reset", "retry-after", "retry-after-ms"})
		all.add(name, huge);
	const ReportedLimits big = ReportedLimits::read(all, now);
	CPPUNIT_ASSERT(!big.requests().remaining);
	CHECK_AT(at(week), big.requests().reset);
	CHECK_AT(at(Poco::Timespan(3600, 0)), big.retryAfter());

	// A clock far off either way: no overflow.
	for (const Poco::Timestamp& when : {Poco::Timestamp(0), Poco::DateTime(9000, 1, 1).timestamp()})
	{
		const ReportedLimits limits = ReportedLimits::read(headersOf({{"x-ratelimit-remaining-requests", "0"},
															   {"x-ratelimit-reset-requests", "1h"}, {"x-ratelimit-reset", "1717243230000"}, {"retry-after-ms", "5"}}),
			when);
		CPPUNIT_ASSERT(limits.setAsideUntil(when));
	}
}


void ReportedLimitsTest::testRandomValuesNeverCrash()
{
	// Random bytes, and random mixes of the characters the parsers look at, in every header
	// read: whatever comes out lies within its bounds (run under UBSan too).
	Poco::Random random;
	random.seed(20250601);
	const std::string alphabet = "0123456789.:+-TZtzhmsun\xC2\xB5\xCE\xBC \t\xff";
	const char* names[] = {"x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
		"x-ratelimit-reset-tokens-minute", "x-ratelimit-reset", "x-ratelimit-remaining", "anthropic-ratelimit-requests-reset",
		"anthropic-ratelimit-output-tokens-reset", "anthropic-ratelimit-tokens-remaining", "retry-after", "retry-after-ms"};
	for (int round = 0; round < 20000; ++round)
	{
		Poco::Net::NameValueCollection headers;
		for (const char* name : names)
		{
			std::string value;
			const int length = static_cast<int>(random.next(40));
			for (int i = 0; i < length; ++i)
				value += round % 2 ? static_cast<char>(random.next(256)) : alphabet[random.next(static_cast<Poco::UInt32>(alphabet.size()))];
			headers.add(name, value);
		}
		const ReportedLimits limits = ReportedLimits::read(headers, now);
		for (const ReportedLimits::Window* window : {&limits.requests(), &limits.tokens()})
		{
			if (window->reset) CPPUNIT_ASSERT(*window->reset >= now && *window->reset <= at(week));
			if (window->remaining) CPPUNIT_ASSERT(*window->remaining >= 0);
		}
		if (limits.retryAfter()) CPPUNIT_ASSERT(*limits.retryAfter() >= now && *limits.retryAfter() <= at(Poco::Timespan(3600, 0)));
		if (const auto until = limits.setAsideUntil(now)) CPPUNIT_ASSERT(*until > now && *until <= at(week));
	}
}

#include "UpstreamRegistryTest.h"

#include "UpstreamRegistry.h"
#include "AILoad/ManualClock.h"
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <string>

CPPUNIT_TEST_SUITE_REGISTRATION(UpstreamRegistryTest);

namespace CppUnit {

template <>
struct assertion_traits<Poco::Timespan>
	/// So that CPPUNIT_ASSERT_EQUAL compares spans of time and says what they were.
{
	static bool equal(const Poco::Timespan& a, const Poco::Timespan& b)
	{
		return a == b;
	}

	static std::string toString(const Poco::Timespan& span)
	{
		return std::to_string(span.totalMicroseconds()) + " us";
	}
};


template <>
struct assertion_traits<Poco::Timestamp>
{
	static bool equal(const Poco::Timestamp& a, const Poco::Timestamp& b)
	{
		return a == b;
	}

	static std::string toString(const Poco::Timestamp& at)
	{
		return std::to_string(at.epochMicroseconds()) + " us after the epoch";
	}
};

} // namespace CppUnit

using AILoad::AttemptOutcome;
using AILoad::Cooldown;
using AILoad::ManualClock;
using AILoad::TokenUsage;
using AILoad::UpstreamConfig;
using AILoad::UpstreamState;

namespace {

const Poco::Timespan quotaCooldown(3600, 0);


void answered(UpstreamState& state, int status, const std::string& retryAfter)
	/// As the request path tells it an error answer with this Retry-After and no body.
{
	Poco::Net::NameValueCollection headers;
	if (!retryAfter.empty()) headers.set("Retry-After", retryAfter);
	state.refused(status, headers, "", quotaCooldown);
}

const Poco::Timespan second(1, 0);


UpstreamConfig limited(const std::string& name, std::optional<int> rpm, std::optional<int> rpd)
{
	UpstreamConfig upstream;
	upstream.name = name;
	upstream.rpm = rpm;
	upstream.rpd = rpd;
	return upstream;
}


AILoad::GatewayConfig configOf(const std::vector<std::string>& names)
{
	AILoad::GatewayConfig config;
	for (const std::string& name : names) config.upstreams.push_back(limited(name, std::nullopt, std::nullopt));
	return config;
}

} // namespace


void UpstreamRegistryTest::testCooldownReasonsAndEnds()
{
	ManualClock clock;
	const Poco::Timestamp start = clock.now();
	UpstreamState state("a", clock);
	const UpstreamConfig a = limited("a", std::nullopt, std::nullopt);
	CPPUNIT_ASSERT(state.snapshot(a).cooldown == Cooldown::Reason::None);
	CPPUNIT_ASSERT_EQUAL(Poco::Timestamp(0), state.snapshot(a).cooldownEnd);

	answered(state, 429, "120");
	UpstreamState::Snapshot snapshot = state.snapshot(a);
	CPPUNIT_ASSERT(snapshot.cooldown == Cooldown::Reason::RateLimited);
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(120, 0), snapshot.coolingFor);
	CPPUNIT_ASSERT_EQUAL(start + Poco::Timespan(120, 0).totalMicroseconds(), snapshot.cooldownEnd);

	// A bad key cools down longer (10 minutes): it replaces the rate limit ...
	clock.advance(Poco::Timespan(20, 0));
	answered(state, 401, "");
	CPPUNIT_ASSERT(state.snapshot(a).cooldown == Cooldown::Reason::BadKey);
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(600, 0), state.coolingFor());
	// ... and a shorter one never cuts it short.
	answered(state, 429, "5");
	CPPUNIT_ASSERT(state.snapshot(a).cooldown == Cooldown::Reason::BadKey);
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(600, 0), state.coolingFor());

	clock.advance(Poco::Timespan(599, 0));
	CPPUNIT_ASSERT_EQUAL(second, state.coolingFor());
	clock.advance(second);
	snapshot = state.snapshot(a);
	CPPUNIT_ASSERT(snapshot.cooldown == Cooldown::Reason::None);
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(0), snapshot.coolingFor);
	CPPUNIT_ASSERT_EQUAL(start + Poco::Timespan(620, 0).totalMicroseconds(), snapshot.cooldownEnd); // when the last one ended
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(0), state.busyFor(a));
}


void UpstreamRegistryTest::testFailuresInARowDouble()
{
	ManualClock clock;
	UpstreamState state("x", clock);
	const UpstreamConfig x = limited("x", std::nullopt, std::nullopt);
	state.failed();
	state.timedOut();
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(0), state.coolingFor());
	CPPUNIT_ASSERT_EQUAL(2, state.snapshot(x).consecutiveFailures);
	// Timeouts, failures and bodies cut off all count; each cooldown starts at the failure.
	const int expected[] = {10, 20, 40, 80, 160, 300, 300};
	int failure = 0;
	for (int duration : expected)
	{
		if (failure++ % 2) state.brokeOff();
		else
			state.failed();
		CPPUNIT_ASSERT(state.snapshot(x).cooldown == Cooldown::Reason::Failing);
		CPPUNIT_ASSERT_EQUAL(Poco::Timespan(duration, 0), state.coolingFor());
		clock.advance(Poco::Timespan(duration, 0));
		CPPUNIT_ASSERT_EQUAL(Poco::Timespan(0), state.coolingFor());
	}
	// A success ends the run, but not a cooldown that is running.
	state.failed();
	state.succeeded();
	CPPUNIT_ASSERT_EQUAL(0, state.snapshot(x).consecutiveFailures);
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(300, 0), state.coolingFor());
	state.failed();
	CPPUNIT_ASSERT_EQUAL(1, state.snapshot(x).consecutiveFailures);
}


void UpstreamRegistryTest::testRetryAfterValues()
{
	ManualClock clock;
	const Poco::Timestamp now = clock.now();
	CPPUNIT_ASSERT_EQUAL(7, Cooldown::parseRetryAfter("7", now).totalSeconds());
	CPPUNIT_ASSERT_EQUAL(3600, Cooldown::parseRetryAfter("86400", now).totalSeconds());
	CPPUNIT_ASSERT(Cooldown::parseRetryAfter("", now) < 0);
	CPPUNIT_ASSERT(Cooldown::parseRetryAfter("soon", now) < 0);
	CPPUNIT_ASSERT(Cooldown::parseRetryAfter("-3", now) < 0);
	const std::string date = Poco::DateTimeFormatter::format(now + Poco::Timespan(45, 0).totalMicroseconds(), Poco::DateTimeFormat::HTTP_FORMAT);
	const Poco::Timespan parsed = Cooldown::parseRetryAfter(date, now);
	CPPUNIT_ASSERT(parsed > Poco::Timespan(44, 0) && parsed <= Poco::Timespan(45, 0));

	// As the state takes them: an HTTP date counts from the state's clock; none gives 30 s; at most an hour.
	UpstreamState dated("d", clock), bare("b", clock), huge("h", clock);
	answered(dated, 429, date);
	answered(bare, 429, "");
	answered(huge, 429, "100000");
	CPPUNIT_ASSERT(dated.coolingFor() > Poco::Timespan(44, 0) && dated.coolingFor() <= Poco::Timespan(45, 0));
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(30, 0), bare.coolingFor());
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(3600, 0), huge.coolingFor());
}


void UpstreamRegistryTest::testWindowsSlide()
{
	ManualClock clock;
	UpstreamState state("a", clock);
	const UpstreamConfig perMinute = limited("a", 3, std::nullopt);
	for (int i = 0; i < 3; ++i)
	{
		CPPUNIT_ASSERT(state.tryAcquire(perMinute));
		clock.advance(Poco::Timespan(10, 0));
	}
	// Sent at 0, 10 and 20 s; now 30 s: the first leaves the window at 60 s.
	CPPUNIT_ASSERT(!state.tryAcquire(perMinute));
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(30, 0), state.limitedFor(perMinute));
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(30, 0), state.busyFor(perMinute));
	CPPUNIT_ASSERT_EQUAL(3, state.snapshot(perMinute).sentInLastMinute);
	clock.advance(Poco::Timespan(29, 0));
	CPPUNIT_ASSERT_EQUAL(second, state.limitedFor(perMinute));
	clock.advance(second);
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(0), state.limitedFor(perMinute));
	CPPUNIT_ASSERT(state.tryAcquire(perMinute)); // the slot of the request at 0 s
	CPPUNIT_ASSERT(!state.tryAcquire(perMinute));
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(10, 0), state.limitedFor(perMinute)); // the one at 10 s leaves next

	// A reload that raises the limit applies to the requests already counted; none: no limit.
	CPPUNIT_ASSERT(state.tryAcquire(limited("a", 4, std::nullopt)));
	CPPUNIT_ASSERT(state.tryAcquire(limited("a", std::nullopt, std::nullopt)));

	UpstreamState daily("d", clock);
	const UpstreamConfig perDay = limited("d", std::nullopt, 2);
	CPPUNIT_ASSERT(daily.tryAcquire(perDay));
	clock.advance(Poco::Timespan(3600, 0));
	CPPUNIT_ASSERT(daily.tryAcquire(perDay));
	CPPUNIT_ASSERT(!daily.tryAcquire(perDay));
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(86400 - 3600, 0), daily.limitedFor(perDay));
	clock.advance(Poco::Timespan(86400 - 3600, 0));
	CPPUNIT_ASSERT(daily.tryAcquire(perDay));
}


void UpstreamRegistryTest::testCountersByOutcome()
{
	ManualClock clock(Poco::Timestamp::fromEpochTime(1767229200)); // 2026-01-01 01:00 UTC: the day does not end in the test
	UpstreamState state("a", clock);
	TokenUsage usage;
	usage.prompt = 5;
	usage.completion = 7;
	state.attemptEnded(AttemptOutcome::Ok, Poco::Timespan(0, 200000), usage);
	state.attemptEnded(AttemptOutcome::Ok, Poco::Timespan(0, 100000), usage);
	state.answered(Poco::Timespan(0, 700000));
	state.attemptEnded(AttemptOutcome::StreamBroken, Poco::Timespan(0, 300000), TokenUsage());
	state.attemptEnded(AttemptOutcome::RateLimited, Poco::Timespan(0, 1000), TokenUsage());
	state.failedOver(AttemptOutcome::RateLimited);
	state.attemptEnded(AttemptOutcome::Timeout, -1, TokenUsage());
	clock.advance(Poco::Timespan(61, 0));
	state.attemptEnded(AttemptOutcome::ConnectError, -1, TokenUsage());

	const UpstreamState::Snapshot snapshot = state.snapshot(limited("a", std::nullopt, std::nullopt));
	const UpstreamState::Counters& counters = snapshot.counters;
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(2), counters.attempts[static_cast<std::size_t>(AttemptOutcome::Ok)]);
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(1), counters.attempts[static_cast<std::size_t>(AttemptOutcome::StreamBroken)]);
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(1), counters.attempts[static_cast<std::size_t>(AttemptOutcome::Timeout)]);
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(1), counters.failovers[static_cast<std::size_t>(AttemptOutcome::RateLimited)]);
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(0), counters.failovers[static_cast<std::size_t>(AttemptOutcome::Ok)]);
	// First bytes: 1 ms, 100 ms, 200 ms, 300 ms; the le="0.25" bucket holds three.
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(4), counters.firstByte.count());
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(3), counters.firstByte.cumulative(5));
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(1), counters.duration.count());
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(0), counters.duration.cumulative(5));
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(1), counters.duration.cumulative(7));
	// Only the attempt after the minute passed is in the last minute.
	CPPUNIT_ASSERT_EQUAL(1, snapshot.attemptsLastMinute);
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(6), snapshot.today.attempts);
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(4), snapshot.today.failures);
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(10), snapshot.today.promptTokens);
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(14), snapshot.today.completionTokens);
	CPPUNIT_ASSERT(snapshot.recentFirstByteMs > 1 && snapshot.recentFirstByteMs < 300);
	clock.advance(Poco::Timespan(86400, 0));
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(0), state.snapshot(limited("a", std::nullopt, std::nullopt)).today.attempts);
}


void UpstreamRegistryTest::testSyncKeepsNamesThatStay()
{
	ManualClock clock;
	AILoad::UpstreamRegistry registry(clock);
	CPPUNIT_ASSERT(!registry.find("a"));
	registry.sync(configOf({"a", "b"}));
	CPPUNIT_ASSERT((registry.names() == std::vector<std::string>{"a", "b"}));
	const UpstreamState::Ptr a = registry.find("a");
	answered(*a, 429, "60");
	CPPUNIT_ASSERT(registry.find("b")->tryAcquire(limited("b", 1, std::nullopt)));

	// b leaves and c comes: a keeps its state (the same object), b's is dropped.
	registry.sync(configOf({"c", "a"}));
	CPPUNIT_ASSERT((registry.names() == std::vector<std::string>{"a", "c"}));
	CPPUNIT_ASSERT(registry.find("a") == a);
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(60, 0), registry.find("a")->coolingFor());
	CPPUNIT_ASSERT(!registry.find("b"));

	// A request still on the config before reports about b to a state nobody keeps.
	const UpstreamState::Ptr detached = registry.of("b");
	CPPUNIT_ASSERT(detached);
	answered(*detached, 401, "");
	CPPUNIT_ASSERT(!registry.find("b"));
	CPPUNIT_ASSERT(registry.of("b") != detached);

	// b back: afresh, with its window empty.
	registry.sync(configOf({"a", "b", "c"}));
	CPPUNIT_ASSERT(registry.find("b")->tryAcquire(limited("b", 1, std::nullopt)));
	CPPUNIT_ASSERT_EQUAL(Poco::Timespan(0), registry.find("b")->coolingFor());
	CPPUNIT_ASSERT(registry.find("a") == a);
}

#include "IpAffinityStrategyTest.h"
#include <cppunit/extensions/HelperMacros.h>

#include "CandidateSet.h"
#include "GatewayFixture.h"
#include "IpAffinityStrategy.h"
#include "MockUpstream.h"
#include "RoundRobinStrategy.h"
#include "UpstreamTally.h"
#include "AILoad/ManualClock.h"
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <malloc.h>
#include <map>
#include <memory>
#include <set>

using namespace AILoad::Test;

namespace {

class ThreeUpstreams
	/// Mock upstreams a, b and c, and the models[] entries for them.
{
public:
	ThreeUpstreams()
	{
		for (MockUpstream* mock : all()) mock->start();
	}

	std::string config(const std::string& settings = "", const std::string& disabled = "") const
	{
		std::string models;
		for (const MockUpstream* mock : all())
			models += (models.empty() ? "" : ",") + GatewayFixture::modelEntry(mock->name(), mock->apiBase(), mock->name() == disabled ? "\"enabled\": false" : "");
		return "{\"auth_token\": \"x\", \"models\": [" + models + "]" + (settings.empty() ? "" : ", \"settings\": {" + settings + "}") + "}";
	}

	std::vector<MockUpstream*> all() const
	{
		return {&a, &b, &c};
	}

	mutable MockUpstream a{"a"}, b{"b"}, c{"c"};
};


Headers affinity(const std::string& key)
{
	return {{"X-AILoad-Affinity", key}};
}


std::string upstreamState(GatewayFixture& gateway, const std::string& name)
{
	Poco::JSON::Object::Ptr health = Poco::JSON::Parser().parse(gateway.client().get("/health").body).extract<Poco::JSON::Object::Ptr>();
	Poco::JSON::Array::Ptr upstreams = health->getArray("upstreams");
	for (std::size_t i = 0; i < upstreams->size(); ++i)
	{
		if (upstreams->getObject(i)->getValue<std::string>("name") == name) return upstreams->getObject(i)->getValue<std::string>("state");
	}
	return "";
}


std::size_t heapInUse()
{
	// Small blocks and the large ones glibc maps by themselves (a hash table's buckets).
	const struct mallinfo2 info = mallinfo2();
	return info.uordblks + info.hblkhd;
}

} // namespace


void IpAffinityStrategyTest::testKeysStickAndSpread()
{
	ThreeUpstreams mocks;
	GatewayFixture gateway(mocks.config());
	UpstreamTally tally(gateway.client());

	std::map<std::string, std::string> placed;
	for (int round = 0; round < 4; ++round)
	{
		for (int key = 0; key < 50; ++key)
		{
			const std::string name = "session-" + std::to_string(key);
			const std::string upstream = tally.send("auto", affinity(name));
			if (round == 0) placed[name] = upstream;
			else
				CPPUNIT_ASSERT_EQUAL_MESSAGE(name, placed[name], upstream);
		}
	}
	std::map<std::string, int> keys;
	for (const auto& entry : placed) ++keys[entry.second];
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), keys.size());
	for (const auto& entry : keys) CPPUNIT_ASSERT_MESSAGE(entry.first + ": " + std::to_string(entry.second), entry.second <= 2 * 50 / 3);
}


void IpAffinityStrategyTest::testKeyPlacedAfreshAfterTtl()
{
	// The default chain's last two links, called directly on a clock the test moves.
	AILoad::ManualClock clock;
	AILoad::RoundRobinStrategy roundRobin;
	AILoad::IpAffinityStrategy strategy(clock);
	AILoad::StrategyConfig config;
	config.name = "ip-affinity";
	config.affinityTtl = Poco::Timespan(10, 0);
	strategy.configure(config);
	CandidateSet set;
	for (const char* name : {"a", "b"}) set.add(name);
	AILoad::RequestContext request;
	request.requestedModel = "auto";
	request.affinityKey = "k";
	auto send = [&] {
		AILoad::CandidateOrder order = set.order();
		roundRobin.order(order, request);
		strategy.order(order, request);
		return order.candidates.front()->name();
	};

	// Round-robin alternates a, b, a, b ... whatever ip-affinity makes of its choice. The key
	// is placed by the first pick (a) and stays for the next two (b, a), each within the TTL
	// of the one before.
	for (int i = 0; i < 3; ++i)
	{
		CPPUNIT_ASSERT_EQUAL(std::string("a"), send());
		clock.advance(Poco::Timespan(9, 0));
	}
	// The TTL runs out since the key's last request: it takes round-robin's pick (b) anew.
	clock.advance(Poco::Timespan(1, 0));
	CPPUNIT_ASSERT_EQUAL(std::string("b"), send());
	CPPUNIT_ASSERT_EQUAL(std::string("b"), send());
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), strategy.size());
}


void IpAffinityStrategyTest::testKeyPlacedAfreshWhenUpstreamGone()
{
	ThreeUpstreams mocks;
	GatewayFixture gateway(mocks.config());
	UpstreamTally tally(gateway.client());
	std::map<std::string, std::string> placed;
	for (const char* key : {"k1", "k2", "k3"}) placed[key] = tally.send("auto", affinity(key));
	CPPUNIT_ASSERT((std::set<std::string>{placed["k1"], placed["k2"], placed["k3"]} == std::set<std::string>{"a", "b", "c"}));
	const std::string gone = placed["k1"];

	// A reload that takes k1's upstream out: k1 moves, and stays where it moved; the other
	// keys keep their places through the reload.
	gateway.setConfig(mocks.config("", gone));
	const std::string moved = tally.send("auto", affinity("k1"));
	CPPUNIT_ASSERT(moved != gone);
	for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(moved, tally.send("auto", affinity("k1")));
	CPPUNIT_ASSERT_EQUAL(placed["k2"], tally.send("auto", affinity("k2")));
	CPPUNIT_ASSERT_EQUAL(placed["k3"], tally.send("auto", affinity("k3")));

	// Back again, it does not take k1 back.
	gateway.setConfig(mocks.config());
	for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(moved, tally.send("auto", affinity("k1")));
}


void IpAffinityStrategyTest::testKeyPlacedAfreshWhenUpstreamCoolsDown()
{
	ThreeUpstreams mocks;
	const auto clock = std::make_shared<AILoad::ManualClock>();
	AILoad::Gateway::ServerSettings settings;
	settings.clock = clock;
	GatewayFixture gateway(mocks.config(), settings);
	UpstreamTally tally(gateway.client());
	// Round-robin places four new keys on a, b, c, a.
	for (const char* key : {"k1", "k2", "k3", "k4"}) tally.send("auto", affinity(key));
	CPPUNIT_ASSERT_EQUAL(std::string("a"), tally.send("auto", affinity("k1")));
	CPPUNIT_ASSERT_EQUAL(std::string("a"), tally.send("auto", affinity("k4")));

	// k4 finds a rate-limited (a cools down for a second) and is answered elsewhere.
	MockBehaviour limited;
	limited.status = 429;
	limited.headers = {{"Retry-After", "1"}};
	mocks.a.setBehaviour(limited);
	CPPUNIT_ASSERT(tally.send("auto", affinity("k4")) != "a");
	CPPUNIT_ASSERT_EQUAL(std::string("cooling_down"), upstreamState(gateway, "a"));
	mocks.a.setBehaviour(MockBehaviour());

	// k1's upstream is set aside while it cools down, so k1 is placed afresh, without a
	// failed attempt at a ...
	const std::size_t aRequests = mocks.a.requestCount();
	const std::string moved = tally.send("auto", affinity("k1"));
	CPPUNIT_ASSERT(moved != "a");
	CPPUNIT_ASSERT_EQUAL(aRequests, mocks.a.requestCount());

	// ... and stays there once a is back.
	clock->advance(Poco::Timespan(1, 0));
	CPPUNIT_ASSERT_EQUAL(std::string("up"), upstreamState(gateway, "a"));
	for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(moved, tally.send("auto", affinity("k1")));
}


void IpAffinityStrategyTest::testForwardedAddressOnlyFromTrustedProxies()
{
	ThreeUpstreams mocks;
	auto spread = [](GatewayFixture& gateway, const std::string& header, const std::string& prefix, const std::string& suffix) {
		std::set<std::string> upstreams;
		for (int i = 1; i <= 12; ++i)
			upstreams.insert(UpstreamTally(gateway.client()).send("auto", {{header, prefix + std::to_string(i) + suffix}}));
		return upstreams.size();
	};
	{
		// From an untrusted peer the headers are the client's word: every request is 127.0.0.1's.
		GatewayFixture gateway(mocks.config());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), spread(gateway, "X-Forwarded-For", "10.0.0.", ""));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), spread(gateway, "X-Real-IP", "10.0.1.", ""));
	}
	{
		GatewayFixture gateway(mocks.config("\"trusted_proxies\": [\"127.0.0.1\"]"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), spread(gateway, "X-Forwarded-For", "10.0.0.", ""));
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), spread(gateway, "X-Real-IP", "10.0.1.", ""));
		// The proxy appended the address it saw (10.0.2.1); what the client wrote before it
		// does not count.
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), spread(gateway, "X-Forwarded-For", "192.0.2.", ", 10.0.2.1"));
	}
}


void IpAffinityStrategyTest::testMemoryStaysBounded()
{
	const std::size_t cap = AILoad::IpAffinityStrategy::DEFAULT_MAX_KEYS;
	CandidateSet set;
	for (const char* name : {"a", "b", "c"}) set.add(name);
	AILoad::StrategyConfig config;
	config.name = "ip-affinity";
	Poco::JSON::Object::Ptr options = new Poco::JSON::Object;
	config.options = AILoad::StrategyOptions(options, "settings.strategy_options.ip-affinity");
	config.affinityTtl = Poco::Timespan(300, 0);
	config.upstreamNames = {"a", "b", "c"};

	const std::size_t heapBefore = heapInUse();
	std::size_t heapAtTwiceCap = 0;
	{
		AILoad::IpAffinityStrategy strategy;
		strategy.configure(config);
		AILoad::RequestContext request;
		request.requestedModel = "auto";
		const std::string padding(200, 'x'); // long keys cost no more than short ones
		for (std::size_t i = 0; i < 1000000; ++i)
		{
			request.affinityKey = padding + std::to_string(i);
			AILoad::CandidateOrder order = set.order();
			strategy.order(order, request);
			if (i + 1 == 2 * cap) heapAtTwiceCap = heapInUse();
		}
		CPPUNIT_ASSERT_EQUAL(cap, strategy.size());
		const std::size_t heapAfter = heapInUse();
		CPPUNIT_ASSERT_MESSAGE(std::to_string(heapAfter) + " bytes after 1000000 keys, " + std::to_string(heapAtTwiceCap) + " after " + std::to_string(2 * cap),
			heapAfter <= heapAtTwiceCap + 1024 * 1024);
		CPPUNIT_ASSERT_MESSAGE(std::to_string(heapAfter - heapBefore) + " bytes for " + std::to_string(cap) + " keys", heapAfter - heapBefore <= cap * 200);

		// A smaller limit takes effect at once.
		options->set("max_keys", 1000);
		strategy.configure(config);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1000), strategy.size());
	}
}


void IpAffinityStrategyTest::testUpstreamNamesForgottenOnReload()
{
	AILoad::ManualClock clock;
	AILoad::IpAffinityStrategy strategy(clock);
	AILoad::StrategyConfig config;
	config.name = "ip-affinity";
	config.affinityTtl = Poco::Timespan(10, 0);
	config.upstreamNames = {"a", "b", "c"};
	strategy.configure(config);
	AILoad::RequestContext request;
	request.requestedModel = "auto";
	auto place = [&](const std::string& key, const std::string& upstream) {
		CandidateSet set;
		set.add(upstream);
		AILoad::CandidateOrder order = set.order();
		request.affinityKey = key;
		strategy.order(order, request);
	};

	// Keys on a and b expire; a reload forgets a and b, and keeps c, which a key points to
	// (all three are still configured).
	place("k1", "a");
	place("k2", "b");
	clock.advance(Poco::Timespan(10, 0));
	place("k3", "c");
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), strategy.upstreamsKnown());
	strategy.configure(config);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), strategy.size());
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), strategy.upstreamsKnown());

	// k3 still finds c, renumbered, among other candidates.
	CandidateSet set;
	for (const char* name : {"a", "b", "c"}) set.add(name);
	AILoad::CandidateOrder order = set.order();
	request.affinityKey = "k3";
	strategy.order(order, request);
	CPPUNIT_ASSERT_EQUAL(std::string("c"), order.candidates.front()->name());
}


void IpAffinityStrategyTest::testKeysOnGoneUpstreamsForgottenOnReload()
{
	AILoad::ManualClock clock;
	AILoad::IpAffinityStrategy strategy(clock);
	AILoad::StrategyConfig config;
	config.name = "ip-affinity";
	config.affinityTtl = Poco::Timespan(300, 0);
	config.upstreamNames = {"a", "b"};
	strategy.configure(config);
	AILoad::RequestContext request;
	request.requestedModel = "auto";
	auto send = [&](const std::string& key, const CandidateSet& set) {
		AILoad::CandidateOrder order = set.order();
		request.affinityKey = key;
		strategy.order(order, request);
		return order.candidates.front()->name();
	};
	CandidateSet a, b, reloaded, all;
	a.add("a");
	b.add("b");
	for (const char* name : {"c", "a"}) reloaded.add(name);
	for (const char* name : {"c", "a", "b"}) all.add(name);
	send("k1", a);
	send("k2", b);
	send("k3", b);
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), strategy.size());
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), strategy.upstreamsKnown());

	// A reload from {a, b} to {a, c}: the keys on b go at once, well within their TTL, and b's
	// name with them; k1 stays on a.
	config.upstreamNames = {"a", "c"};
	strategy.configure(config);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), strategy.size());
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), strategy.upstreamsKnown());
	CPPUNIT_ASSERT_EQUAL(std::string("a"), send("k1", reloaded));

	// When b comes back, k2 does not go there: it is a new key, placed on the first of the
	// order.
	config.upstreamNames = {"a", "b", "c"};
	strategy.configure(config);
	CPPUNIT_ASSERT_EQUAL(std::string("c"), send("k2", all));
	CPPUNIT_ASSERT_EQUAL(std::string("c"), send("k2", all));
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), strategy.size());
}


CPPUNIT_TEST_SUITE_REGISTRATION(IpAffinityStrategyTest);

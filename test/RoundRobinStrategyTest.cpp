#include "RoundRobinStrategyTest.h"
#include <cppunit/extensions/HelperMacros.h>

#include "CandidateSet.h"
#include "GatewayFixture.h"
#include "MockUpstream.h"
#include "RoundRobinStrategy.h"
#include "UpstreamTally.h"
#include <cstdlib>
#include <set>
#include <string>
#include <utility>

using namespace AILoad::Test;

namespace {

std::string config(const std::string& models)
{
	// The default chain without ip-affinity: all test requests come from one address.
	return "{\"auth_token\": \"x\", \"models\": [" + models + "], \"settings\": {\"ip_affinity\": false}}";
}

} // namespace


void RoundRobinStrategyTest::testEqualWeightsSpreadEvenly()
{
	MockUpstream a("a"), b("b"), c("c");
	for (MockUpstream* mock : {&a, &b, &c}) mock->start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase()) + "," + GatewayFixture::modelEntry("b", b.apiBase()) + ","
		+ GatewayFixture::modelEntry("c", c.apiBase())));

	UpstreamTally(gateway.client()).count(300);
	for (MockUpstream* mock : {&a, &b, &c})
		CPPUNIT_ASSERT_MESSAGE(mock->name() + ": " + std::to_string(mock->requestCount()), std::abs(static_cast<int>(mock->requestCount()) - 100) <= 1);
}


void RoundRobinStrategyTest::testWeightsGiveTheirShare()
{
	MockUpstream a("a"), b("b");
	a.start();
	b.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase(), "\"weight\": 3") + "," + GatewayFixture::modelEntry("b", b.apiBase(), "\"weight\": 1")));

	const int requests = 400;
	UpstreamTally(gateway.client()).count(requests);
	const int tolerance = requests * 2 / 100;
	CPPUNIT_ASSERT_MESSAGE(std::to_string(a.requestCount()), std::abs(static_cast<int>(a.requestCount()) - requests * 3 / 4) <= tolerance);
	CPPUNIT_ASSERT_MESSAGE(std::to_string(b.requestCount()), std::abs(static_cast<int>(b.requestCount()) - requests / 4) <= tolerance);
}


void RoundRobinStrategyTest::testWeightZeroIsOnlyFailover()
{
	MockUpstream a("a"), spare("spare");
	a.start();
	spare.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase()) + "," + GatewayFixture::modelEntry("spare", spare.apiBase(), "\"weight\": 0")));
	UpstreamTally tally(gateway.client());
	CPPUNIT_ASSERT((tally.count(20) == std::map<std::string, int>{{"a", 20}}));

	MockBehaviour failing;
	failing.status = 503;
	a.setBehaviour(failing);
	CPPUNIT_ASSERT_EQUAL(std::string("spare"), tally.send());
}


void RoundRobinStrategyTest::testSequenceIsSmooth()
{
	// nginx's example: weights 5, 1, 1 interleave instead of sending five in a row to a.
	CandidateSet set;
	set.add("a", 5);
	set.add("b", 1);
	set.add("c", 1);
	AILoad::RoundRobinStrategy strategy;
	std::string firsts;
	for (int i = 0; i < 14; ++i)
	{
		AILoad::CandidateOrder order = set.order();
		strategy.order(order, AILoad::RequestContext());
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), order.candidates.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), order.tied);
		firsts += order.candidates.front()->name();
	}
	CPPUNIT_ASSERT_EQUAL(std::string("aabacaaaabacaa"), firsts);

	// Only the tied candidates take part; the others keep their place.
	AILoad::CandidateOrder order = set.order();
	order.tied = 2;
	std::swap(order.candidates[0], order.candidates[2]);
	strategy.order(order, AILoad::RequestContext());
	CPPUNIT_ASSERT_EQUAL(std::string("a"), order.candidates[2]->name());
}


void RoundRobinStrategyTest::testUpstreamsForgottenOnReload()
{
	CandidateSet before, after;
	before.add("a", 2);
	before.add("b", 1);
	after.add("a", 2);
	after.add("c", 1);
	auto configured = [](std::set<std::string> upstreams) {
		AILoad::StrategyConfig config;
		config.name = "round-robin";
		config.upstreamNames = std::move(upstreams);
		return config;
	};
	auto firsts = [](AILoad::RoundRobinStrategy& strategy, const CandidateSet& set, int picks) {
		std::string names;
		for (int i = 0; i < picks; ++i)
		{
			AILoad::CandidateOrder order = set.order();
			strategy.order(order, AILoad::RequestContext());
			names += order.candidates.front()->name();
		}
		return names;
	};

	// One strategy goes through a reload from {a, b} to {a, c}; the other is never told, and
	// is offered the same candidates.
	AILoad::RoundRobinStrategy reloaded, unreloaded;
	reloaded.configure(configured({"a", "b"}));
	unreloaded.configure(configured({"a", "b"}));
	CPPUNIT_ASSERT_EQUAL(std::string("ab"), firsts(reloaded, before, 2));
	CPPUNIT_ASSERT_EQUAL(std::string("ab"), firsts(unreloaded, before, 2));
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), reloaded.size());

	// b is forgotten at once; a keeps its current weight and c has none yet.
	reloaded.configure(configured({"a", "c"}));
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), reloaded.size());

	// So the rotation goes on as if there had been no reload: a is ahead (it had fewer turns
	// than its weight's share), c starts from 0. Had a started from 0 as well, the picks
	// would be acaaca.
	CPPUNIT_ASSERT_EQUAL(std::string("aacaac"), firsts(reloaded, after, 6));
	CPPUNIT_ASSERT_EQUAL(std::string("aacaac"), firsts(unreloaded, after, 6));
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), reloaded.size());

	// Each reload keeps exactly the names configured.
	reloaded.configure(configured({"a"}));
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), reloaded.size());
	reloaded.configure(configured({}));
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), reloaded.size());
}


CPPUNIT_TEST_SUITE_REGISTRATION(RoundRobinStrategyTest);

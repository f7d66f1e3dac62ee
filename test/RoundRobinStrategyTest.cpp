#include "RoundRobinStrategyTest.h"
#include <cppunit/extensions/HelperMacros.h>

#include "CandidateSet.h"
#include "GatewayFixture.h"
#include "MockUpstream.h"
#include "RoundRobinStrategy.h"
#include "UpstreamTally.h"
#include <cstdlib>

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
	CandidateSet all, fewer;
	for (const char* name : {"a", "b", "c"}) all.add(name);
	for (const char* name : {"a", "b"}) fewer.add(name);
	AILoad::RoundRobinStrategy strategy;
	strategy.configure(AILoad::StrategyConfig());
	for (int i = 0; i < 3; ++i)
	{
		AILoad::CandidateOrder order = all.order();
		strategy.order(order, AILoad::RequestContext());
	}
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), strategy.size());

	// A reload keeps what was offered since the one before; c, not offered for a whole
	// config (it has gone), is forgotten at the next.
	strategy.configure(AILoad::StrategyConfig());
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), strategy.size());
	AILoad::CandidateOrder order = fewer.order();
	strategy.order(order, AILoad::RequestContext());
	strategy.configure(AILoad::StrategyConfig());
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), strategy.size());
	strategy.configure(AILoad::StrategyConfig());
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), strategy.size());
}


CPPUNIT_TEST_SUITE_REGISTRATION(RoundRobinStrategyTest);

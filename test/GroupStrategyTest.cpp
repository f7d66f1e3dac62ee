#include "GroupStrategyTest.h"
#include <cppunit/extensions/HelperMacros.h>

#include "CandidateSet.h"
#include "GatewayFixture.h"
#include "GroupStrategy.h"
#include "MockUpstream.h"
#include "UpstreamTally.h"
#include <memory>

using namespace AILoad::Test;

namespace {

class GroupedUpstreams
	/// Mock upstreams started by name, each with its models[] entry (and group, if any).
{
public:
	MockUpstream& add(const std::string& name, const std::string& group = "", const std::string& extra = "")
	{
		_mocks.push_back(std::make_unique<MockUpstream>(name));
		_mocks.back()->start();
		std::string fields = group.empty() ? "" : "\"group\": \"" + group + "\"";
		if (!extra.empty()) fields += (fields.empty() ? "" : ", ") + extra;
		_entries.push_back(GatewayFixture::modelEntry(name, _mocks.back()->apiBase(), fields));
		return *_mocks.back();
	}

	std::string config(const std::string& rest, const std::vector<std::string>& disabled = {}) const
	{
		std::string models;
		for (std::size_t i = 0; i < _entries.size(); ++i)
		{
			std::string entry = _entries[i];
			for (const std::string& name : disabled)
			{
				if (_mocks[i]->name() == name) entry.insert(entry.size() - 1, ", \"enabled\": false");
			}
			models += (models.empty() ? "" : ",") + entry;
		}
		return "{\"auth_token\": \"x\", \"models\": [" + models + "], " + rest + "}";
	}

private:
	std::vector<std::unique_ptr<MockUpstream>> _mocks;
	std::vector<std::string> _entries;
};


const std::string withoutAffinity = "\"settings\": {\"ip_affinity\": false}";

} // namespace


void GroupStrategyTest::testNamesReachOnlyTheirEntries()
{
	GroupedUpstreams upstreams;
	upstreams.add("a", "fast");
	upstreams.add("b", "fast");
	upstreams.add("c", "slow");
	upstreams.add("d");
	// The default chain, ip-affinity included.
	GatewayFixture gateway(upstreams.config("\"settings\": {}"));
	UpstreamTally tally(gateway.client());
	for (int i = 0; i < 2; ++i)
	{
		CPPUNIT_ASSERT((tally.count(10, "a") == std::map<std::string, int>{{"a", 10}}));
		CPPUNIT_ASSERT((tally.count(10, "d-model") == std::map<std::string, int>{{"d", 10}}));
		CPPUNIT_ASSERT((tally.count(10, "slow") == std::map<std::string, int>{{"c", 10}}));
		for (const auto& entry : tally.count(10, "fast")) CPPUNIT_ASSERT_MESSAGE(entry.first, entry.first == "a" || entry.first == "b");
	}
	// Without ip-affinity the group's members share it.
	gateway.setConfig(upstreams.config(withoutAffinity));
	CPPUNIT_ASSERT((tally.count(10, "fast") == std::map<std::string, int>{{"a", 5}, {"b", 5}}));
}


void GroupStrategyTest::testBackupTierOnlyWhenTierAboveHasNothingLeft()
{
	GroupedUpstreams upstreams;
	MockUpstream& a = upstreams.add("a", "main");
	MockUpstream& b = upstreams.add("b", "main");
	upstreams.add("c", "backup");
	const std::string tiers = withoutAffinity + ", \"groups\": {\"main\": {\"priority\": 0}, \"backup\": {\"priority\": 1}}";
	GatewayFixture gateway(upstreams.config(tiers));
	UpstreamTally tally(gateway.client());
	CPPUNIT_ASSERT((tally.count(20) == std::map<std::string, int>{{"a", 10}, {"b", 10}}));

	// The backup tier is the end of the failover path ...
	MockBehaviour failing;
	failing.status = 503;
	a.setBehaviour(failing);
	b.setBehaviour(failing);
	CPPUNIT_ASSERT_EQUAL(std::string("c"), tally.send());
	a.setBehaviour(MockBehaviour());
	b.setBehaviour(MockBehaviour());

	// ... and takes all the traffic when the tier above has nothing left.
	gateway.setConfig(upstreams.config(tiers, {"a", "b"}));
	CPPUNIT_ASSERT((tally.count(10) == std::map<std::string, int>{{"c", 10}}));
	gateway.setConfig(upstreams.config(tiers));
	CPPUNIT_ASSERT((tally.count(10) == std::map<std::string, int>{{"a", 5}, {"b", 5}}));
}


void GroupStrategyTest::testGroupsShareEvenlyWhateverTheirSize()
{
	GroupedUpstreams upstreams;
	for (int i = 1; i <= 5; ++i) upstreams.add("big" + std::to_string(i), "big");
	upstreams.add("small", "small");
	GatewayFixture gateway(upstreams.config(withoutAffinity));

	const std::map<std::string, int> counts = UpstreamTally(gateway.client()).count(120);
	CPPUNIT_ASSERT_EQUAL(60, counts.at("small"));
	for (int i = 1; i <= 5; ++i) CPPUNIT_ASSERT_EQUAL(12, counts.at("big" + std::to_string(i)));
}


void GroupStrategyTest::testGroupsForgottenOnReload()
{
	CandidateSet set;
	set.add("a", 1, {"g1"});
	set.add("b", 1, {"g2"});
	AILoad::GroupStrategy strategy;
	strategy.configure(AILoad::StrategyConfig());
	AILoad::RequestContext request;
	request.requestedModel = "auto";
	AILoad::CandidateOrder order = set.order();
	strategy.order(order, request);
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), strategy.size());

	// Kept through the next reload; gone once a whole config passed without them.
	strategy.configure(AILoad::StrategyConfig());
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), strategy.size());
	strategy.configure(AILoad::StrategyConfig());
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), strategy.size());
}


CPPUNIT_TEST_SUITE_REGISTRATION(GroupStrategyTest);

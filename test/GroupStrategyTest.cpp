#include "GroupStrategyTest.h"
#include <cppunit/extensions/HelperMacros.h>

#include "CandidateSet.h"
#include "GatewayFixture.h"
#include "GroupStrategy.h"
#include "MockUpstream.h"
#include "UpstreamTally.h"
#include <memory>
#include <set>
#include <string>
#include <utility>

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
	// d has no group: the entries without one share as a group of their own.
	CandidateSet before, after;
	before.add("a", 1, {"g1"});
	before.add("b", 1, {"g2"});
	before.add("d");
	after.add("a", 1, {"g1"});
	after.add("c", 1, {"g3"});
	after.add("d");
	auto configured = [](std::set<std::string> groups) {
		AILoad::StrategyConfig config;
		config.name = "group";
		config.groupNames = std::move(groups);
		return config;
	};
	auto firsts = [](AILoad::GroupStrategy& strategy, const CandidateSet& set, int picks) {
		AILoad::RequestContext request;
		request.requestedModel = "auto";
		std::string names;
		for (int i = 0; i < picks; ++i)
		{
			AILoad::CandidateOrder order = set.order();
			strategy.order(order, request);
			names += order.candidates.front()->name();
		}
		return names;
	};

	// One strategy goes through a reload from groups {g1, g2} to {g1, g3}; the other is never
	// told, and is offered the same candidates.
	AILoad::GroupStrategy reloaded, unreloaded;
	reloaded.configure(configured({"g1", "g2"}));
	unreloaded.configure(configured({"g1", "g2"}));
	CPPUNIT_ASSERT_EQUAL(std::string("ab"), firsts(reloaded, before, 2));
	CPPUNIT_ASSERT_EQUAL(std::string("ab"), firsts(unreloaded, before, 2));
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), reloaded.size());

	// g2 is forgotten at once; g1 and the share of the entries without a group keep their
	// current weights, and g3 has none yet.
	reloaded.configure(configured({"g1", "g3"}));
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), reloaded.size());

	// So the shares go on as if there had been no reload: d's turn, then g3's (from 0), then
	// a's. Had g1 started from 0 the picks would be dacdac, had every share, acdacd.
	CPPUNIT_ASSERT_EQUAL(std::string("dcadca"), firsts(reloaded, after, 6));
	CPPUNIT_ASSERT_EQUAL(std::string("dcadca"), firsts(unreloaded, after, 6));
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), reloaded.size());

	// Each reload keeps exactly the groups configured (and the share of no group).
	reloaded.configure(configured({}));
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), reloaded.size());
}


CPPUNIT_TEST_SUITE_REGISTRATION(GroupStrategyTest);

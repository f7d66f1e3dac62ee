#ifndef AILoad_StrategyConfig_INCLUDED
#define AILoad_StrategyConfig_INCLUDED

#include "AILoad/StrategyOptions.h"
#include <Poco/Timespan.h>
#include <map>
#include <set>
#include <string>

namespace AILoad {

struct StrategyConfig
	/// What a strategy is configured with, from data/config.json; handed to
	/// Strategy::configure() at start-up and again on every reload.
	///
	/// It names the upstreams and groups of the config, so that a strategy that keeps state
	/// by name forgets, on each reload, exactly the names that have gone and keeps the
	/// others' (docs/plugins.md, "Threads, lifetime, errors").
{
	std::string name; /// the name the strategy was loaded by (`settings.strategy`)
	StrategyOptions options; /// `settings.strategy_options.<name>`, with typed getters; empty when absent
	Poco::Timespan affinityTtl; /// `settings.ip_affinity_ttl`
	std::map<std::string, int> groupPriority; /// `groups.<name>.priority`; a group not listed has priority 0
	std::set<std::string> upstreamNames; /// `models[].name` of every enabled entry: all the upstreams this config may offer
	std::set<std::string> groupNames; /// every group those entries name (`models[].group`)
};

} // namespace AILoad

#endif

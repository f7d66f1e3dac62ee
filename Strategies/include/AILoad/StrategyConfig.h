#ifndef AILoad_StrategyConfig_INCLUDED
#define AILoad_StrategyConfig_INCLUDED

#include "AILoad/StrategyOptions.h"
#include <Poco/Timespan.h>
#include <map>
#include <string>

namespace AILoad {

struct StrategyConfig
	/// What a strategy is configured with, from data/config.json; handed to
	/// Strategy::configure() at start-up and again on every reload.
{
	std::string name;                          /// the name the strategy was loaded by (`settings.strategy`)
	StrategyOptions options;                   /// `settings.strategy_options.<name>`, with typed getters; empty when absent
	Poco::Timespan affinityTtl;                /// `settings.ip_affinity_ttl`
	std::map<std::string, int> groupPriority;  /// `groups.<name>.priority`; a group not listed has priority 0
};

} // namespace AILoad

#endif

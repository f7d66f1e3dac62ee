// The plugin library of IpAffinityStrategy: only its entry points are exported.
#include "IpAffinityStrategy.h"
#include "AILoad/StrategyPlugin.h"

AILOAD_STRATEGY_PLUGIN(AILoad::IpAffinityStrategy)

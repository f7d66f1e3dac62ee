// The plugin library of RoundRobinStrategy: only its entry points are exported.
#include "RoundRobinStrategy.h"
#include "AILoad/StrategyPlugin.h"

AILOAD_STRATEGY_PLUGIN(AILoad::RoundRobinStrategy)

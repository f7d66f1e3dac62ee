// The plugin library of GroupStrategy: only its entry points are exported.
#include "GroupStrategy.h"
#include "AILoad/StrategyPlugin.h"

AILOAD_STRATEGY_PLUGIN(AILoad::GroupStrategy)

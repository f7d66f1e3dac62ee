#ifndef AILoad_StrategyPlugin_INCLUDED
#define AILoad_StrategyPlugin_INCLUDED

#include "AILoad/Strategy.h"
#include <Poco/ClassLibrary.h>

// The symbol through which AILoad reads the API version a plugin was built for, with dlsym,
// before it runs any of the plugin's code.
#define AILOAD_STRATEGY_API_VERSION_SYMBOL "aiload_strategy_api_version"

// Makes a shared library a strategy plugin: exports the API version it was built for, and the
// POCO manifest through which AILoad creates one StrategyClass (a subclass of AILoad::Strategy
// with a default constructor). Use it once, in one source file of the plugin, outside any
// namespace. Everything else in a plugin can stay hidden (-fvisibility=hidden).
#define AILOAD_STRATEGY_PLUGIN(StrategyClass) \
	extern "C" __attribute__((visibility("default"))) const int aiload_strategy_api_version = AILOAD_STRATEGY_API_VERSION; \
	POCO_BEGIN_MANIFEST(AILoad::Strategy) \
		POCO_EXPORT_CLASS(StrategyClass) \
	POCO_END_MANIFEST

#endif

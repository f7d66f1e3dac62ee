#ifndef AILoad_StrategyPlugin_INCLUDED
#define AILoad_StrategyPlugin_INCLUDED

#include "AILoad/Strategy.h"
#include "AILoad/StrategySignature.h"
#include <Poco/ClassLibrary.h>

// The symbols through which AILoad reads, with dlsym and before it runs any of the plugin's
// code, the API version a plugin was built for and its signature (StrategySignature.h). The
// version alone stays an int, as it was in API version 1, so that any AILoad reads it and
// names a version mismatch plainly; the signature then covers POCO and the C++ library.
#define AILOAD_STRATEGY_API_VERSION_SYMBOL "aiload_strategy_api_version"
#define AILOAD_STRATEGY_SIGNATURE_SYMBOL "aiload_strategy_signature"

// Makes a shared library a strategy plugin: exports the API version and the signature it was
// built with, and the POCO manifest through which AILoad creates one StrategyClass (a
// subclass of AILoad::Strategy with a default constructor). Use it once, in one source file of
// the plugin, outside any namespace. Everything else in a plugin can stay hidden
// (-fvisibility=hidden).
#define AILOAD_STRATEGY_PLUGIN(StrategyClass)                                                                                                             \
	extern "C" __attribute__((visibility("default"))) const int aiload_strategy_api_version = AILOAD_STRATEGY_API_VERSION;                                \
	extern "C" __attribute__((visibility("default"))) constexpr AILoad::StrategySignature aiload_strategy_signature = AILoad::StrategySignature::build(); \
	POCO_BEGIN_MANIFEST(AILoad::Strategy)                                                                                                                 \
	POCO_EXPORT_CLASS(StrategyClass)                                                                                                                      \
	POCO_END_MANIFEST

#endif

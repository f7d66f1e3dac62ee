// A strategy plugin of this API version, but compiled for libstdc++'s old ABI
// (-D_GLIBCXX_USE_CXX11_ABI=0, test/CMakeLists.txt): its std::string, and so every SDK type
// holding one, has another layout than AILoad's. Nothing in the API version shows that; its
// signature does, and AILoad must refuse it by that, before any call into it
// (StrategyPluginTest).
#include "AILoad/StrategyPlugin.h"

namespace AILoad {

class OtherAbiStrategy final: public Strategy
	/// Leaves the order as it is: it must never run.
{
public:
	void order(CandidateOrder&, const RequestContext&) override
	{
	}
};

} // namespace AILoad


AILOAD_STRATEGY_PLUGIN(AILoad::OtherAbiStrategy)

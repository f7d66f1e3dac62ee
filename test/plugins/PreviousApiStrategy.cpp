// A strategy plugin as an AILoad of strategy API version 0 would have built it. Its
// AILoad::Strategy has another layout (another first virtual function), so a call through
// today's interface would land in the wrong function: AILoad must refuse it by its version,
// before any such call (StrategyPluginTest).
#include <Poco/ClassLibrary.h>
#include <string>

namespace AILoad {

class Strategy
{
public:
	virtual ~Strategy() = default;
	virtual std::string describe() const = 0;
};

} // namespace AILoad


class PreviousApiStrategy final: public AILoad::Strategy
{
public:
	std::string describe() const override
	{
		return "a strategy of API version 0";
	}
};


extern "C" __attribute__((visibility("default"))) const int aiload_strategy_api_version = 0;

POCO_BEGIN_MANIFEST(AILoad::Strategy)
POCO_EXPORT_CLASS(PreviousApiStrategy)
POCO_END_MANIFEST

#ifndef AILoad_SystemClock_INCLUDED
#define AILoad_SystemClock_INCLUDED

#include "AILoad/Clock.h"

namespace AILoad {

class SystemClock final: public Clock
	/// The system's wall clock (Poco::Timestamp): what the gateway and the strategies a
	/// plugin creates run on.
{
public:
	Poco::Timestamp now() const override
	{
		return Poco::Timestamp();
	}

	static const SystemClock& instance()
		/// One for all: it has no state. (A plugin gets a copy of its own, which is as good.)
	{
		static const SystemClock clock;
		return clock;
	}
};

} // namespace AILoad

#endif

#include "UpstreamAttempt.h"

#include <Poco/String.h>

namespace AILoad {

bool UpstreamAttempt::eventStream() const
{
	return Poco::icompare(response.getContentType(), 0, 17, "text/event-stream") == 0;
}

} // namespace AILoad

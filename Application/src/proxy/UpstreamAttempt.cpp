#include "UpstreamAttempt.h"

#include "HttpHeadParser.h"
#include <Poco/String.h>

namespace AILoad {

UpstreamAttempt::~UpstreamAttempt()
{
	HttpHeadParser::giveFieldStorageBack(response);
}


bool UpstreamAttempt::eventStream() const
{
	return Poco::icompare(response.getContentType(), 0, 17, "text/event-stream") == 0;
}

} // namespace AILoad

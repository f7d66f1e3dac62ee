#include "UpstreamAttempt.h"

#include "HttpHeadParser.h"

namespace AILoad {

UpstreamAttempt::~UpstreamAttempt()
{
	HttpHeadParser::giveFieldStorageBack(response);
}

} // namespace AILoad

#ifndef AILoad_AttemptResult_INCLUDED
#define AILoad_AttemptResult_INCLUDED

#include <Poco/Timespan.h>

namespace AILoad {

struct AttemptResult
	/// How one attempt at one upstream went, up to the head of its answer.
{
	int status = 0; /// HTTP status of the answer; 0 when none came (connection failure, timeout)
	bool timedOut = false; /// no answer within `settings.timeout`
	bool answered = false; /// the gateway passed this answer on to the client, rather than failing over
	Poco::Timespan timeToFirstByte; /// from sending the request to the head of the answer (or to the failure)
};

} // namespace AILoad

#endif

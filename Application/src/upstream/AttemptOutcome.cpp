#include "AttemptOutcome.h"

namespace AILoad {

const char* nameOf(AttemptOutcome outcome)
{
	switch (outcome)
	{
	case AttemptOutcome::Ok: return "ok";
	case AttemptOutcome::Http4xx: return "http_4xx";
	case AttemptOutcome::RateLimited: return "rate_limited";
	case AttemptOutcome::QuotaExhausted: return "quota_exhausted";
	case AttemptOutcome::BadKey: return "bad_key";
	case AttemptOutcome::Http5xx: return "http_5xx";
	case AttemptOutcome::Timeout: return "timeout";
	case AttemptOutcome::ConnectError: return "connect_error";
	case AttemptOutcome::StreamBroken: return "stream_broken";
	case AttemptOutcome::ClientGone: return "client_gone";
	case AttemptOutcome::Count: break;
	}
	return "unknown";
}

} // namespace AILoad

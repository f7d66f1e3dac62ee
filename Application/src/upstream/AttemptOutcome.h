#ifndef AILoad_AttemptOutcome_INCLUDED
#define AILoad_AttemptOutcome_INCLUDED

#include <cstddef>

namespace AILoad {

enum class AttemptOutcome
	/// How one attempt at one upstream ended: the `outcome` label of
	/// `aiload_upstream_attempts_total` and the `reason` of `aiload_failovers_total`
	/// (docs/observability.md, "Metrics").
{
	Ok, /// answered 2xx or 3xx, relayed to its end
	Http4xx, /// answered a 4xx that is the client's to see
	RateLimited, /// 429
	QuotaExhausted, /// out of credit or of a daily quota (402, insufficient_quota, RESOURCE_EXHAUSTED per day)
	BadKey, /// 401, 403
	Http5xx, /// 408, 5xx, or an answer that broke the HTTP rules
	Timeout, /// no answer within settings.timeout
	ConnectError, /// could not be reached
	StreamBroken, /// answered, then broke off or fell silent
	ClientGone, /// the client left before the answer was done
	Count
};

constexpr std::size_t attemptOutcomeCount = static_cast<std::size_t>(AttemptOutcome::Count);

const char* nameOf(AttemptOutcome outcome);
	/// "ok", "http_4xx", "rate_limited", ... as the metrics and the access log write it.

} // namespace AILoad

#endif

#ifndef AILoad_UpstreamErrorClassifier_INCLUDED
#define AILoad_UpstreamErrorClassifier_INCLUDED

#include "ReportedLimits.h"
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <cstddef>
#include <string>
#include <string_view>

namespace AILoad {

class UpstreamErrorClassifier
	/// Tells from an upstream's error answer (status, headers, body) why it refused and how
	/// long it should cool down (docs/quotas.md):
	///   - out of credit (OpenAI's insufficient_quota on a 429, or any 402): QuotaExhausted,
	///     for `settings.quota_cooldown` (or the Retry-After, when longer);
	///   - Google's RESOURCE_EXHAUSTED (Gemini): a QuotaFailure whose quotaId contains
	///     "PerDay" is QuotaExhausted until the next midnight Pacific time (PacificTime);
	///     otherwise RateLimited for the body's RetryInfo.retryDelay;
	///   - any other 429: RateLimited for retry-after-ms or Retry-After, else until the
	///     reset of a reported remaining of 0, else 30 s; at most an hour;
	///   - 401 and 403: BadKey, for 10 minutes;
	///   - anything else: None (not a limit or a key: the caller's other rules apply).
	///
	/// The body decides through a table of signals, one row per (status, field of the
	/// `error` object, value), first match wins, so another provider's way of saying "out of
	/// credit" is another row. The body is read only up to maximumBodyRead, strictly as JSON
	/// (JsonScanner, then POCO's parser at a small depth), as an object or as an array whose
	/// first element is one (Gemini's OpenAI-compatible endpoint wraps its error so). A body
	/// that is longer, not JSON, or says nothing known leaves the status to decide. A 2xx
	/// whose body is an error with a numeric `code` of 400..599 (an error in a stream's first
	/// event) is classified as that status.
{
public:
	enum class Kind
		/// Named as Cooldown::Reason names them (and QuotaExhausted as AttemptOutcome does).
	{
		None, /// not a limit or a key
		RateLimited, /// wait, then try again
		QuotaExhausted, /// out of credit, or of a daily quota
		BadKey /// the key was refused
	};

	struct Verdict
	{
		Kind kind = Kind::None;
		Poco::Timestamp until = 0; /// when the cooldown ends; meaningful unless kind is None
		std::string reason; /// short, for the log and /health: the status and provider codes only, never body text
	};

	static Verdict classify(int status, const Poco::Net::NameValueCollection& headers, std::string_view body,
		const Poco::Timestamp& now, Poco::Timespan quotaCooldown);
		/// The answer received at `now`; quotaCooldown is `settings.quota_cooldown` (taken
		/// within [0, maximumQuotaCooldown]).

	static Verdict classify(int status, const ReportedLimits& limits, std::string_view body,
		const Poco::Timestamp& now, Poco::Timespan quotaCooldown);
		/// The same, with the answer's headers already read (the gateway reads every answer's).

	static const char* describe(Kind kind);
		/// "rate_limited", "quota_exhausted", "bad_key" or "none", as /health and the
		/// metrics name them.

	static constexpr std::size_t maximumBodyRead = 64 * 1024;
		/// A longer body is not read: error bodies are a few hundred bytes.

	static const Poco::Timespan defaultRateLimitCooldown; /// 30 s
	static const Poco::Timespan maximumRateLimitCooldown; /// 1 hour
	static const Poco::Timespan badKeyCooldown; /// 10 minutes
	static const Poco::Timespan maximumQuotaCooldown; /// 366 days
};

} // namespace AILoad

#endif

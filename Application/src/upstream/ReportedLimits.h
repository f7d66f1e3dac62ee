#ifndef AILoad_ReportedLimits_INCLUDED
#define AILoad_ReportedLimits_INCLUDED

#include <Poco/Net/NameValueCollection.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <Poco/Types.h>
#include <optional>
#include <string_view>

namespace AILoad {

class ReportedLimits
	/// The rate limits an upstream reports in the headers of an answer, any answer (a
	/// success included): how many requests and tokens it has left, when each count resets,
	/// the limits themselves, and a Retry-After (docs/quotas.md lists every header read).
	///
	/// Headers are read by a table, one row per header name (case-insensitive) saying which
	/// count it gives and in which format, so another provider is another row:
	///   - OpenAI, Groq: x-ratelimit-{limit,remaining,reset}-{requests,tokens}, resets as
	///     Go durations ("1s", "6m0s", "20ms", "2m59.56s");
	///   - Cerebras: the same with -day and -minute, resets in seconds ("33011.38");
	///   - OpenRouter and other APIs: X-RateLimit-{Limit,Remaining,Reset} for requests,
	///     the reset an epoch time (see parseResetTime());
	///   - Anthropic: anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-
	///     {limit,remaining,reset}, resets as RFC 3339 times;
	///   - retry-after-ms (milliseconds), which wins over Retry-After (seconds or an HTTP date).
	/// When several headers report on one resource (Anthropic's tokens, input tokens and
	/// output tokens), the one closest to its limit is kept: the least remaining, and of
	/// equals the latest reset.
	///
	/// Values are untrusted: a count that is not plain digits (at most 15), a time that does
	/// not parse, or a negative one is as if absent; resets and Retry-Afters are clamped to
	/// [now, now + 7 days] (a reset in the past has already happened), Retry-After to one
	/// hour as docs/reliability.md says. No value can overflow or throw.
{
public:
	struct Window
		/// What the upstream reported about one resource (requests or tokens).
	{
		std::optional<Poco::Int64> limit; /// the most it allows in the window
		std::optional<Poco::Int64> remaining; /// what is left of it
		std::optional<Poco::Timestamp> reset; /// when `remaining` is back at `limit`

		bool known() const;
			/// True when any of the three was reported.
	};

	ReportedLimits() = default;
		/// Nothing reported.

	static ReportedLimits read(const Poco::Net::NameValueCollection& headers, const Poco::Timestamp& now);
		/// Reads the headers of an answer received at `now` (Poco::Net::HTTPResponse is a
		/// NameValueCollection).

	const Window& requests() const;
	const Window& tokens() const;

	std::optional<Poco::Timestamp> retryAfter() const;
		/// When retry-after-ms or Retry-After says to come back, at most an hour after now.

	bool empty() const;
		/// True when no header this reads was there (or none was readable).

	std::optional<Poco::Timestamp> setAsideUntil(const Poco::Timestamp& now) const;
		/// Whether the upstream must get nothing for a while, and until when: when any
		/// reported remaining is 0, until its reset (the latest of those at 0); with no reset
		/// reported, until the Retry-After, else for defaultSetAside. Empty when nothing is at
		/// 0, or its reset is not after `now`.

	static std::optional<Poco::Timespan> parseDuration(std::string_view text);
		/// A Go duration ("1h2m3.5s", "20ms", "1.5us", "0") or a bare number of seconds
		/// ("33011.38", as Cerebras sends, and the "42s" of Google's JSON durations is a Go
		/// one). Fractions beyond microseconds are dropped; a value beyond 100 years is 100
		/// years. Empty for a negative, malformed or empty text.

	static std::optional<Poco::Timestamp> parseRfc3339(std::string_view text);
		/// "2024-06-01T12:00:30Z", "2024-06-01t12:00:30.123456+02:00" (a space for the T too);
		/// years 0000..9999. Empty when it is not such a time.

	static std::optional<Poco::Timestamp> parseResetTime(std::string_view text, const Poco::Timestamp& now);
		/// X-RateLimit-Reset: a number (a fraction is allowed) that is read by its size, since
		/// APIs differ: below 10^9 it is seconds from now (the IETF RateLimit drafts, and
		/// any before 2001 is no epoch time today); below 10^11 epoch seconds (up to the
		/// year 5138); from 10^11 on epoch milliseconds (OpenRouter; 10^11 ms is 1973).

	static std::optional<Poco::Int64> parseCount(std::string_view text);
		/// Plain digits, at most 15, surrounding spaces allowed.

	static const Poco::Timespan defaultSetAside; /// 60 s
	static const Poco::Timespan maximumReset; /// 7 days
	static const Poco::Timespan maximumRetryAfter; /// 1 hour

private:
	Window _requests;
	Window _tokens;
	std::optional<Poco::Timestamp> _retryAfter;
};

} // namespace AILoad

#endif

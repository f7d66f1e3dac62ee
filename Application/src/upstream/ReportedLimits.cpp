#include "ReportedLimits.h"

#include "Cooldown.h"
#include "HttpHeadParser.h"
#include "UtcCalendar.h"
#include <Poco/Ascii.h>
#include <Poco/String.h>
#include <algorithm>
#include <bitset>
#include <string>

namespace AILoad {

const Poco::Timespan ReportedLimits::defaultSetAside(60, 0);
const Poco::Timespan ReportedLimits::maximumReset(7 * 86400, 0);
const Poco::Timespan ReportedLimits::maximumRetryAfter(3600, 0);

namespace {

enum class Resource
{
	Requests,
	Tokens
};
enum class Field
{
	Limit,
	Remaining,
	Reset,
	RetryAfter
};
enum class Format
{
	Count, /// digits
	Duration, /// from now: a Go duration or seconds
	EpochTime, /// X-RateLimit-Reset: by its size, seconds from now, epoch seconds or epoch ms
	Rfc3339, /// an absolute time
	Milliseconds, /// retry-after-ms
	RetryAfter /// Retry-After: seconds or an HTTP date
};

enum Family
	/// The headers that describe one window together (a limit, its remaining and its reset).
{
	OpenAIRequests,
	OpenAITokens,
	CerebrasRequestsPerDay,
	CerebrasTokensPerMinute,
	RateLimit,
	AnthropicRequests,
	AnthropicTokens,
	AnthropicInputTokens,
	AnthropicOutputTokens,
	FamilyCount,
	NoWindow = FamilyCount /// Retry-After and retry-after-ms
};

struct HeaderRow
{
	const char* name;
	Family family;
	Resource resource;
	Field field;
	Format format;
};

// One row per header: a provider that reports its limits another way is more rows.
const HeaderRow headerRows[] = {
	// OpenAI, Groq and most OpenAI-compatible APIs.
	{"x-ratelimit-limit-requests", OpenAIRequests, Resource::Requests, Field::Limit, Format::Count},
	{"x-ratelimit-remaining-requests", OpenAIRequests, Resource::Requests, Field::Remaining, Format::Count},
	{"x-ratelimit-reset-requests", OpenAIRequests, Resource::Requests, Field::Reset, Format::Duration},
	{"x-ratelimit-limit-tokens", OpenAITokens, Resource::Tokens, Field::Limit, Format::Count},
	{"x-ratelimit-remaining-tokens", OpenAITokens, Resource::Tokens, Field::Remaining, Format::Count},
	{"x-ratelimit-reset-tokens", OpenAITokens, Resource::Tokens, Field::Reset, Format::Duration},
	// Cerebras: requests per day, tokens per minute, resets in seconds.
	{"x-ratelimit-limit-requests-day", CerebrasRequestsPerDay, Resource::Requests, Field::Limit, Format::Count},
	{"x-ratelimit-remaining-requests-day", CerebrasRequestsPerDay, Resource::Requests, Field::Remaining, Format::Count},
	{"x-ratelimit-reset-requests-day", CerebrasRequestsPerDay, Resource::Requests, Field::Reset, Format::Duration},
	{"x-ratelimit-limit-tokens-minute", CerebrasTokensPerMinute, Resource::Tokens, Field::Limit, Format::Count},
	{"x-ratelimit-remaining-tokens-minute", CerebrasTokensPerMinute, Resource::Tokens, Field::Remaining, Format::Count},
	{"x-ratelimit-reset-tokens-minute", CerebrasTokensPerMinute, Resource::Tokens, Field::Reset, Format::Duration},
	// OpenRouter and many other APIs: requests.
	{"x-ratelimit-limit", RateLimit, Resource::Requests, Field::Limit, Format::Count},
	{"x-ratelimit-remaining", RateLimit, Resource::Requests, Field::Remaining, Format::Count},
	{"x-ratelimit-reset", RateLimit, Resource::Requests, Field::Reset, Format::EpochTime},
	// Anthropic.
	{"anthropic-ratelimit-requests-limit", AnthropicRequests, Resource::Requests, Field::Limit, Format::Count},
	{"anthropic-ratelimit-requests-remaining", AnthropicRequests, Resource::Requests, Field::Remaining, Format::Count},
	{"anthropic-ratelimit-requests-reset", AnthropicRequests, Resource::Requests, Field::Reset, Format::Rfc3339},
	{"anthropic-ratelimit-tokens-limit", AnthropicTokens, Resource::Tokens, Field::Limit, Format::Count},
	{"anthropic-ratelimit-tokens-remaining", AnthropicTokens, Resource::Tokens, Field::Remaining, Format::Count},
	{"anthropic-ratelimit-tokens-reset", AnthropicTokens, Resource::Tokens, Field::Reset, Format::Rfc3339},
	{"anthropic-ratelimit-input-tokens-limit", AnthropicInputTokens, Resource::Tokens, Field::Limit, Format::Count},
	{"anthropic-ratelimit-input-tokens-remaining", AnthropicInputTokens, Resource::Tokens, Field::Remaining, Format::Count},
	{"anthropic-ratelimit-input-tokens-reset", AnthropicInputTokens, Resource::Tokens, Field::Reset, Format::Rfc3339},
	{"anthropic-ratelimit-output-tokens-limit", AnthropicOutputTokens, Resource::Tokens, Field::Limit, Format::Count},
	{"anthropic-ratelimit-output-tokens-remaining", AnthropicOutputTokens, Resource::Tokens, Field::Remaining, Format::Count},
	{"anthropic-ratelimit-output-tokens-reset", AnthropicOutputTokens, Resource::Tokens, Field::Reset, Format::Rfc3339},
	// Any provider; retry-after-ms wins when both come (see read()).
	{"retry-after-ms", NoWindow, Resource::Requests, Field::RetryAfter, Format::Milliseconds},
	{"retry-after", NoWindow, Resource::Requests, Field::RetryAfter, Format::RetryAfter},
};

const std::size_t rowCount = sizeof(headerRows) / sizeof(headerRows[0]);

const Poco::Int64 microsPerSecond = 1000000;
const Poco::Int64 wholeCap = Poco::Int64(100000000000000000); // 10^17: beyond, a number is "huge"
const Poco::Int64 durationCapNanos = Poco::Int64(36524) * 86400 * 1000000000; // 100 years (of 365.24 days)


bool isDigit(char c)
{
	return c >= '0' && c <= '9';
}


struct Number
	/// An unsigned decimal: its whole part (at most wholeCap, `huge` beyond) and its fraction
	/// in millionths (further digits dropped).
{
	Poco::Int64 whole = 0;
	Poco::Int64 millionths = 0;
	bool huge = false;
};


bool readNumber(std::string_view text, std::size_t& pos, Number& number)
	/// "12", "12.5", ".5", "12." (as Go reads them): at least one digit in all.
{
	std::size_t digits = 0;
	while (pos < text.size() && isDigit(text[pos]))
	{
		if (number.whole >= wholeCap) number.huge = true;
		else
			number.whole = number.whole * 10 + (text[pos] - '0');
		++pos;
		++digits;
	}
	if (pos < text.size() && text[pos] == '.')
	{
		++pos;
		Poco::Int64 scale = 100000;
		while (pos < text.size() && isDigit(text[pos]))
		{
			number.millionths += (text[pos] - '0') * scale;
			scale /= 10;
			++pos;
			++digits;
		}
	}
	return digits > 0;
}


std::optional<Number> wholeNumber(std::string_view text)
	/// The text is one unsigned decimal and nothing else.
{
	text = HttpHeadParser::trimmed(text);
	std::size_t pos = 0;
	Number number;
	if (!readNumber(text, pos, number) || pos != text.size()) return std::nullopt;
	return number;
}


Poco::Int64 unitNanos(std::string_view text, std::size_t& pos)
	/// The Go duration unit at pos, in nanoseconds; 0 when there is none.
{
	struct Unit
	{
		std::string_view name;
		Poco::Int64 nanos;
	};
	// Longer names first: "ms" is not "m" followed by "s".
	static const Unit units[] = {
		{"ns", 1},
		{"us", 1000},
		{"\xC2\xB5s", 1000},
		{"\xCE\xBCs", 1000},
		{"ms", 1000000},
		{"s", 1000000000},
		{"m", Poco::Int64(60) * 1000000000},
		{"h", Poco::Int64(3600) * 1000000000},
	};
	for (const Unit& unit : units)
	{
		if (text.substr(pos, unit.name.size()) == unit.name)
		{
			pos += unit.name.size();
			return unit.nanos;
		}
	}
	return 0;
}


Poco::Timestamp later(const Poco::Timestamp& now, Poco::Timespan span, Poco::Timespan cap)
	/// now + span, span within [0, cap].
{
	return now + std::clamp(span, Poco::Timespan(0), cap).totalMicroseconds();
}


Poco::Timestamp within(const Poco::Timestamp& at, const Poco::Timestamp& now, Poco::Timespan cap)
	/// `at` within [now, now + cap].
{
	const Poco::Timestamp last = now + cap.totalMicroseconds();
	return at < now ? now : at > last ? last
									  : at;
}


std::optional<Poco::Timestamp> parseReset(std::string_view text, Format format, const Poco::Timestamp& now)
{
	switch (format)
	{
	case Format::Duration:
		if (const auto span = ReportedLimits::parseDuration(text)) return later(now, *span, ReportedLimits::maximumReset);
		return std::nullopt;
	case Format::EpochTime:
		return ReportedLimits::parseResetTime(text, now);
	case Format::Rfc3339:
		if (const auto at = ReportedLimits::parseRfc3339(text)) return within(*at, now, ReportedLimits::maximumReset);
		return std::nullopt;
	default:
		return std::nullopt;
	}
}


bool closerToLimit(const ReportedLimits::Window& a, const ReportedLimits::Window& b)
	/// Whether `a` constrains more than `b`: it has a remaining and `b` none, less of it,
	/// or as much and a later reset.
{
	if (a.remaining.has_value() != b.remaining.has_value()) return a.remaining.has_value();
	if (a.remaining && *a.remaining != *b.remaining) return *a.remaining < *b.remaining;
	return a.reset && (!b.reset || *a.reset > *b.reset);
}


std::optional<Poco::Timespan> parseRetryAfterMs(std::string_view text)
{
	const auto number = wholeNumber(text);
	if (!number) return std::nullopt;
	const Poco::Int64 cap = ReportedLimits::maximumRetryAfter.totalMicroseconds();
	if (number->huge || number->whole > cap / 1000) return Poco::Timespan(cap);
	return Poco::Timespan(number->whole * 1000 + number->millionths / 1000);
}


int digitsAt(std::string_view text, std::size_t pos, std::size_t count)
	/// The number written with exactly `count` digits at pos; -1 when they are not digits.
{
	if (pos + count > text.size()) return -1;
	int value = 0;
	for (std::size_t i = pos; i < pos + count; ++i)
	{
		if (!isDigit(text[i])) return -1;
		value = value * 10 + (text[i] - '0');
	}
	return value;
}

} // namespace


bool ReportedLimits::Window::known() const
{
	return limit || remaining || reset;
}


ReportedLimits ReportedLimits::read(const Poco::Net::NameValueCollection& headers, const Poco::Timestamp& now)
{
	Window windows[FamilyCount];
	Resource resources[FamilyCount] = {};
	std::optional<Poco::Timespan> retryAfterMs;
	std::optional<Poco::Timespan> retryAfter;
	std::bitset<rowCount> seen;
	// One pass over the answer's headers; most fail at their first letter. Of a header that
	// comes twice, the first counts, as for NameValueCollection::get().
	for (const auto& header : headers)
	{
		const char first = static_cast<char>(Poco::Ascii::toLower(header.first.empty() ? 0 : header.first[0]));
		if (first != 'x' && first != 'a' && first != 'r') continue;
		for (std::size_t i = 0; i < rowCount; ++i)
		{
			const HeaderRow& row = headerRows[i];
			if (seen[i] || Poco::icompare(header.first, row.name) != 0) continue;
			seen.set(i);
			if (row.field == Field::RetryAfter)
			{
				if (row.format == Format::Milliseconds) retryAfterMs = parseRetryAfterMs(header.second);
				else
				{
					// Cooldown's reading, so that one rule holds everywhere (docs/reliability.md).
					const Poco::Timespan wait = Cooldown::parseRetryAfter(header.second, now);
					if (wait >= 0) retryAfter = wait;
				}
				break;
			}
			Window& window = windows[row.family];
			resources[row.family] = row.resource;
			switch (row.field)
			{
			case Field::Limit: window.limit = parseCount(header.second); break;
			case Field::Remaining: window.remaining = parseCount(header.second); break;
			default: window.reset = parseReset(header.second, row.format, now); break;
			}
			break;
		}
	}

	ReportedLimits limits;
	for (int family = 0; family < FamilyCount; ++family)
	{
		const Window& window = windows[family];
		if (!window.known()) continue;
		Window& kept = resources[family] == Resource::Requests ? limits._requests : limits._tokens;
		if (!kept.known() || closerToLimit(window, kept)) kept = window;
	}
	// retry-after-ms first, as OpenAI's and Anthropic's SDKs read them: it is the precise one.
	if (retryAfterMs) limits._retryAfter = later(now, *retryAfterMs, maximumRetryAfter);
	else if (retryAfter)
		limits._retryAfter = later(now, *retryAfter, maximumRetryAfter);
	return limits;
}


const ReportedLimits::Window& ReportedLimits::requests() const
{
	return _requests;
}


const ReportedLimits::Window& ReportedLimits::tokens() const
{
	return _tokens;
}


std::optional<Poco::Timestamp> ReportedLimits::retryAfter() const
{
	return _retryAfter;
}


bool ReportedLimits::empty() const
{
	return !_requests.known() && !_tokens.known() && !_retryAfter;
}


std::optional<Poco::Timestamp> ReportedLimits::setAsideUntil(const Poco::Timestamp& now) const
{
	std::optional<Poco::Timestamp> until;
	for (const Window* window : {&_requests, &_tokens})
	{
		if (!window->remaining || *window->remaining != 0) continue;
		const Poco::Timestamp end = window->reset ? *window->reset
			: _retryAfter                         ? *_retryAfter
												  : now + defaultSetAside.totalMicroseconds();
		if (!until || end > *until) until = end;
	}
	if (until && *until <= now) return std::nullopt;
	return until;
}


std::optional<Poco::Timespan> ReportedLimits::parseDuration(std::string_view text)
{
	text = HttpHeadParser::trimmed(text);
	if (!text.empty() && text.front() == '+') text.remove_prefix(1);
	if (text.empty()) return std::nullopt;
	// A bare number is seconds (Cerebras); Go's own "0" is one too.
	if (const auto seconds = wholeNumber(text))
	{
		if (seconds->huge || seconds->whole > durationCapNanos / 1000000000) return Poco::Timespan(durationCapNanos / 1000);
		return Poco::Timespan(seconds->whole * microsPerSecond + seconds->millionths);
	}
	Poco::Int64 nanos = 0;
	std::size_t pos = 0;
	while (pos < text.size())
	{
		Number number;
		if (!readNumber(text, pos, number)) return std::nullopt;
		const Poco::Int64 unit = unitNanos(text, pos);
		if (unit == 0) return std::nullopt;
		// Each part and the sum stay below 2 * durationCapNanos < 2^63.
		Poco::Int64 part = durationCapNanos;
		if (!number.huge && number.whole <= durationCapNanos / unit)
			part = number.whole * unit + number.millionths * unit / 1000000;
		nanos = std::min(nanos + std::min(part, durationCapNanos), durationCapNanos);
	}
	return Poco::Timespan(nanos / 1000);
}


std::optional<Poco::Timestamp> ReportedLimits::parseRfc3339(std::string_view text)
{
	text = HttpHeadParser::trimmed(text);
	// YYYY-MM-DDTHH:MM:SS
	const int year = digitsAt(text, 0, 4);
	const int month = digitsAt(text, 5, 2);
	const int day = digitsAt(text, 8, 2);
	const int hour = digitsAt(text, 11, 2);
	const int minute = digitsAt(text, 14, 2);
	const int second = digitsAt(text, 17, 2);
	if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return std::nullopt;
	if (text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':') return std::nullopt;
	if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
	// Second 60 is a leap second: it reads as the next second's start.
	if (!UtcCalendar::isValid(year, month, day) || hour > 23 || minute > 59 || second > 60) return std::nullopt;

	std::size_t pos = 19;
	Poco::Int64 micros = 0;
	if (pos < text.size() && text[pos] == '.')
	{
		++pos;
		const std::size_t first = pos;
		Poco::Int64 scale = 100000;
		while (pos < text.size() && isDigit(text[pos]))
		{
			micros += (text[pos] - '0') * scale;
			scale /= 10;
			++pos;
		}
		if (pos == first) return std::nullopt;
	}
	if (pos >= text.size()) return std::nullopt; // RFC 3339 requires the offset
	Poco::Int64 offsetSeconds = 0;
	if (text[pos] == 'Z' || text[pos] == 'z')
	{
		++pos;
	}
	else if (text[pos] == '+' || text[pos] == '-')
	{
		const int offsetHours = digitsAt(text, pos + 1, 2);
		const int offsetMinutes = digitsAt(text, pos + 4, 2);
		if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59 || text[pos + 3] != ':') return std::nullopt;
		offsetSeconds = (text[pos] == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
		pos += 6;
	}
	else
		return std::nullopt;
	if (pos != text.size()) return std::nullopt;

	// Years 0..9999: about 3.2 * 10^17 microseconds either way of 1970, far inside an Int64.
	const Poco::Int64 seconds = UtcCalendar::daysOf(year, month, day) * UtcCalendar::secondsPerDay
		+ hour * 3600 + minute * 60 + second - offsetSeconds;
	return Poco::Timestamp(seconds * microsPerSecond + micros);
}


std::optional<Poco::Timestamp> ReportedLimits::parseResetTime(std::string_view text, const Poco::Timestamp& now)
{
	const auto number = wholeNumber(text);
	if (!number) return std::nullopt;
	const Poco::Int64 farAway = Poco::Int64(1000000000000000); // 10^15 ms is the year 33658
	if (number->huge || number->whole >= farAway) return now + maximumReset.totalMicroseconds();
	Poco::Timestamp at;
	if (number->whole < Poco::Int64(1000000000))
		return later(now, Poco::Timespan(number->whole * microsPerSecond + number->millionths), maximumReset);
	if (number->whole < Poco::Int64(100000000000))
		at = Poco::Timestamp(number->whole * microsPerSecond + number->millionths);
	else
		at = Poco::Timestamp(number->whole * 1000 + number->millionths / 1000);
	return within(at, now, maximumReset);
}


std::optional<Poco::Int64> ReportedLimits::parseCount(std::string_view text)
{
	text = HttpHeadParser::trimmed(text);
	if (text.empty() || text.size() > 15) return std::nullopt;
	Poco::Int64 count = 0;
	for (char c : text)
	{
		if (!isDigit(c)) return std::nullopt;
		count = count * 10 + (c - '0');
	}
	return count;
}

} // namespace AILoad

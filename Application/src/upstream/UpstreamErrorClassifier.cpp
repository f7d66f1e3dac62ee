#include "UpstreamErrorClassifier.h"

#include "JsonScanner.h"
#include "PacificTime.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <algorithm>
#include <optional>

namespace AILoad {

const Poco::Timespan UpstreamErrorClassifier::defaultRateLimitCooldown(30, 0);
const Poco::Timespan UpstreamErrorClassifier::maximumRateLimitCooldown(3600, 0);
const Poco::Timespan UpstreamErrorClassifier::badKeyCooldown(600, 0);
const Poco::Timespan UpstreamErrorClassifier::maximumQuotaCooldown(366 * 86400, 0);

namespace {

using Kind = UpstreamErrorClassifier::Kind;

struct BodyFacts
	/// What an error body says, from its `error` object (OpenAI's, Anthropic's, Google's
	/// and OpenRouter's errors all have one).
{
	std::string type; /// error.type
	std::string code; /// error.code, when a string
	int numericCode = 0; /// error.code, when a number of 100..999
	std::string status; /// error.status (Google's canonical code)
	std::optional<Poco::Timespan> retryDelay; /// google.rpc.RetryInfo.retryDelay
	bool dailyQuota = false; /// a google.rpc.QuotaFailure violation per day
	std::string dailyQuotaId; /// its quotaId, when it looks like one (asCode())
};

enum class Field
{
	None,
	ErrorType,
	ErrorCode,
	ErrorStatus
};

struct SignalRow
{
	int status; /// the HTTP status it applies to
	Field field; /// the field of `error` that must hold `value`; None: the status alone
	const char* value;
	Kind kind;
};

// First match wins: specific rows before the status alone. Another provider's way of
// saying "out of credit" is another row.
const SignalRow signalRows[] = {
	// OpenAI: the account is out of credit; it says so with a 429, but no wait helps.
	{429, Field::ErrorCode, "insufficient_quota", Kind::QuotaExhausted},
	{429, Field::ErrorType, "insufficient_quota", Kind::QuotaExhausted},
	// 402 Payment Required: OpenRouter's "Insufficient credits", DeepSeek's "Insufficient Balance".
	{402, Field::None, nullptr, Kind::QuotaExhausted},
	// Google's error model (Gemini): its RetryInfo and QuotaFailure say how long.
	{429, Field::ErrorStatus, "RESOURCE_EXHAUSTED", Kind::RateLimited},
	{429, Field::None, nullptr, Kind::RateLimited},
	{401, Field::None, nullptr, Kind::BadKey},
	{403, Field::None, nullptr, Kind::BadKey},
};

// Google's error bodies nest 7 deep ([ {error: {details: [ {violations: [ {...} ] } ] } } ]).
const std::size_t maximumDepth = 16;


std::string stringOf(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
	const Poco::Dynamic::Var value = object->get(key);
	return value.type() == typeid(std::string) ? value.extract<std::string>() : std::string();
}


bool endsWith(const std::string& text, const std::string& suffix)
{
	return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}


std::string asCode(const std::string& text)
	/// `text` when it looks like a provider's code (at most 80 of [A-Za-z0-9_.-]), else
	/// empty: nothing else of a body may reach the log.
{
	if (text.size() > 80) return std::string();
	for (char c : text)
	{
		const bool codeCharacter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
		if (!codeCharacter) return std::string();
	}
	return text;
}


void readGoogleDetails(const Poco::JSON::Array::Ptr& details, BodyFacts& facts)
{
	for (std::size_t i = 0; i < details->size(); ++i)
	{
		const Poco::JSON::Object::Ptr detail = details->getObject(static_cast<unsigned>(i));
		if (!detail) continue;
		const std::string type = stringOf(detail, "@type");
		if (endsWith(type, "google.rpc.RetryInfo"))
		{
			if (const auto delay = ReportedLimits::parseDuration(stringOf(detail, "retryDelay"))) facts.retryDelay = delay;
		}
		else if (endsWith(type, "google.rpc.QuotaFailure"))
		{
			const Poco::JSON::Array::Ptr violations = detail->getArray("violations");
			if (!violations) continue;
			for (std::size_t j = 0; j < violations->size() && !facts.dailyQuota; ++j)
			{
				const Poco::JSON::Object::Ptr violation = violations->getObject(static_cast<unsigned>(j));
				if (!violation) continue;
				const std::string quotaId = stringOf(violation, "quotaId");
				if (quotaId.find("PerDay") == std::string::npos) continue;
				facts.dailyQuota = true;
				facts.dailyQuotaId = asCode(quotaId);
			}
		}
	}
}


BodyFacts readBody(std::string_view body)
{
	BodyFacts facts;
	if (body.empty() || body.size() > UpstreamErrorClassifier::maximumBodyRead) return facts;
	// The strict scan first: most bodies that are not JSON (an HTML error page) end here,
	// without an exception, and POCO's parser only sees valid UTF-8.
	if (!JsonScanner::scan(body).valid) return facts;
	try
	{
		Poco::JSON::Parser parser;
		parser.setDepth(maximumDepth);
		const Poco::Dynamic::Var parsed = parser.parse(std::string(body));
		Poco::JSON::Object::Ptr root;
		if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) root = parsed.extract<Poco::JSON::Object::Ptr>();
		else if (parsed.type() == typeid(Poco::JSON::Array::Ptr))
		{
			// Gemini's OpenAI-compatible endpoint: [{"error": {...}}].
			const Poco::JSON::Array::Ptr array = parsed.extract<Poco::JSON::Array::Ptr>();
			if (array->size() > 0) root = array->getObject(0);
		}
		if (!root) return facts;
		const Poco::JSON::Object::Ptr error = root->getObject("error");
		if (!error) return facts;
		facts.type = stringOf(error, "type");
		facts.status = stringOf(error, "status");
		if (const Poco::JSON::Array::Ptr details = error->getArray("details")) readGoogleDetails(details, facts);
		const Poco::Dynamic::Var code = error->get("code");
		if (code.type() == typeid(std::string)) facts.code = code.extract<std::string>();
		else if (code.isInteger())
		{
			// Last: a number beyond an Int64 throws, and what was read before stands.
			const Poco::Int64 number = code.convert<Poco::Int64>();
			if (number >= 100 && number <= 999) facts.numericCode = static_cast<int>(number);
		}
	}
	catch (Poco::Exception&)
	{
		// Deeper than maximumDepth, or a number out of range.
	}
	return facts;
}


const std::string& fieldOf(const BodyFacts& facts, Field field)
{
	static const std::string none;
	switch (field)
	{
	case Field::ErrorType: return facts.type;
	case Field::ErrorCode: return facts.code;
	case Field::ErrorStatus: return facts.status;
	default: return none;
	}
}


std::string seconds(Poco::Timespan span)
	/// Whole seconds, rounded up, as the Retry-After the gateway gives its clients.
{
	const Poco::Int64 micros = std::max<Poco::Int64>(span.totalMicroseconds(), 0);
	return std::to_string((micros + 999999) / 1000000) + " s";
}

} // namespace


UpstreamErrorClassifier::Verdict UpstreamErrorClassifier::classify(int status, const Poco::Net::NameValueCollection& headers,
	std::string_view body, const Poco::Timestamp& now, Poco::Timespan quotaCooldown)
{
	return classify(status, ReportedLimits::read(headers, now), body, now, quotaCooldown);
}


UpstreamErrorClassifier::Verdict UpstreamErrorClassifier::classify(int status, const ReportedLimits& limits,
	std::string_view body, const Poco::Timestamp& now, Poco::Timespan quotaCooldown)
{
	const BodyFacts facts = readBody(body);
	// An error in the first event of a stream that began 200 counts as the status it names.
	if (status >= 200 && status < 300 && facts.numericCode >= 400 && facts.numericCode <= 599) status = facts.numericCode;

	Verdict verdict;
	verdict.reason = "HTTP " + std::to_string(status);
	const SignalRow* signal = nullptr;
	for (const SignalRow& row : signalRows)
	{
		if (row.status != status) continue;
		if (row.field != Field::None && Poco::icompare(fieldOf(facts, row.field), std::string(row.value)) != 0) continue;
		signal = &row;
		break;
	}
	if (!signal) return verdict;
	if (signal->field != Field::None) verdict.reason += std::string(" ") + signal->value;
	verdict.kind = signal->kind;

	switch (verdict.kind)
	{
	case Kind::QuotaExhausted:
	{
		// Out of credit: waiting a minute does not help, an hour (by default) might.
		Poco::Timestamp until = now + std::clamp(quotaCooldown, Poco::Timespan(0), maximumQuotaCooldown).totalMicroseconds();
		if (limits.retryAfter() && *limits.retryAfter() > until) until = *limits.retryAfter();
		verdict.until = until;
		verdict.reason += ": out of credit, for " + seconds(until - now);
		break;
	}
	case Kind::RateLimited:
		if (facts.dailyQuota)
		{
			// Google resets per-day quotas at midnight Pacific time.
			verdict.kind = Kind::QuotaExhausted;
			verdict.until = PacificTime::nextMidnight(now);
			if (!facts.dailyQuotaId.empty()) verdict.reason += " " + facts.dailyQuotaId;
			verdict.reason += ": daily quota, until midnight Pacific time";
		}
		else if (facts.retryDelay)
		{
			verdict.until = now + std::min(*facts.retryDelay, maximumRateLimitCooldown).totalMicroseconds();
			verdict.reason += ": retryDelay " + seconds(verdict.until - now);
		}
		else if (limits.retryAfter())
		{
			verdict.until = *limits.retryAfter();
			verdict.reason += ": Retry-After " + seconds(verdict.until - now);
		}
		else if (const auto setAside = limits.setAsideUntil(now))
		{
			// Longer waits stay with the set-aside the gateway takes from the same headers.
			verdict.until = std::min(*setAside, now + maximumRateLimitCooldown.totalMicroseconds());
			verdict.reason += ": none remaining, for " + seconds(verdict.until - now);
		}
		else
		{
			verdict.until = now + defaultRateLimitCooldown.totalMicroseconds();
			verdict.reason += ": for " + seconds(defaultRateLimitCooldown);
		}
		break;
	case Kind::BadKey:
		verdict.until = now + badKeyCooldown.totalMicroseconds();
		verdict.reason += ": key refused, for " + seconds(badKeyCooldown);
		break;
	default:
		break;
	}
	return verdict;
}


const char* UpstreamErrorClassifier::describe(Kind kind)
{
	switch (kind)
	{
	case Kind::RateLimited: return "rate_limited";
	case Kind::QuotaExhausted: return "quota_exhausted";
	case Kind::BadKey: return "bad_key";
	default: return "none";
	}
}

} // namespace AILoad

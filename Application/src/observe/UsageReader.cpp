#include "UsageReader.h"

namespace AILoad {

namespace {

Poco::Int64 count(std::string_view usage, const JsonScanner::Member* member)
{
	// Digits only: a sign, a fraction or an exponent is no token count. 18 digits fit an Int64.
	if (!member) return -1;
	const std::string_view value = usage.substr(member->valueBegin, member->valueEnd - member->valueBegin);
	if (value.empty() || value.size() > 18) return -1;
	Poco::Int64 n = 0;
	for (char c : value)
	{
		if (c < '0' || c > '9') return -1;
		n = n * 10 + (c - '0');
	}
	return n;
}

} // namespace


TokenUsage UsageReader::ofBody(std::string_view json)
{
	static constexpr std::string_view space = " \t\r\n";
	const auto trimmed = [](std::string_view value) {
		const std::size_t begin = value.find_first_not_of(space);
		return begin == std::string_view::npos ? std::string_view() : value.substr(begin, value.find_last_not_of(space) - begin + 1);
	};
	std::size_t i = json.find_first_not_of(space);
	if (i == std::string_view::npos || json[i] != '{') return TokenUsage();
	int depth = 0;
	bool keyNext = false; // in the top-level object, the next string is a key
	bool usageKey = false; // the key just read is "usage"
	std::size_t valueBegin = std::string_view::npos; // of the "usage" member being read
	std::string_view usage; // the last one read to its end
	const auto memberEnds = [&](std::size_t at) {
		if (valueBegin != std::string_view::npos) usage = json.substr(valueBegin, at - valueBegin);
		valueBegin = std::string_view::npos;
	};
	for (; i < json.size(); ++i)
	{
		switch (json[i])
		{
		case '"':
		{
			const std::size_t begin = i + 1;
			for (++i; i < json.size() && json[i] != '"'; ++i)
				if (json[i] == '\\') ++i;
			if (i >= json.size()) return TokenUsage();
			if (depth == 1 && keyNext)
			{
				keyNext = false;
				usageKey = json.substr(begin, i - begin) == "usage";
			}
			break;
		}
		case ':':
			if (depth == 1 && usageKey) valueBegin = i + 1;
			usageKey = false;
			break;
		case '{':
		case '[':
			if (++depth == 1) keyNext = true;
			break;
		case ',':
			if (depth == 1)
			{
				memberEnds(i);
				keyNext = true;
			}
			break;
		case '}':
		case ']':
			if (depth == 1) memberEnds(i);
			if (--depth == 0)
			{
				if (json.find_first_not_of(space, i + 1) != std::string_view::npos) return TokenUsage();
				return ofUsage(trimmed(usage));
			}
			break;
		default:
			break;
		}
	}
	return TokenUsage(); // the object does not end
}


TokenUsage UsageReader::ofUsage(std::string_view usage)
{
	TokenUsage tokens;
	if (usage.empty() || usage.front() != '{') return tokens;
	const JsonScanner::Result scanned = JsonScanner::scan(usage);
	if (!scanned.valid || !scanned.isObject) return tokens;
	tokens.prompt = count(usage, scanned.find("prompt_tokens"));
	tokens.completion = count(usage, scanned.find("completion_tokens"));
	return tokens;
}

} // namespace AILoad

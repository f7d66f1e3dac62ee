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
	// Read from the end: OpenAI-compatible answers write their usage last, so only the
	// bytes after it are looked at. In valid JSON a backslash only occurs in strings, so a
	// quote ends or starts a string unless an odd number of backslashes comes before it.
	static constexpr std::string_view space = " \t\r\n";
	const std::size_t first = json.find_first_not_of(space);
	const std::size_t last = json.find_last_not_of(space);
	if (first == std::string_view::npos || json[first] != '{' || json[last] != '}') return TokenUsage();
	const auto escaped = [&](std::size_t quote) {
		std::size_t backslashes = 0;
		while (quote > backslashes && json[quote - backslashes - 1] == '\\') ++backslashes;
		return backslashes % 2 == 1;
	};
	int depth = 0;
	std::size_t memberEnd = last; // of the top-level member being read: its ',' or the final '}'
	std::size_t colon = std::string_view::npos; // of that member, once passed
	for (std::size_t i = last + 1; i-- > first;)
	{
		switch (json[i])
		{
		case '"':
		{
			const std::size_t end = i;
			do
			{
				if (i == 0 || (i = json.rfind('"', i - 1)) == std::string_view::npos) return TokenUsage();
			} while (escaped(i));
			if (depth == 1 && colon != std::string_view::npos)
			{
				// The member's key: the value lies between its colon and its end.
				if (json.substr(i + 1, end - i - 1) == "usage")
				{
					const std::string_view value = json.substr(colon + 1, memberEnd - colon - 1);
					const std::size_t begin = value.find_first_not_of(space);
					if (begin == std::string_view::npos) return TokenUsage();
					return ofUsage(value.substr(begin, value.find_last_not_of(space) - begin + 1));
				}
				colon = std::string_view::npos;
			}
			break;
		}
		case ':':
			if (depth == 1) colon = i;
			break;
		case ',':
			if (depth == 1) memberEnd = i;
			break;
		case '}':
		case ']':
			++depth;
			break;
		case '{':
		case '[':
			if (--depth == 0) return TokenUsage(); // the top-level object, without a usage
			break;
		default:
			break;
		}
	}
	return TokenUsage(); // the object does not start where it ends
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

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


TokenUsage UsageReader::ofObject(std::string_view json, const JsonScanner::Result& scanned)
{
	const JsonScanner::Member* usage = scanned.find("usage");
	if (!usage) return TokenUsage();
	return ofUsage(json.substr(usage->valueBegin, usage->valueEnd - usage->valueBegin));
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

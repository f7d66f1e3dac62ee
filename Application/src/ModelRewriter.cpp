#include "ModelRewriter.h"

#include <Poco/JSONString.h>

namespace AILoad {

std::string ModelRewriter::rewrite(std::string_view body, const JsonScanner::Result& scanned, const std::string& model)
{
	const std::string quoted = Poco::toJSON(model, Poco::JSON_WRAP_STRINGS);
	std::string out;
	out.reserve(body.size() + quoted.size());

	bool replaced = false;
	std::size_t copied = 0;
	for (const auto& member : scanned.members)
	{
		if (!member.hasKey("model")) continue;
		out.append(body, copied, member.valueBegin - copied);
		out += quoted;
		copied = member.valueEnd;
		replaced = true;
	}
	if (replaced)
	{
		out.append(body, copied, std::string_view::npos);
		return out;
	}

	const std::size_t brace = body.find('{') + 1;
	out.append(body, 0, brace);
	out += "\"model\":" + quoted;
	if (!scanned.members.empty()) out += ',';
	out.append(body, brace, std::string_view::npos);
	return out;
}

} // namespace AILoad

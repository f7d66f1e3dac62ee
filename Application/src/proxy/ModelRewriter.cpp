#include "ModelRewriter.h"

#include <Poco/JSONString.h>
#include <sstream>

namespace AILoad {

std::size_t ModelRewriter::Splice::size() const
{
	std::size_t total = (spans.size() - 1) * replacement.size();
	for (const auto& span : spans) total += span.second;
	return total;
}


void ModelRewriter::Splice::writeTo(std::ostream& out, std::string_view body) const
{
	for (std::size_t i = 0; i < spans.size(); ++i)
	{
		if (i > 0) out.write(replacement.data(), static_cast<std::streamsize>(replacement.size()));
		out.write(body.data() + spans[i].first, static_cast<std::streamsize>(spans[i].second));
	}
}


ModelRewriter::Splice ModelRewriter::splice(std::string_view body, const JsonScanner::Result& scanned, const std::string& model)
{
	Splice splice;
	splice.replacement = Poco::toJSON(model, Poco::JSON_WRAP_STRINGS);
	std::size_t copied = 0;
	for (const auto& member : scanned.members)
	{
		if (!member.hasKey("model")) continue;
		splice.spans.emplace_back(copied, member.valueBegin - copied);
		copied = member.valueEnd;
	}
	if (!splice.spans.empty())
	{
		splice.spans.emplace_back(copied, body.size() - copied);
		return splice;
	}
	const std::size_t brace = body.find('{') + 1;
	splice.replacement = "\"model\":" + splice.replacement + (scanned.members.empty() ? "" : ",");
	splice.spans = {{0, brace}, {brace, body.size() - brace}};
	return splice;
}


std::string ModelRewriter::rewrite(std::string_view body, const JsonScanner::Result& scanned, const std::string& model)
{
	std::ostringstream out;
	splice(body, scanned, model).writeTo(out, body);
	return out.str();
}

} // namespace AILoad

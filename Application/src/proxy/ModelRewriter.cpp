#include "ModelRewriter.h"

#include "Observing.h"
#include <Poco/JSONString.h>
#include <sstream>

namespace AILoad {

namespace {

struct Edit
	/// The client's bytes [begin, end) replaced by `text` (begin == end: an insertion).
{
	std::size_t begin;
	std::size_t end;
	std::string text;
};

} // namespace


std::size_t ModelRewriter::Splice::size() const
{
	std::size_t total = 0;
	for (const auto& span : spans) total += span.second;
	for (const auto& insert : inserts) total += insert.size();
	return total;
}


void ModelRewriter::Splice::writeTo(std::ostream& out, std::string_view body) const
{
	for (std::size_t i = 0; i < spans.size(); ++i)
	{
		if (i > 0) out.write(inserts[i - 1].data(), static_cast<std::streamsize>(inserts[i - 1].size()));
		out.write(body.data() + spans[i].first, static_cast<std::streamsize>(spans[i].second));
	}
}


void ModelRewriter::Splice::appendTo(std::string& out, std::string_view body) const
{
	for (std::size_t i = 0; i < spans.size(); ++i)
	{
		if (i > 0) out += inserts[i - 1];
		out.append(body.data() + spans[i].first, spans[i].second);
	}
}


ModelRewriter::Splice ModelRewriter::splice(std::string_view body, const JsonScanner::Result& scanned, const std::string& model, bool askForUsage)
{
	const std::string quoted = Poco::toJSON(model, Poco::JSON_WRAP_STRINGS);
	// The edits in the order of the body: the model first (inserted right after the opening
	// brace, or each top-level value replaced), the usage option after the last member.
	std::vector<Edit> edits;
	edits.reserve(2); // the model, and the usage option
	for (const auto& member : scanned.members)
	{
		if (member.hasKey("model")) edits.push_back({member.valueBegin, member.valueEnd, quoted});
	}
	const std::size_t brace = body.find('{') + 1;
	if (edits.empty())
		edits.push_back({brace, brace, "\"model\":" + quoted + (scanned.members.empty() ? "" : ",")});
	if (askForUsage)
	{
		// Never first: the model is there before it, given or inserted.
		const std::size_t end = scanned.members.empty() ? brace : scanned.members.back().valueEnd;
		edits.push_back({end, end, "," + std::string(USAGE_OPTION)});
	}

	Splice splice;
	splice.spans.reserve(edits.size() + 1);
	splice.inserts.reserve(edits.size());
	std::size_t copied = 0;
	for (auto& edit : edits)
	{
		splice.spans.emplace_back(copied, edit.begin - copied);
		splice.inserts.push_back(std::move(edit.text));
		copied = edit.end;
	}
	splice.spans.emplace_back(copied, body.size() - copied);
	return splice;
}


std::string ModelRewriter::rewrite(std::string_view body, const JsonScanner::Result& scanned, const std::string& model, bool askForUsage)
{
	std::ostringstream out;
	splice(body, scanned, model, askForUsage).writeTo(out, body);
	return out.str();
}


bool ModelRewriter::mustAskForUsage(std::string_view pathAfterV1, bool stream, std::string_view /*body*/, const JsonScanner::Result& scanned)
{
	// Both are OpenAI's streamed completions, which carry usage only when asked
	// (docs/observability.md, "Usage"); other paths either always report it or never.
	if (!observing || !stream || (pathAfterV1 != "/chat/completions" && pathAfterV1 != "/completions")) return false;
	if (!scanned.valid || !scanned.isObject) return false;
	return scanned.find("stream_options") == nullptr;
}

} // namespace AILoad

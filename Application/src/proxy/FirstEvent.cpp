#include "FirstEvent.h"

#include "JsonScanner.h"

namespace AILoad {

namespace {

enum class Verdict
{
	None,
	Choices,
	Error,
	Done
};


Verdict judge(std::string_view event, std::string& error)
	/// One event (without its blank line): its data lines joined, as the SSE rules say.
{
	std::string data;
	std::size_t begin = 0;
	while (begin < event.size())
	{
		std::size_t end = event.find_first_of("\r\n", begin);
		if (end == std::string_view::npos) end = event.size();
		const std::string_view line = event.substr(begin, end - begin);
		if (line.compare(0, 5, "data:") == 0)
		{
			std::string_view value = line.substr(5);
			if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
			if (!data.empty()) data += '\n';
			data.append(value.data(), value.size());
		}
		begin = end + (end + 1 < event.size() && event[end] == '\r' && event[end + 1] == '\n' ? 2 : 1);
	}
	if (data.empty()) return Verdict::None;
	if (data == "[DONE]") return Verdict::Done;
	const JsonScanner::Result json = JsonScanner::scan(data);
	if (!json.valid || !json.isObject) return Verdict::None;
	if (const JsonScanner::Member* member = json.find("error"))
	{
		if (data.compare(member->valueBegin, 4, "null") != 0)
		{
			error = data;
			return Verdict::Error;
		}
	}
	return json.find("choices") ? Verdict::Choices : Verdict::None;
}

} // namespace


FirstEvent::Kind FirstEvent::classify(std::string_view events, std::string& error)
{
	std::size_t begin = 0;
	for (;;)
	{
		// An event ends with a blank line: LF LF, CR LF CR LF, or CR CR.
		std::size_t end = std::string_view::npos;
		std::size_t separator = 0;
		for (std::size_t i = begin; i < events.size(); ++i)
		{
			if (events.compare(i, 2, "\n\n") == 0 || events.compare(i, 2, "\r\r") == 0) separator = 2;
			else if (events.compare(i, 4, "\r\n\r\n") == 0)
				separator = 4;
			else
				continue;
			end = i;
			break;
		}
		if (end == std::string_view::npos) return Kind::Undecided;
		switch (judge(events.substr(begin, end - begin), error))
		{
		case Verdict::Choices: return Kind::Choices;
		case Verdict::Error: return Kind::Error;
		case Verdict::Done: return Kind::Undecided;
		case Verdict::None: break;
		}
		begin = end + separator;
	}
}


bool FirstEvent::readAvailable(UpstreamSession& upstream, Result& result)
{
	char buffer[8192];
	for (;;)
	{
		if (upstream.bodyComplete()) return true; // Undecided: relay what there is
		const int n = upstream.readBody(buffer, sizeof(buffer));
		if (n == UpstreamSession::NEED_MORE) return false;
		if (n == 0)
		{
			if (!upstream.bodyComplete()) result.kind = upstream.timedOut() ? Kind::TimedOut : Kind::Broke;
			return true;
		}
		result.bytes.append(buffer, static_cast<std::size_t>(n));
		const Kind kind = classify(result.bytes, result.error);
		if (kind != Kind::Undecided || result.bytes.size() >= maximumBytes)
		{
			result.kind = kind;
			return true;
		}
	}
}

} // namespace AILoad

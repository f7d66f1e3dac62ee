#include "StreamUsageFilter.h"

#include "UsageReader.h"
#include <algorithm>
#include <cstring>
#include <functional>

namespace AILoad {

namespace {

bool mentionsUsage(std::string_view event)
{
	// Boyer-Moore-Horspool, its table made once: memmem sets one up per call, and
	// string_view::find stops at every quote, of which JSON is full.
	static const std::string_view key = "\"usage\"";
	static const std::boyer_moore_horspool_searcher<std::string_view::const_iterator> searcher(key.begin(), key.end());
	return std::search(event.begin(), event.end(), searcher) != event.end();
}


std::size_t keyBegin(std::string_view json, const JsonScanner::Member& member)
{
	// The key's view points into the scanned text, just after its opening quote.
	return static_cast<std::size_t>(member.rawKey.data() - json.data()) - 1;
}

} // namespace


StreamUsageFilter::StreamUsageFilter()
{
}


void StreamUsageFilter::removeInjectedUsage()
{
	_removing = true;
}


std::string_view StreamUsageFilter::pass(const char* data, std::size_t size)
{
	if (_gaveUp) return std::string_view(data, size);
	startOutput(data, size);
	std::size_t begin = 0; // where the bytes of the current event start in this piece
	std::size_t nextCR = 0; // where the next CR is (size: none); searched again once passed
	bool crSearched = false;
	for (std::size_t i = 0; i < size; ++i)
	{
		if (data[i] != '\n' && data[i] != '\r')
		{
			// Most bytes end no line: jump to the next line end with memchr rather than step
			// the line state machine byte by byte. Most streams have no CR at all.
			if (!crSearched || nextCR < i)
			{
				const void* cr = std::memchr(data + i, '\r', size - i);
				nextCR = cr ? static_cast<std::size_t>(static_cast<const char*>(cr) - data) : size;
				crSearched = true;
			}
			const void* lf = std::memchr(data + i, '\n', nextCR - i);
			const std::size_t lineEnd = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - data) : nextCR;
			_atLineStart = false;
			_afterCR = false;
			i = lineEnd - 1;
			continue;
		}
		if (!endsEvent(data[i])) continue;
		const std::string_view rest(data + begin, i + 1 - begin);
		if (_event.empty())
			eventComplete(rest); // all in this piece: read in place
		else if (_event.size() + rest.size() > MAX_EVENT)
		{
			giveUp(std::string_view(data + begin, size - begin));
			return output(data, size);
		}
		else
		{
			_event.append(rest);
			eventComplete(_event);
			clearEvent();
		}
		_eventAfterCR = data[i] == '\r';
		begin = i + 1;
	}
	if (_event.size() + (size - begin) > MAX_EVENT)
		giveUp(std::string_view(data + begin, size - begin));
	else
		_event.append(data + begin, size - begin);
	return output(data, size);
}


std::string_view StreamUsageFilter::finish()
{
	startOutput(nullptr, 0);
	if (!_gaveUp) emit(_event);
	clearEvent();
	return output(nullptr, 0);
}


const TokenUsage& StreamUsageFilter::usage() const
{
	return _usage;
}


bool StreamUsageFilter::endsEvent(char c)
{
	if (c == '\n' && _afterCR)
	{
		// The LF of a CRLF: the CR ended the line already.
		_afterCR = false;
		return false;
	}
	_afterCR = c == '\r';
	if (c != '\n' && c != '\r')
	{
		_atLineStart = false;
		return false;
	}
	if (_atLineStart) return true; // an empty line
	_atLineStart = true;
	return false;
}


void StreamUsageFilter::eventComplete(std::string_view event)
{
	// Most events hold no usage at all: they are not scanned.
	if (!mentionsUsage(event)) return emit(event);
	std::size_t begin = 0;
	std::size_t end = 0;
	if (!onlyDataLine(event, begin, end)) return emit(event);
	const std::string_view json = event.substr(begin, end - begin);
	const JsonScanner::Result scanned = JsonScanner::scan(json);
	if (!scanned.valid || !scanned.isObject) return emit(event);
	std::size_t index = 0;
	int usages = 0;
	for (std::size_t i = 0; i < scanned.members.size(); ++i)
	{
		if (scanned.members[i].hasKey("usage"))
		{
			index = i;
			++usages;
		}
	}
	if (usages != 1) return emit(event); // none at the top, or duplicates nobody reads alike

	const JsonScanner::Member& usage = scanned.members[index];
	const std::string_view value = json.substr(usage.valueBegin, usage.valueEnd - usage.valueBegin);
	if (value.front() == '{')
	{
		_usage = UsageReader::ofUsage(value);
		if (!_removing || !isUsageOnly(json, scanned)) return emit(event);
		// The event include_usage added goes, from its first line to its last line end:
		// an LF first ends the CRLF of the event before, an LF after its last CR is its own.
		if (_eventAfterCR && event.front() == '\n') emit(event.substr(0, 1));
		_dropLF = event.back() == '\r';
		return;
	}
	if (value != "null")
	{
		_usage = TokenUsage(); // malformed: unknown, whatever came before
		return emit(event);
	}
	if (!_removing) return;

	// The member and one comma next to it: the object as it would have been written without.
	const auto& members = scanned.members;
	std::size_t cutBegin = keyBegin(json, usage);
	std::size_t cutEnd = usage.valueEnd;
	if (index > 0) cutBegin = members[index - 1].valueEnd;
	else if (members.size() > 1)
		cutEnd = keyBegin(json, members[1]);
	emit(event.substr(0, begin + cutBegin));
	emit(event.substr(begin + cutEnd));
}


void StreamUsageFilter::emit(std::string_view bytes)
{
	if (!_removing || bytes.empty()) return;
	if (_dropLF && bytes.front() == '\n') bytes.remove_prefix(1);
	_dropLF = false;
	// Bytes of the piece that follow those emitted before them need no copy: most pieces go
	// out as they came. Only what comes after a cut, or was held, is copied.
	const bool follows = bytes.data() == _piece.data() + _pieceEmitted && _pieceEmitted + bytes.size() <= _piece.size();
	if (!_copied && follows)
	{
		_pieceEmitted += bytes.size();
		return;
	}
	if (!_copied)
	{
		_out.assign(_piece.data(), _pieceEmitted);
		_copied = true;
	}
	_out.append(bytes);
}


void StreamUsageFilter::startOutput(const char* data, std::size_t size)
{
	_piece = std::string_view(data, size);
	_pieceEmitted = 0;
	_copied = false;
}


void StreamUsageFilter::giveUp(std::string_view rest)
{
	_gaveUp = true;
	_usage = TokenUsage();
	emit(_event);
	emit(rest);
	clearEvent();
}


std::string_view StreamUsageFilter::output(const char* data, std::size_t size) const
{
	if (!_removing) return std::string_view(data, size);
	return _copied ? std::string_view(_out) : _piece.substr(0, _pieceEmitted);
}


void StreamUsageFilter::clearEvent()
{
	// A large event's buffer is let go rather than kept for the rest of the stream.
	if (_event.capacity() > 65536) std::string().swap(_event);
	else
		_event.clear();
}


bool StreamUsageFilter::onlyDataLine(std::string_view event, std::size_t& begin, std::size_t& end)
{
	bool found = false;
	std::size_t lineBegin = 0;
	while (lineBegin < event.size())
	{
		std::size_t lineEnd = lineBegin;
		while (lineEnd < event.size() && event[lineEnd] != '\n' && event[lineEnd] != '\r') ++lineEnd;
		const std::string_view line = event.substr(lineBegin, lineEnd - lineBegin);
		if (line.compare(0, 5, "data:") == 0)
		{
			if (found) return false; // the data is the lines joined: not edited
			found = true;
			begin = lineBegin + (line.size() > 5 && line[5] == ' ' ? 6 : 5);
			end = lineEnd;
		}
		lineBegin = lineEnd + 1; // the LF of a CRLF then starts an empty line, which says nothing
	}
	return found;
}


bool StreamUsageFilter::isUsageOnly(std::string_view json, const JsonScanner::Result& scanned)
{
	const JsonScanner::Member* choices = scanned.find("choices");
	if (!choices) return false;
	const std::string_view value = json.substr(choices->valueBegin, choices->valueEnd - choices->valueBegin);
	if (value.size() < 2 || value.front() != '[' || value.back() != ']') return false;
	return value.find_first_not_of(" \t\r\n", 1) == value.size() - 1;
}

} // namespace AILoad

// What the request and the upstream answer fuzz targets share: the input as a connection
// delivers it, and the checks every head and body must pass whatever the bytes were.
#ifndef AILoad_HttpFuzzSupport_INCLUDED
#define AILoad_HttpFuzzSupport_INCLUDED

#include "BodyFraming.h"
#include "ChunkedBodyDecoder.h"
#include "FramingError.h"
#include "HttpHeadParser.h"
#include <Poco/Net/HTTPMessage.h>
#include <Poco/Types.h>
#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>

namespace AILoad {
namespace Fuzz {

inline void check(bool condition)
{
	if (!condition) std::abort(); // an invariant broke: libFuzzer records the input
}


class ByteCursor
	/// The fuzz input as a connection delivers it: byte by byte for heads and chunk framing,
	/// in pieces for body data. Counts the reads past the end, which must stop at the first.
{
public:
	explicit ByteCursor(std::string_view bytes):
		_bytes(bytes)
	{
	}

	int next()
	{
		if (_pos == _bytes.size())
		{
			++_eofReads;
			return std::char_traits<char>::eof();
		}
		return static_cast<unsigned char>(_bytes[_pos++]);
	}

	std::string_view take(Poco::UInt64 n)
		/// At most n bytes; fewer (or none) when the input ends first, like a short read.
	{
		const std::size_t size = static_cast<std::size_t>(std::min<Poco::UInt64>(n, _bytes.size() - _pos));
		const std::string_view piece = _bytes.substr(_pos, size);
		_pos += size;
		return piece;
	}

	std::size_t position() const
	{
		return _pos;
	}

	std::size_t left() const
	{
		return _bytes.size() - _pos;
	}

	std::string_view bytes() const
	{
		return _bytes;
	}

	int eofReads() const
	{
		return _eofReads;
	}

	void clearEofReads()
	{
		_eofReads = 0;
	}

private:
	std::string_view _bytes;
	std::size_t _pos = 0;
	int _eofReads = 0;
};


inline bool isTokenChar(unsigned char c)
{
	static const std::string_view punctuation("!#$%&'*+-.^_`|~");
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || punctuation.find(static_cast<char>(c)) != std::string_view::npos;
}


inline bool hasControlChar(std::string_view text)
{
	// CR, LF and NUL would split or cut a head where it is written again; HTAB is allowed.
	return std::any_of(text.begin(), text.end(), [](char c) { const auto u = static_cast<unsigned char>(c); return (u < 0x20 && u != '\t') || u == 0x7f; });
}


struct FoundHead
	/// HttpHeadParser::findHead()'s answer, or the message of the FramingError it threw.
{
	HttpHeadParser::Found found;
	bool refused = false;
	std::string reason;

	bool operator==(const FoundHead& other) const
	{
		return refused == other.refused && reason == other.reason && found.complete == other.found.complete
			&& (!found.complete || (found.begin == other.found.begin && found.end == other.found.end));
	}
};


inline FoundHead findHead(std::string_view bytes, bool skipLeadingEmptyLines)
{
	FoundHead result;
	try
	{
		result.found = HttpHeadParser::findHead(bytes, skipLeadingEmptyLines);
	}
	catch (FramingError& error)
	{
		result.refused = true;
		result.reason = error.message();
	}
	return result;
}


inline void checkFindHeadAgrees(std::string_view bytes, bool skipLeadingEmptyLines, const FoundHead& whole)
	/// findHead() on a part of the bytes says "not complete", or what it says of all of them:
	/// more bytes never change what was found in fewer.
{
	const FoundHead part = findHead(bytes, skipLeadingEmptyLines);
	check(part == whole || (!part.refused && !part.found.complete));
}


inline std::string readHead(ByteCursor& in, bool skipLeadingEmptyLines)
	/// HttpHeadParser::readHead() over the cursor, checking that it stops at the first end of
	/// input and that the head it returns is exactly the bytes it consumed, CRLF-delimited;
	/// and that HttpHeadParser::findHead() over the same bytes in memory agrees with it.
{
	const std::size_t start = in.position();
	const std::string_view rest = in.bytes().substr(start);
	const FoundHead found = findHead(rest, skipLeadingEmptyLines);
	if (found.found.complete) check(found.found.begin <= found.found.end && found.found.end <= rest.size());
	checkFindHeadAgrees(rest.substr(0, rest.size() / 2), skipLeadingEmptyLines, found);
	if (!rest.empty()) checkFindHeadAgrees(rest.substr(0, rest.size() - 1), skipLeadingEmptyLines, found);
	if (found.found.complete) checkFindHeadAgrees(rest.substr(0, found.found.end - 1), skipLeadingEmptyLines, found);

	in.clearEofReads();
	std::string head;
	try
	{
		head = HttpHeadParser::readHead([&in] { return in.next(); }, skipLeadingEmptyLines);
	}
	catch (FramingError& error)
	{
		check(in.eofReads() <= 1);
		// Refused by both for the same reason, or readHead() ran out of bytes where findHead() wants more.
		check(found.refused ? error.message() == found.reason : (!found.found.complete && in.eofReads() == 1));
		throw;
	}
	catch (...)
	{
		check(in.eofReads() <= 1);
		throw;
	}
	check(in.eofReads() <= 1);
	const std::size_t consumed = in.position() - start;
	if (head.empty())
		check(!found.refused && !found.found.complete);
	else
		check(found.found.complete && consumed == found.found.end && head == rest.substr(found.found.begin, found.found.end - found.found.begin));
	if (head.empty())
	{
		check(in.left() == 0);
		return head;
	}
	check(head.size() <= HttpHeadParser::MAX_HEAD + 1); // the size check comes before the byte, and LF follows CR
	check(consumed >= head.size() && consumed - head.size() <= (skipLeadingEmptyLines ? 16u : 0u));
	check(in.bytes().substr(in.position() - head.size(), head.size()) == head);
	check(head.size() >= 4 && head.compare(head.size() - 4, 4, "\r\n\r\n") == 0);
	for (std::size_t i = 0; i < head.size(); ++i)
	{
		if (head[i] == '\r') check(i + 1 < head.size() && head[i + 1] == '\n');
		if (head[i] == '\n') check(i > 0 && head[i - 1] == '\r');
	}
	check(head.find("\r\n\r\n") == head.size() - 4); // the first empty line ends the head
	return head;
}


inline void checkFields(const Poco::Net::HTTPMessage& message)
	/// What parseRequest() and parseResponse() promise of every header they keep.
{
	check(static_cast<std::size_t>(std::distance(message.begin(), message.end())) <= HttpHeadParser::MAX_FIELDS);
	for (const auto& field : message)
	{
		check(!field.first.empty());
		check(std::all_of(field.first.begin(), field.first.end(), [](char c) { return isTokenChar(static_cast<unsigned char>(c)); }));
		check(!hasControlChar(field.second));
		if (!field.second.empty())
		{
			check(field.second.front() != ' ' && field.second.front() != '\t');
			check(field.second.back() != ' ' && field.second.back() != '\t');
		}
	}
	const std::string& version = message.getVersion();
	check(version == "HTTP/1.1" || version == "HTTP/1.0");
}


inline void checkFraming(const BodyFraming& framing, const Poco::Net::HTTPMessage& message)
{
	using Kind = BodyFraming::Kind;
	if (framing.kind == Kind::Length)
	{
		check(message.has("Content-Length") && !message.has("Transfer-Encoding"));
		// Lengths are passed on as std::streamsize and Int64: never negative, never wrapped.
		check(framing.length <= static_cast<Poco::UInt64>(std::numeric_limits<Poco::Int64>::max()));
		check(framing.length <= static_cast<Poco::UInt64>(std::numeric_limits<std::streamsize>::max()));
	}
	else
	{
		check(framing.length == 0);
	}
	if (framing.kind == Kind::Chunked) check(message.has("Transfer-Encoding") && !message.has("Content-Length"));
	if (framing.kind == Kind::UntilClose) check(!message.has("Transfer-Encoding") && !message.has("Content-Length"));
}


inline bool readBody(ByteCursor& in, const BodyFraming& framing, std::string& body, std::size_t piece)
	/// The body as the gateway reads it: Length and UntilClose in pieces, chunked with the
	/// decoder fed the framing bytes one at a time and at most dataLeft() data bytes read at a
	/// time, in pieces of varying size up to `piece`. False when the input ends before the body.
{
	const std::size_t start = in.position();
	switch (framing.kind)
	{
	case BodyFraming::Kind::None:
		return true;
	case BodyFraming::Kind::Length:
		body.append(in.take(framing.length));
		check(in.position() - start == body.size());
		return body.size() == framing.length;
	case BodyFraming::Kind::UntilClose:
		body.append(in.take(in.left()));
		check(in.left() == 0);
		return true;
	case BodyFraming::Kind::Chunked:
		break;
	}
	ChunkedBodyDecoder chunks;
	for (std::size_t reads = 0;; ++reads)
	{
		while (!chunks.inData())
		{
			check(chunks.dataLeft() == 0);
			if (chunks.done()) return true;
			const int c = in.next();
			if (c == std::char_traits<char>::eof()) return false;
			chunks.feed(static_cast<char>(c));
		}
		const Poco::UInt64 left = chunks.dataLeft();
		check(left > 0 && left < (Poco::UInt64(1) << 60)); // at most 15 hex digits, and a 0 chunk is the last
		const std::string_view data = in.take(std::min<Poco::UInt64>(left, 1 + reads % piece));
		if (data.empty()) return false;
		chunks.dataRead(data.size());
		check(chunks.inData() ? chunks.dataLeft() == left - data.size() : data.size() == left);
		body.append(data);
		// Every chunk costs a size and CRLFs besides its data: decoding never makes more.
		check(body.size() < in.position() - start);
	}
}

} // namespace Fuzz
} // namespace AILoad

#endif

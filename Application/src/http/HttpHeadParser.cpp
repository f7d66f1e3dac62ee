#include "HttpHeadParser.h"

#include "FramingError.h"
#include <Poco/String.h>
#include <algorithm>
#include <cctype>
#include <cstring>

namespace AILoad {

namespace {

struct TokenChars
	/// RFC 9110 section 5.6.2: tchar, as a table (every byte of every header name is looked up).
{
	bool is[256] = {};

	TokenChars()
	{
		for (int c = '0'; c <= '9'; ++c) is[c] = true;
		for (int c = 'A'; c <= 'Z'; ++c) is[c] = is[c + 'a' - 'A'] = true;
		for (const char c : std::string_view("!#$%&'*+-.^_`|~")) is[static_cast<unsigned char>(c)] = true;
	}
};


const TokenChars tokenChars;


bool isTokenChar(unsigned char c)
{
	return tokenChars.is[c];
}


bool isFieldValueChar(unsigned char c)
{
	// VCHAR, obs-text, SP and HTAB: no other control character (NUL, CR, LF, DEL ...).
	return c == ' ' || c == '\t' || (c > 0x20 && c != 0x7f);
}


std::string_view line(std::string_view head, std::size_t pos, std::size_t& next)
{
	// readHead() guarantees every line ends in CRLF.
	const std::size_t end = head.find("\r\n", pos);
	next = end + 2;
	return head.substr(pos, end - pos);
}


std::string_view parseVersion(std::string_view version, int status)
{
	if (version.size() != 8 || version.compare(0, 5, "HTTP/") != 0 || version[6] != '.'
		|| !std::isdigit(static_cast<unsigned char>(version[5])) || !std::isdigit(static_cast<unsigned char>(version[7])))
		throw FramingError("malformed HTTP version", status);
	if (version != "HTTP/1.1" && version != "HTTP/1.0")
		throw FramingError("HTTP version " + std::string(version.substr(5)) + " is not supported", status == 400 ? 505 : status);
	return version;
}

} // namespace


std::string HttpHeadParser::readHead(const ByteSource& next, bool skipLeadingEmptyLines)
{
	static const int eof = std::char_traits<char>::eof();
	std::string head;
	int c = next();
	for (int skipped = 0; skipLeadingEmptyLines && (c == '\r' || c == '\n') && skipped < 8; ++skipped)
	{
		if (c == '\r' && next() != '\n') throw FramingError("a bare CR before the request line");
		c = next();
	}
	if (c == eof) return head;
	for (;;)
	{
		if (c == eof) throw FramingError("the head ended before its empty line");
		if (head.size() >= MAX_HEAD) throw FramingError("the head is larger than " + std::to_string(MAX_HEAD / 1024) + " KiB");
		if (c == '\n') throw FramingError("a line ends in LF without CR");
		head += static_cast<char>(c);
		if (c == '\r')
		{
			if ((c = next()) != '\n') throw FramingError("a bare CR in the head");
			head += '\n';
			const std::size_t size = head.size();
			if (size >= 4 && head.compare(size - 4, 4, "\r\n\r\n") == 0) return head;
			if (size == 2) throw FramingError("the head is empty");
		}
		c = next();
	}
}


HttpHeadParser::Found HttpHeadParser::findHead(std::string_view bytes, bool skipLeadingEmptyLines)
{
	// The rules of readHead(), position by position: what it would find first, this finds first.
	Found found;
	const std::size_t size = bytes.size();
	std::size_t i = 0;
	for (int skipped = 0; skipLeadingEmptyLines && skipped < 8 && i < size && (bytes[i] == '\r' || bytes[i] == '\n'); ++skipped)
	{
		if (bytes[i] == '\n')
		{
			++i;
			continue;
		}
		if (i + 1 == size) return found;
		if (bytes[i + 1] != '\n') throw FramingError("a bare CR before the request line");
		i += 2;
	}
	found.begin = i;
	const std::size_t limit = i + MAX_HEAD; // readHead() refuses the byte that would come after MAX_HEAD
	for (;;)
	{
		const std::size_t stop = std::min(size, limit);
		if (i < stop)
		{
			// The line's end: its CR, unless a LF comes first (a line without CR). memchr
			// looks at many bytes at once; the head is looked at in full for every request.
			const char* const line = bytes.data() + i;
			const auto* cr = static_cast<const char*>(std::memchr(line, '\r', stop - i));
			const std::size_t end = cr ? static_cast<std::size_t>(cr - bytes.data()) : stop;
			const auto* lf = static_cast<const char*>(std::memchr(line, '\n', end - i));
			i = lf ? static_cast<std::size_t>(lf - bytes.data()) : end;
		}
		if (i >= stop)
		{
			// At the limit with a byte there: too large; at the end of the bytes: not complete.
			if (i < size) throw FramingError("the head is larger than " + std::to_string(MAX_HEAD / 1024) + " KiB");
			return found;
		}
		if (bytes[i] == '\n') throw FramingError("a line ends in LF without CR");
		if (i + 1 == size) return found;
		if (bytes[i + 1] != '\n') throw FramingError("a bare CR in the head");
		i += 2;
		const std::size_t length = i - found.begin;
		if (length >= 4 && bytes.compare(i - 4, 4, "\r\n\r\n") == 0)
		{
			found.complete = true;
			found.end = i;
			return found;
		}
		if (length == 2) throw FramingError("the head is empty");
	}
}


void HttpHeadParser::parseRequest(std::string_view head, Poco::Net::HTTPRequest& request)
{
	std::size_t pos = 0;
	const std::string_view requestLine = line(head, 0, pos);
	const std::size_t firstSpace = requestLine.find(' ');
	const std::size_t secondSpace = firstSpace == std::string_view::npos ? firstSpace : requestLine.find(' ', firstSpace + 1);
	if (secondSpace == std::string_view::npos || requestLine.find(' ', secondSpace + 1) != std::string_view::npos)
		throw FramingError("the request line is not METHOD SP target SP version");
	const std::string_view method = requestLine.substr(0, firstSpace);
	const std::string_view target = requestLine.substr(firstSpace + 1, secondSpace - firstSpace - 1);
	const std::string_view version = parseVersion(requestLine.substr(secondSpace + 1), 400);
	if (method.empty()) throw FramingError("the method is empty");
	for (unsigned char c : method)
	{
		if (!isTokenChar(c)) throw FramingError("the method is not a token");
	}
	if (target.empty() || target.front() != '/') throw FramingError("the request target must be a path (origin-form)");
	for (unsigned char c : target)
	{
		if (c <= 0x20 || c >= 0x7f) throw FramingError("the request target holds a character that must be percent-encoded");
	}
	request.setMethod(std::string(method));
	request.setURI(std::string(target));
	request.setVersion(std::string(version));

	parseFields(head, pos, request, 400);
	const std::size_t hosts = std::count_if(request.begin(), request.end(), [](const auto& field) { return field.first.size() == 4 && Poco::icompare(field.first, "Host") == 0; });
	if (hosts > 1 || (hosts == 0 && version == "HTTP/1.1"))
		throw FramingError(hosts > 1 ? "more than one Host header" : "an HTTP/1.1 request needs a Host header");
}


void HttpHeadParser::parseResponse(std::string_view head, Poco::Net::HTTPResponse& response)
{
	std::size_t pos = 0;
	const std::string_view statusLine = line(head, 0, pos);
	// HTTP-version SP 3DIGIT [SP reason-phrase]; the SP before an empty reason is often left out.
	if (statusLine.size() < 12 || statusLine[8] != ' ' || (statusLine.size() > 12 && statusLine[12] != ' '))
		throw FramingError("the status line is not version SP status SP reason", 502);
	const std::string_view version = parseVersion(statusLine.substr(0, 8), 502);
	int status = 0;
	for (std::size_t i = 9; i < 12; ++i)
	{
		if (!std::isdigit(static_cast<unsigned char>(statusLine[i]))) throw FramingError("the status is not three digits", 502);
		status = status * 10 + (statusLine[i] - '0');
	}
	if (status < 100 || status > 599) throw FramingError("status " + std::to_string(status) + " is out of range", 502);
	const std::string_view reason = statusLine.size() > 12 ? statusLine.substr(13) : std::string_view();
	for (unsigned char c : reason)
	{
		if (!isFieldValueChar(c)) throw FramingError("the reason phrase holds a control character", 502);
	}
	response.setVersion(std::string(version));
	if (status <= 511)
	{
		response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
		response.setReason(std::string(reason));
	}
	else
	{
		// POCO's HTTPStatus enum ends at 511: a larger value in it is undefined behaviour.
		// The 5xx codes above (Cloudflare's 520-526, 598, 599) all mean the same to a client
		// and to failover: the upstream side failed.
		response.setStatus(Poco::Net::HTTPResponse::HTTP_BAD_GATEWAY);
		response.setReason("upstream status " + std::to_string(status) + (reason.empty() ? "" : " " + std::string(reason)));
	}
	parseFields(head, pos, response, 502);
}


namespace {

struct SpareFields
	/// The storage of header maps given back on this thread (giveFieldStorageBack): a request
	/// has three at once (the client's head, the upstream's answer, the gateway's response).
{
	static constexpr int capacity = 4;
	Poco::Net::NameValueCollection fields[capacity];
	int stored = 0;
};

thread_local SpareFields spare;

} // namespace


void HttpHeadParser::giveFieldStorageBack(Poco::Net::NameValueCollection& fields)
{
	fields.clear(); // destroys the fields; the vector keeps its capacity
	if (spare.stored == SpareFields::capacity) return;
	fields.swap(spare.fields[spare.stored++]); // it gets an empty one, without storage
}


std::string_view HttpHeadParser::trimmed(std::string_view text)
{
	while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
	while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
	return text;
}


void HttpHeadParser::takeFieldStorage(Poco::Net::NameValueCollection& fields)
{
	if (fields.empty() && spare.stored > 0) fields.swap(spare.fields[--spare.stored]);
}


void HttpHeadParser::parseFields(std::string_view head, std::size_t pos, Poco::Net::HTTPMessage& message, int errorStatus)
{
	takeFieldStorage(message);
	std::size_t fields = 0;
	for (;;)
	{
		std::size_t next = 0;
		const std::string_view field = line(head, pos, next);
		pos = next;
		if (field.empty()) return;
		if (++fields > MAX_FIELDS) throw FramingError("more than " + std::to_string(MAX_FIELDS) + " header fields", errorStatus);
		if (field.front() == ' ' || field.front() == '\t') throw FramingError("a folded header line (obs-fold)", errorStatus);
		const std::size_t colon = field.find(':');
		if (colon == std::string_view::npos) throw FramingError("a header line without a colon", errorStatus);
		const std::string_view name = field.substr(0, colon);
		if (name.empty()) throw FramingError("a header with an empty name", errorStatus);
		for (unsigned char c : name)
		{
			if (!isTokenChar(c)) throw FramingError(c == ' ' || c == '\t' ? "whitespace between a header name and its colon" : "a header name that is not a token", errorStatus);
		}
		std::string_view value = field.substr(colon + 1);
		for (unsigned char c : value)
		{
			if (!isFieldValueChar(c)) throw FramingError("the value of " + std::string(name) + " holds a control character", errorStatus);
		}
		value = trimmed(value);
		message.add(std::string(name), std::string(value));
	}
}

} // namespace AILoad

#ifndef AILoad_HttpHeadParser_INCLUDED
#define AILoad_HttpHeadParser_INCLUDED

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <functional>
#include <string>
#include <string_view>

namespace AILoad {

class HttpHeadParser
	/// Reads HTTP/1.1 message heads strictly (RFC 9112), the same way for client requests and
	/// upstream answers: lines end in CRLF, field names are tokens with the colon right after
	/// them, values hold no control characters, no obs-fold, bounded sizes. POCO's own parser
	/// is lenient (it skips lines without a colon, folds, keeps a space before the colon in
	/// the name): what one peer meant and what another reads must never differ.
	/// Every violation throws FramingError. docs/reliability.md lists the rules.
{
public:
	static constexpr std::size_t MAX_HEAD = 64 * 1024; /// bytes, request or status line included
	static constexpr std::size_t MAX_FIELDS = 100;

	using ByteSource = std::function<int()>;
		/// The next byte, or std::char_traits<char>::eof().

	static std::string readHead(const ByteSource& next, bool skipLeadingEmptyLines);
		/// The bytes of one head, up to and including the empty line that ends it; "" when
		/// the source ends before its first byte (a peer that closed between messages).
		/// Empty lines before a request line are skipped, as RFC 9112 section 2.2 allows.

	struct Found
		/// Where findHead() found a head in the bytes it was given.
	{
		bool complete = false; /// false: the bytes end before the head does, and nothing is wrong so far
		std::size_t begin = 0; /// after the empty lines skipped before a request line
		std::size_t end = 0; /// just after the empty line that ends the head
	};

	static Found findHead(std::string_view bytes, bool skipLeadingEmptyLines);
		/// readHead() over bytes already in memory, without copying them or a call per
		/// byte: the same head, or the same FramingError, or not complete where readHead()
		/// would have read past the end (test/fuzz checks that they agree).

	static void parseRequest(std::string_view head, Poco::Net::HTTPRequest& request);
		/// Fills `request` from a head read by readHead(). Only origin-form targets ("/...");
		/// HTTP/1.0 and HTTP/1.1 (else 505); HTTP/1.1 needs exactly one Host.

	static void parseResponse(std::string_view head, Poco::Net::HTTPResponse& response);
		/// Fills `response` from a head read by readHead(): HTTP/1.x, a status of 100..599
		/// (512..599, which POCO cannot hold, as 502 with the real status in the reason).

	static std::string_view trimmed(std::string_view text);
		/// Without the optional whitespace (spaces and tabs) around a field value or an
		/// element of a list in one.

	static void giveFieldStorageBack(Poco::Net::NameValueCollection& fields);
		/// Empties a message's header map and keeps its storage for the next head parsed
		/// (or response built: takeFieldStorage()) on this thread: POCO's map is a vector
		/// of pairs, grown 1, 2, 4, 8, 16 for every head otherwise. The map is left empty.
	static void takeFieldStorage(Poco::Net::NameValueCollection& fields);
		/// An empty map gets storage given back on this thread, if there is some.

private:
	static void parseFields(std::string_view head, std::size_t pos, Poco::Net::HTTPMessage& message, int errorStatus);
};

} // namespace AILoad

#endif

#include "HeaderForwarding.h"

#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <vector>

namespace AILoad {

namespace {

bool isHopByHop(const std::string& name, const std::vector<std::string>& listedInConnection)
{
	static const char* const names[] = {"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
		"Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade"};
	for (const char* hopByHop : names)
	{
		if (Poco::icompare(name, hopByHop) == 0) return true;
	}
	for (const auto& token : listedInConnection)
	{
		if (Poco::icompare(name, token) == 0) return true;
	}
	return false;
}


std::vector<std::string> connectionTokens(const Poco::Net::NameValueCollection& headers)
{
	// There may be several Connection headers; together they name the hop-by-hop ones.
	// Split once per message, not once per header checked.
	std::vector<std::string> tokens;
	for (const auto& header : headers)
	{
		if (Poco::icompare(header.first, "Connection") != 0) continue;
		Poco::StringTokenizer listed(header.second, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
		tokens.insert(tokens.end(), listed.begin(), listed.end());
	}
	return tokens;
}

} // namespace


void HeaderForwarding::copyRequestHeaders(const Poco::Net::HTTPRequest& from, Poco::Net::HTTPRequest& to)
{
	const std::vector<std::string> connection = connectionTokens(from);
	for (const auto& header : from)
	{
		const std::string& name = header.first;
		if (isHopByHop(name, connection)) continue;
		if (Poco::icompare(name, "Authorization") == 0 || Poco::icompare(name, "Host") == 0
			|| Poco::icompare(name, "Content-Length") == 0 || Poco::icompare(name, "Expect") == 0
			|| Poco::icompare(name, 0, 9, "X-AILoad-") == 0)
			continue;
		to.add(name, header.second);
	}
}


void HeaderForwarding::copyResponseHeaders(const Poco::Net::HTTPResponse& from, Poco::Net::HTTPResponse& to)
{
	const std::vector<std::string> connection = connectionTokens(from);
	if (from.has("Date")) to.erase("Date");  // the upstream's, rather than the one POCO put in first
	for (const auto& header : from)
	{
		if (isHopByHop(header.first, connection) || Poco::icompare(header.first, "Content-Length") == 0) continue;
		to.add(header.first, header.second);
	}
}


bool HeaderForwarding::hasUnsafeValue(const Poco::Net::NameValueCollection& headers)
{
	static const std::string unsafe("\r\n\0", 3);
	for (const auto& header : headers)
	{
		if (header.first.find_first_of(unsafe) != std::string::npos || header.second.find_first_of(unsafe) != std::string::npos)
			return true;
	}
	return false;
}

} // namespace AILoad

#include "HeaderForwarding.h"

#include "HttpHeadParser.h"
#include <Poco/Ascii.h>
#include <Poco/String.h>
#include <cstdint>
#include <string_view>
#include <vector>

namespace AILoad {

namespace {

bool sameName(std::string_view a, std::string_view b)
	/// Field names compare case-insensitively; most differ in length, which is checked first
	/// (Poco::icompare lowers every character: this runs for every header of every request).
{
	if (a.size() != b.size()) return false;
	for (std::size_t i = 0; i < a.size(); ++i)
		if (Poco::Ascii::toLower(a[i]) != Poco::Ascii::toLower(b[i])) return false;
	return true;
}


template <std::size_t N>
constexpr std::uint64_t lengthsOf(const std::string_view (&names)[N])
{
	std::uint64_t bits = 0;
	for (const std::string_view name : names) bits |= std::uint64_t(1) << name.size();
	return bits;
}


template <std::size_t N>
bool isOneOf(std::string_view name, const std::string_view (&names)[N], std::uint64_t lengths)
	/// Most names are none of them by their length alone (`lengths`: lengthsOf(names)): one
	/// bit test, not N comparisons.
{
	if (name.size() >= 64 || !(lengths >> name.size() & 1)) return false;
	for (const std::string_view listed : names)
	{
		if (sameName(name, listed)) return true;
	}
	return false;
}


bool isHopByHop(const std::string& name, const std::vector<std::string_view>& listedInConnection)
{
	static constexpr std::string_view names[] = {"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
		"Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade"};
	static constexpr std::uint64_t lengths = lengthsOf(names);
	if (isOneOf(name, names, lengths)) return true;
	for (const std::string_view token : listedInConnection)
	{
		if (sameName(name, token)) return true;
	}
	return false;
}


std::vector<std::string_view> connectionTokens(const Poco::Net::NameValueCollection& headers)
	/// The field names listed in the message's Connection fields (views into them). There may
	/// be several; together they name the hop-by-hop ones. Split once per message, not once
	/// per field checked. `close` and `keep-alive` name no other field (Keep-Alive is
	/// hop-by-hop anyway): left out, most messages list none, and allocate nothing.
{
	std::vector<std::string_view> tokens;
	for (const auto& header : headers)
	{
		if (!sameName(header.first, "Connection")) continue;
		std::string_view rest = header.second;
		while (!rest.empty())
		{
			const std::size_t comma = rest.find(',');
			const std::string_view token = HttpHeadParser::trimmed(rest.substr(0, comma));
			rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
			if (!token.empty() && !sameName(token, "close") && !sameName(token, "keep-alive")) tokens.push_back(token);
		}
	}
	return tokens;
}


bool neverFromClient(const std::string& name)
{
	// What upstream account is used, and as whom, is the model's config alone: a client
	// must not reach another organisation, project or key through the gateway's upstream.
	static constexpr std::string_view names[] = {"Authorization", "Proxy-Authorization", "Cookie", "Cookie2",
		"OpenAI-Organization", "OpenAI-Project", "api-key", "x-api-key", "x-goog-api-key", "x-goog-user-project",
		"Host", "Content-Length", "Expect"};
	static constexpr std::uint64_t lengths = lengthsOf(names);
	return isOneOf(name, names, lengths) || (name.size() >= 9 && sameName(std::string_view(name).substr(0, 9), "X-AILoad-"));
}


std::vector<std::string> viaEntries(const Poco::Net::NameValueCollection& headers)
{
	// Entries are comma-separated; a comment in parentheses may hold a comma of its own.
	// An entry whose comment is never closed is left out: passed on, it would swallow the
	// entries after it, this gateway's own included, and hide a loop.
	std::vector<std::string> entries;
	for (const auto& header : headers)
	{
		if (!sameName(header.first, "Via")) continue;
		std::string entry;
		int depth = 0;
		for (char c : header.second + ",")
		{
			if (c == '(') ++depth;
			else if (c == ')' && depth > 0)
				--depth;
			if (c != ',' || depth > 0)
			{
				entry += c;
				continue;
			}
			Poco::trimInPlace(entry);
			if (!entry.empty()) entries.push_back(entry); // the list syntax allows empty elements
			entry.clear();
		}
	}
	return entries;
}

} // namespace


void HeaderForwarding::setField(Fields& fields, std::string name, std::string value)
{
	for (auto& field : fields)
	{
		if (!sameName(field.first, name)) continue;
		field.second = std::move(value);
		return;
	}
	fields.emplace_back(std::move(name), std::move(value));
}


bool HeaderForwarding::hasField(const Fields& fields, std::string_view name)
{
	for (const auto& field : fields)
	{
		if (sameName(field.first, name)) return true;
	}
	return false;
}


void HeaderForwarding::writeRequestFields(const Poco::Net::HTTPRequest& from, const Fields& set, std::string& out)
{
	const std::vector<std::string_view> connection = connectionTokens(from);
	for (const auto& header : from)
	{
		const std::string& name = header.first;
		if (isHopByHop(name, connection) || neverFromClient(name) || hasField(set, name)) continue;
		out.append(name).append(": ").append(header.second).append("\r\n");
	}
	for (const auto& field : set) out.append(field.first).append(": ").append(field.second).append("\r\n");
}


std::string HeaderForwarding::via(const Poco::Net::HTTPRequest& from, const std::string& marker)
{
	std::string via;
	for (const auto& entry : viaEntries(from)) via += entry + ", ";
	const std::string& version = from.getVersion();
	via += version.compare(0, 5, "HTTP/") == 0 ? version.substr(5) : std::string("1.1");
	return via + " " + marker;
}


std::vector<std::string> HeaderForwarding::viaReceivedBy(const Poco::Net::NameValueCollection& headers)
{
	std::vector<std::string> hops;
	for (const auto& entry : viaEntries(headers))
	{
		// received-protocol RWS received-by [ RWS comment ]
		const std::size_t by = entry.find_first_not_of(" \t", entry.find_first_of(" \t"));
		hops.push_back(by == std::string::npos ? std::string() : entry.substr(by, entry.find_first_of(" \t(", by) - by));
	}
	return hops;
}


void HeaderForwarding::writeResponseFields(const Poco::Net::HTTPResponse& from, Poco::Net::HTTPResponse& to, std::string& out)
{
	const std::vector<std::string_view> connection = connectionTokens(from);
	for (const auto& header : from)
	{
		const std::string& name = header.first;
		if (isHopByHop(name, connection) || sameName(name, "Content-Length") || sameName(name, "X-Model") || sameName(name, "X-AILoad-Upstream"))
			continue;
		// The upstream's Date and Server, rather than the ones the gateway put in first.
		if (sameName(name, "Date") || sameName(name, "Server")) to.erase(name);
		// The client keeps the gateway's request id (docs/observability.md); the upstream's own
		// goes along under another name, for the upstream's support.
		out.append(sameName(name, "X-Request-Id") ? std::string_view("X-Upstream-Request-Id") : std::string_view(name));
		out.append(": ").append(header.second).append("\r\n");
	}
}

} // namespace AILoad

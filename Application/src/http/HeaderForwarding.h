#ifndef AILoad_HeaderForwarding_INCLUDED
#define AILoad_HeaderForwarding_INCLUDED

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace AILoad {

class HeaderForwarding
	/// Which headers cross the gateway. Hop-by-hop headers (RFC 9110 7.6.1, including
	/// those the Connection header names) never do; neither do the client's credentials,
	/// the headers that choose the upstream account, nor the gateway's own X-AILoad-*
	/// request headers.
{
public:
	using Fields = std::vector<std::pair<std::string, std::string>>;

	static void setField(Fields& fields, std::string name, std::string value);
		/// Sets `name` in `fields`: replaces the value of one of that name (in any case), or
		/// adds it at the end.
	static bool hasField(const Fields& fields, std::string_view name);

	static void writeRequestFields(const Poco::Net::HTTPRequest& from, const Fields& set, std::string& out);
		/// Appends the header fields of the request sent upstream to `out`, one
		/// "Name: value\r\n" line each: the client's, less `set`'s names and those that never
		/// go (hop-by-hop ones, X-AILoad-*, Host, Content-Length, Expect, and those that carry
		/// credentials or pick the account: Authorization, Proxy-Authorization, Cookie,
		/// Cookie2, OpenAI-Organization, OpenAI-Project, api-key, x-api-key, x-goog-api-key
		/// and x-goog-user-project), then `set`, the gateway's own (a model's `headers` in the
		/// config may set any of them). Written as text once: no header map is built for a
		/// request that is only ever sent.

	static std::string via(const Poco::Net::HTTPRequest& from, const std::string& marker);
		/// The Via to send upstream: the client's Via entries (all of `from`'s Via headers, in
		/// order) followed by this hop, `<version> <marker>` (e.g. `1.1 aiload-0123456789abcdef`,
		/// the version being the client request's), comma-separated as RFC 9110 7.6.3 says.
		/// `marker` is Gateway::viaMarker().

	static std::vector<std::string> viaReceivedBy(const Poco::Net::NameValueCollection& headers);
		/// The received-by part (a host or pseudonym) of each Via entry, in order: one per
		/// hop the message has passed. "" for an entry that has none.

	static void writeResponseFields(const Poco::Net::HTTPResponse& from, Poco::Net::HTTPResponse& to, std::string& out);
		/// Appends the upstream's header fields that go to the client to `out`, one
		/// "Name: value\r\n" line each, to be written after `to`'s own: all but Content-Length,
		/// hop-by-hop ones, and X-Model and X-AILoad-Upstream, which the gateway sets; the
		/// upstream's X-Request-Id as X-Upstream-Request-Id. The upstream's Date and Server
		/// replace `to`'s.
};

} // namespace AILoad

#endif

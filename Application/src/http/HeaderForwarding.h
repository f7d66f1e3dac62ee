#ifndef AILoad_HeaderForwarding_INCLUDED
#define AILoad_HeaderForwarding_INCLUDED

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <string>
#include <vector>

namespace AILoad {

class HeaderForwarding
	/// Which headers cross the gateway. Hop-by-hop headers (RFC 9110 7.6.1, including
	/// those the Connection header names) never do; neither do the client's credentials,
	/// the headers that choose the upstream account, nor the gateway's own X-AILoad-*
	/// request headers.
{
public:
	static void copyRequestHeaders(const Poco::Net::HTTPRequest& from, Poco::Net::HTTPRequest& to);
		/// All but hop-by-hop ones, X-AILoad-*, Host, Content-Length, Expect, and those that
		/// carry credentials or pick the account: Authorization, Proxy-Authorization, Cookie,
		/// Cookie2, OpenAI-Organization, OpenAI-Project, api-key, x-api-key, x-goog-api-key
		/// and x-goog-user-project. (A model's `headers` in the config may set any of them.)

	static void addVia(const Poco::Net::HTTPRequest& from, Poco::Net::HTTPRequest& to, const std::string& marker);
		/// Sets `to`'s Via to the client's Via entries (all of `from`'s Via headers, in
		/// order) followed by this hop, `<version> <marker>` (e.g. `1.1 aiload-0123456789abcdef`,
		/// the version being the client request's), comma-separated as RFC 9110 7.6.3 says.
		/// Call it after copyRequestHeaders(); `marker` is Gateway::viaMarker().

	static std::vector<std::string> viaReceivedBy(const Poco::Net::NameValueCollection& headers);
		/// The received-by part (a host or pseudonym) of each Via entry, in order: one per
		/// hop the message has passed. "" for an entry that has none.

	static void copyResponseHeaders(const Poco::Net::HTTPResponse& from, Poco::Net::HTTPResponse& to);
		/// All but Content-Length and hop-by-hop ones; X-Request-Id as X-Upstream-Request-Id.
};

} // namespace AILoad

#endif

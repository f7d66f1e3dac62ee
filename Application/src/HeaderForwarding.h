#ifndef AILoad_HeaderForwarding_INCLUDED
#define AILoad_HeaderForwarding_INCLUDED

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NameValueCollection.h>

namespace AILoad {

class HeaderForwarding
	/// Which headers cross the gateway. Hop-by-hop headers (RFC 9110 7.6.1, including
	/// those the Connection header names) never do; the client's credentials and the
	/// gateway's own X-AILoad-* request headers never go upstream.
{
public:
	static void copyRequestHeaders(const Poco::Net::HTTPRequest& from, Poco::Net::HTTPRequest& to);
		/// All but Authorization, Host, Content-Length, Expect, hop-by-hop and X-AILoad-*.

	static void copyResponseHeaders(const Poco::Net::HTTPResponse& from, Poco::Net::HTTPResponse& to);
		/// All but Content-Length and hop-by-hop ones.

	static bool hasUnsafeValue(const Poco::Net::NameValueCollection& headers);
		/// True if a name or value holds CR, LF or NUL (request smuggling, header injection).
};

} // namespace AILoad

#endif

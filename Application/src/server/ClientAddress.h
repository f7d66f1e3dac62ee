#ifndef AILoad_ClientAddress_INCLUDED
#define AILoad_ClientAddress_INCLUDED

#include "GatewayRequest.h"
#include <Poco/Net/IPAddress.h>
#include <string>
#include <vector>

namespace AILoad {

class ClientAddress
	/// The address of the client behind a request: the peer's, unless the peer is one of
	/// `settings.trusted_proxies`, whose `X-Forwarded-For` (or, without one, `X-Real-IP`) is
	/// then believed. A client can write anything into these headers, so only the entries
	/// that trusted proxies appended count: X-Forwarded-For is read from the right, past every
	/// trusted proxy, and the first address that is not one is the client (as nginx's realip
	/// module does with real_ip_recursive on).
{
public:
	static std::string of(const GatewayRequest& request, const std::vector<std::string>& trustedProxies);

	static std::string textOf(const Poco::Net::IPAddress& peer);
		/// A peer's address as text; an IPv4 client seen through an IPv6 socket as IPv4.
};

} // namespace AILoad

#endif

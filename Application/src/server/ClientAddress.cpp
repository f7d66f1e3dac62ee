#include "ClientAddress.h"

#include <Poco/Net/IPAddress.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <algorithm>

namespace AILoad {

namespace {

bool parse(const std::string& text, Poco::Net::IPAddress& address)
{
	if (!Poco::Net::IPAddress::tryParse(text, address)) return false;
	// A peer on an IPv6 socket shows IPv4 clients as ::ffff:a.b.c.d; compare them as IPv4.
	if (address.family() == Poco::Net::IPAddress::IPv6 && address.isIPv4Mapped())
		address = Poco::Net::IPAddress(address.toString().substr(7));
	return true;
}


bool trusted(const Poco::Net::IPAddress& address, const std::vector<std::string>& trustedProxies)
{
	return std::any_of(trustedProxies.begin(), trustedProxies.end(), [&](const std::string& proxy) {
		Poco::Net::IPAddress trustedAddress;
		return parse(proxy, trustedAddress) && trustedAddress == address;
	});
}

} // namespace


std::string ClientAddress::of(const GatewayRequest& request, const std::vector<std::string>& trustedProxies)
{
	if (trustedProxies.empty()) return request.clientHost();
	Poco::Net::IPAddress client = request.clientAddress().host();
	parse(client.toString(), client);
	if (!trusted(client, trustedProxies)) return client.toString();

	std::vector<std::string> hops;
	for (const auto& header : {"X-Forwarded-For", "X-Real-IP"})
	{
		if (!request.has(header)) continue;
		// Several X-Forwarded-For lines are one list, in order.
		for (auto it = request.find(header); it != request.end() && Poco::icompare(it->first, header) == 0; ++it)
		{
			Poco::StringTokenizer entries(it->second, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
			hops.insert(hops.end(), entries.begin(), entries.end());
		}
		break;
	}
	for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop)
	{
		Poco::Net::IPAddress address;
		if (!parse(*hop, address)) break; // garbage: the last trusted hop is all we know
		client = address;
		if (!trusted(client, trustedProxies)) break;
	}
	return client.toString();
}

std::string ClientAddress::textOf(const Poco::Net::IPAddress& peer)
{
	Poco::Net::IPAddress address = peer;
	parse(address.toString(), address);
	return address.toString();
}

} // namespace AILoad

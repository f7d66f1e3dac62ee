#include "ConnectionsPerAddress.h"

namespace AILoad {

namespace {

std::set<Poco::Net::IPAddress> parsed(const std::vector<std::string>& addresses)
{
	std::set<Poco::Net::IPAddress> result;
	for (const auto& text : addresses)
	{
		Poco::Net::IPAddress address;
		if (Poco::Net::IPAddress::tryParse(text, address)) result.insert(ConnectionsPerAddress::normalized(address));
	}
	return result;
}

} // namespace


ConnectionsPerAddress::Ticket::Ticket(ConnectionsPerAddress* owner, const Poco::Net::IPAddress& address):
	_owner(owner),
	_address(address),
	_admitted(true)
{
}


ConnectionsPerAddress::Ticket::Ticket(Ticket&& other) noexcept:
	_owner(other._owner),
	_address(other._address),
	_admitted(other._admitted)
{
	other._owner = nullptr;
	other._admitted = false;
}


ConnectionsPerAddress::Ticket& ConnectionsPerAddress::Ticket::operator=(Ticket&& other) noexcept
{
	if (this != &other)
	{
		release();
		_owner = other._owner;
		_address = other._address;
		_admitted = other._admitted;
		other._owner = nullptr;
		other._admitted = false;
	}
	return *this;
}


ConnectionsPerAddress::Ticket::~Ticket()
{
	release();
}


ConnectionsPerAddress::Ticket::operator bool() const
{
	return _admitted;
}


void ConnectionsPerAddress::Ticket::release()
{
	if (_owner) _owner->closed(_address);
	_owner = nullptr;
	_admitted = false;
}


ConnectionsPerAddress::ConnectionsPerAddress(std::size_t cap, const std::vector<std::string>& exempt):
	_cap(cap),
	_exempt(parsed(exempt))
{
}


ConnectionsPerAddress::Ticket ConnectionsPerAddress::tryOpen(const Poco::Net::IPAddress& peer)
{
	const Poco::Net::IPAddress address = normalized(peer);
	std::lock_guard<std::mutex> lock(_mutex);
	if (_cap == 0 || exempt(address)) return Ticket(nullptr, address);
	std::size_t& open = _open[address];
	if (open >= _cap) return Ticket();
	++open;
	return Ticket(this, address);
}


bool ConnectionsPerAddress::full(const Poco::Net::IPAddress& peer) const
{
	const Poco::Net::IPAddress address = normalized(peer);
	std::lock_guard<std::mutex> lock(_mutex);
	if (_cap == 0 || exempt(address)) return false;
	const auto found = _open.find(address);
	return found != _open.end() && found->second >= _cap;
}


void ConnectionsPerAddress::setTrustedProxies(const std::vector<std::string>& trustedProxies)
{
	std::set<Poco::Net::IPAddress> addresses = parsed(trustedProxies);
	std::lock_guard<std::mutex> lock(_mutex);
	_trustedProxies.swap(addresses);
}


std::size_t ConnectionsPerAddress::openFrom(const Poco::Net::IPAddress& peer) const
{
	const Poco::Net::IPAddress address = normalized(peer);
	std::lock_guard<std::mutex> lock(_mutex);
	const auto found = _open.find(address);
	return found == _open.end() ? 0 : found->second;
}


Poco::Net::IPAddress ConnectionsPerAddress::normalized(const Poco::Net::IPAddress& address)
{
	if (address.family() != Poco::Net::IPAddress::IPv6 || !address.isIPv4Mapped()) return address;
	const unsigned char* bytes = static_cast<const unsigned char*>(address.addr());
	return Poco::Net::IPAddress(bytes + 12, 4);
}


bool ConnectionsPerAddress::exempt(const Poco::Net::IPAddress& address) const
{
	return _exempt.count(address) > 0 || _trustedProxies.count(address) > 0;
}


void ConnectionsPerAddress::closed(const Poco::Net::IPAddress& address)
{
	std::lock_guard<std::mutex> lock(_mutex);
	const auto found = _open.find(address);
	if (found == _open.end()) return;
	// Erased at zero, so that the map holds only the addresses with connections open.
	if (--found->second == 0) _open.erase(found);
}

} // namespace AILoad

#ifndef AILoad_ConnectionsPerAddress_INCLUDED
#define AILoad_ConnectionsPerAddress_INCLUDED

#include <Poco/Net/IPAddress.h>
#include <cstddef>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace AILoad {

class ConnectionsPerAddress
	/// Counts the open client connections of each peer address and refuses one beyond the
	/// cap (`aiload.server.maxConnectionsPerAddress`): without it, a few thousand idle
	/// connections from one host take every thread and lock everyone else out.
	/// Exempt are the addresses of `aiload.server.connectionLimitExempt` and the config's
	/// `settings.trusted_proxies` (behind a reverse proxy every client shares its address).
	/// An IPv4-mapped IPv6 address counts as the IPv4 address. Thread-safe.
{
public:
	class Ticket
		/// One open connection, counted until the ticket is destroyed. An empty ticket
		/// (the connection was refused) is false and counts nothing.
	{
	public:
		Ticket() = default;
		Ticket(Ticket&& other) noexcept;
		Ticket& operator=(Ticket&& other) noexcept;
		~Ticket();

		Ticket(const Ticket&) = delete;
		Ticket& operator=(const Ticket&) = delete;

		explicit operator bool() const;
			/// True if the connection was admitted.

	private:
		Ticket(ConnectionsPerAddress* owner, const Poco::Net::IPAddress& address);
		void release();

		ConnectionsPerAddress* _owner = nullptr; /// null for an exempt address too: nothing to give back
		Poco::Net::IPAddress _address;
		bool _admitted = false;

		friend class ConnectionsPerAddress;
	};

	ConnectionsPerAddress(std::size_t cap, const std::vector<std::string>& exempt);
		/// A cap of 0 admits every connection. Entries of `exempt` that are not IP
		/// addresses are ignored (the application checks them).

	Ticket tryOpen(const Poco::Net::IPAddress& address);
		/// A ticket that counts the connection, or an empty one if the address already
		/// has `cap` connections open. Must not outlive this object.

	bool full(const Poco::Net::IPAddress& address) const;
		/// True if tryOpen() would refuse the address now; a quick check before a
		/// connection is queued.

	void setTrustedProxies(const std::vector<std::string>& trustedProxies);
		/// The config's settings.trusted_proxies, exempt too; replaced at each reload.

	std::size_t openFrom(const Poco::Net::IPAddress& address) const;
		/// The connections counted for the address now.

	static Poco::Net::IPAddress normalized(const Poco::Net::IPAddress& address);
		/// An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack socket reports
		/// for an IPv4 peer) as the IPv4 address; any other unchanged.

private:
	bool exempt(const Poco::Net::IPAddress& address) const;
		/// Requires _mutex.
	void closed(const Poco::Net::IPAddress& address);

	const std::size_t _cap;
	std::set<Poco::Net::IPAddress> _exempt;
	std::set<Poco::Net::IPAddress> _trustedProxies;
	std::map<Poco::Net::IPAddress, std::size_t> _open;
	mutable std::mutex _mutex;
};

} // namespace AILoad

#endif

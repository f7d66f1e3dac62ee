#ifndef AILoad_UpstreamPool_INCLUDED
#define AILoad_UpstreamPool_INCLUDED

#include "UpstreamConnector.h"
#include <Poco/Timer.h>
#include <Poco/Timestamp.h>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace AILoad {

class UpstreamPool
	/// Keeps upstream connections alive between requests, per scheme, host, port and TLS
	/// mode (entries with different keys for the same host share connections: the key
	/// travels in each request, not in the connection).
	///
	/// A connection goes back only after its answer was read to the real end. One taken out
	/// after a second or more is checked first: readable while idle means the upstream closed
	/// it (POCO would only find out on the next read, issues #3150 and #4458). Idle ones are closed after
	/// `idleTimeout` (a timer sweeps them), and at most `maxIdlePerHost` are kept per host. The TLS session of the
	/// last handshake with a host is offered on the next one (resumption). Thread-safe.
{
public:
	UpstreamPool(const std::string& extraCaLocation, Poco::Timespan idleTimeout, std::size_t maxIdlePerHost);
	~UpstreamPool();

	std::unique_ptr<UpstreamSession> acquire(const UpstreamConfig& upstream, const GatewayConfig& config);
		/// An idle connection to the upstream's host if a live one is there (reused() is
		/// true), else a new session that connects on first use.

	std::unique_ptr<UpstreamSession> acquireIdle(const UpstreamConfig& upstream, const GatewayConfig& config);
		/// An idle connection that is still open, or null: never connects (an event loop
		/// may call it).
	std::unique_ptr<UpstreamSession> connectFresh(const UpstreamConfig& upstream, const GatewayConfig& config);
		/// Always a new session (to retry a request that failed on a reused connection).

	void release(const UpstreamConfig& upstream, std::unique_ptr<UpstreamSession> session);
		/// Gives back a session whose exchange ended cleanly (UpstreamSession::reusable()).

	std::size_t idleConnections() const;
	std::size_t idleConnectionsTo(const UpstreamConfig& upstream) const;
		/// To its host (upstreams on one host share them).
	std::size_t reused() const;
		/// Idle connections taken for a request, since start.
	std::size_t tlsResumptions() const;
		/// Handshakes that resumed an earlier TLS session, since start.

private:
	static constexpr Poco::Timestamp::TimeDiff livenessCheckAfter = 1000000; /// microseconds idle
	void evictExpired(Poco::Timer&);

	struct Idle
	{
		std::unique_ptr<UpstreamSession> session;
		Poco::Timestamp since;
	};

	struct Host
	{
		std::vector<Idle> idle; /// most recently used last
		Poco::Net::Session::Ptr tlsSession;
	};

	static std::string keyOf(const UpstreamConfig& upstream);

	UpstreamConnector _connector;
	Poco::Timer _evictor;
	const Poco::Timespan _idleTimeout;
	const std::size_t _maxIdlePerHost;
	mutable std::mutex _mutex;
	std::map<std::string, Host> _hosts;
	std::size_t _tlsResumptions = 0;
	std::size_t _reused = 0;
};

} // namespace AILoad

#endif

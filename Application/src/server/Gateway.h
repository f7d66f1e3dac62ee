#ifndef AILoad_Gateway_INCLUDED
#define AILoad_Gateway_INCLUDED

#include "BodyMemoryBudget.h"
#include "GatewayConfig.h"
#include "UpstreamPool.h"
#include "UpstreamProber.h"
#include "UpstreamRegistry.h"
#include "StrategyChain.h"
#include "ClientDeadlines.h"
#include "ConnectionsPerAddress.h"
#include "RequestLedger.h"
#include "AILoad/Clock.h"
#include "EventLoop.h"
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace AILoad {

class GatewayRequestHandlerFactory;
class Listener;

class Gateway
	/// The running gateway: the HTTP server, the current config, and what every request
	/// shares (the upstream connector and the router). Tests run it in-process; the
	/// `aiload` application wraps it.
{
public:
	struct ServerSettings
		/// From etc/aiload.properties (`aiload.server.*`); sized for many long-lived streams.
	{
		int eventLoops = 0; /// threads that hold the waits (docs/performance.md, "Serving core"); 0: one per CPU the process may use
		int minThreads = 8; /// workers: only what may block (a connect, a chunked or large body); see docs/performance.md
		int maxThreads = 4096;
		int stackSize = 256 * 1024; /// a relay needs little stack; 8 MiB each would waste memory
		int backlog = 1024;
		Poco::Timespan keepAliveTimeout = Poco::Timespan(15, 0);
		Poco::Timespan receiveTimeout = Poco::Timespan(30, 0);
		Poco::Timespan sendTimeout = Poco::Timespan(30, 0);
		Poco::Timespan requestTimeout = Poco::Timespan(30, 0); /// for a request's head and body, in all
		std::string extraCaLocation; /// a CA file or folder trusted for upstreams besides the system store
		Poco::Timespan upstreamIdleTimeout = Poco::Timespan(15, 0); /// an idle upstream connection is closed after it
		std::size_t maxIdlePerHost = 64;
		std::size_t maxBodyMemory = 256 * 1024 * 1024; /// request bodies held at once, over all requests
		Poco::Timespan firstByteTimeout = Poco::Timespan(5, 0); /// a new connection's first request byte must come within it
		std::size_t maxConnectionsPerAddress = 256; /// open connections one client address may hold; 0: no cap
		std::vector<std::string> connectionLimitExempt = {"127.0.0.1", "::1"}; /// addresses without that cap, besides settings.trusted_proxies
		std::shared_ptr<AccessLog> accessLog; /// `aiload.accessLog.*`; none: no access log
		std::shared_ptr<const Clock> clock; /// not a property: what cooldowns and rpm/rpd windows read (tests pass a ManualClock); none: the system's
	};

	Gateway(GatewayConfig::Ptr config, const ServerSettings& settings, std::unique_ptr<StrategyChain> router);
		/// Configures the router with the config; throws what its configure() throws.
	~Gateway();

	void start();
		/// Listens on the config's server.host and server.port (0: any free port). Throws
		/// Poco::Net::NetException saying which address when it cannot, e.g. when another
		/// process listens there already.

	Poco::UInt16 port() const;

	bool stop(Poco::Timespan drain);
		/// Stops accepting and closes the listening socket (new clients are refused at
		/// once), lets requests in flight finish for up to `drain`, then cuts the rest.
		/// True if all had finished by themselves.

	bool draining() const;
		/// True once stop() has begun.

	GatewayConfig::Ptr config() const;
	void setConfig(GatewayConfig::Ptr config);
		/// New requests use the new config; requests in flight keep theirs. Throws, and keeps
		/// the running config, when the router cannot route with it (a strategy plugin that
		/// does not load or refuses its options). Called from one thread at a time.

	UpstreamPool& upstreams();
	StrategyChain& router();
	UpstreamRegistry& upstreamStates();
		/// Each configured upstream's cooldown, rpm/rpd windows and counters, kept by name
		/// across reloads.
	BodyMemoryBudget& bodyBudget();
	ConnectionsPerAddress& connectionsPerAddress();
	RequestLedger& ledger();
		/// Finished requests, for /metrics, /status and the access log.

	Poco::Timestamp startedAt() const;
	int activeRequests() const;

	const std::string& viaMarker() const;
		/// This gateway's name in the Via header of the requests it sends upstream,
		/// `aiload-<16 hex digits>`, random for each Gateway: a request that comes back
		/// with it has gone round in a loop (see HeaderForwarding::via()).

	void requestStarted();
	void requestFinished();

	// What the connections share (GatewayConnection):
	const ServerSettings& settings() const;
	Poco::Net::HTTPServerParams::Ptr serverParams() const;
	GatewayRequestHandlerFactory& handlers();
	ClientDeadlines& deadlines();
	Poco::ThreadPool& workers();

private:
	bool waitForIdle(Poco::Timespan timeout);

	GatewayConfig::Ptr _config;
	mutable std::mutex _configMutex;
	ServerSettings _settings;
	UpstreamPool _upstreams;
	std::unique_ptr<StrategyChain> _router;
	UpstreamRegistry _upstreamStates;
	ClientDeadlines _deadlines;
	BodyMemoryBudget _bodyBudget;
	ConnectionsPerAddress _connectionsPerAddress;
	RequestLedger _ledger;
	std::unique_ptr<UpstreamProber> _prober; /// after the pool and the states it uses
	const Poco::Timestamp _startedAt;
	const std::string _viaMarker;
	Poco::ThreadPool _threads;
	Poco::Net::HTTPServerParams::Ptr _params;
	std::unique_ptr<GatewayRequestHandlerFactory> _handlers;
	std::vector<std::unique_ptr<EventLoop>> _loops;
	Listener* _listener = nullptr; /// owned by the first loop; closed by stop() before the drain
	std::atomic<Poco::UInt16> _port{0}; /// read by port() while stop() runs

	mutable std::mutex _inFlightMutex;
	std::condition_variable _idle;
	int _inFlight = 0;
	std::atomic<bool> _draining{false};
};

} // namespace AILoad

#endif

#ifndef AILoad_Gateway_INCLUDED
#define AILoad_Gateway_INCLUDED

#include "GatewayConfig.h"
#include "UpstreamConnector.h"
#include "UpstreamRouter.h"
#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

namespace AILoad {

class Gateway
	/// The running gateway: the HTTP server, the current config, and what every request
	/// shares (the upstream connector and the router). Tests run it in-process; the
	/// `aiload` application wraps it.
{
public:
	struct ServerSettings
		/// From etc/aiload.properties (`aiload.server.*`); sized for many long-lived streams.
	{
		int minThreads = 8;
		int maxThreads = 512;
		int stackSize = 256 * 1024;   /// a relay needs little stack; 8 MiB each would waste memory
		int maxQueued = 512;
		int backlog = 1024;
		Poco::Timespan keepAliveTimeout = Poco::Timespan(15, 0);
		Poco::Timespan receiveTimeout = Poco::Timespan(30, 0);
		Poco::Timespan sendTimeout = Poco::Timespan(30, 0);
		std::string extraCaLocation;  /// a CA file or folder trusted for upstreams besides the system store
	};

	Gateway(GatewayConfig::Ptr config, const ServerSettings& settings, std::unique_ptr<UpstreamRouter> router);
	~Gateway();

	void start();
		/// Listens on the config's server.host and server.port (0: any free port).

	Poco::UInt16 port() const;

	bool stop(Poco::Timespan drain);
		/// Stops accepting, lets requests in flight finish for up to `drain`, then cuts
		/// the rest. True if all had finished by themselves.

	GatewayConfig::Ptr config() const;
	void setConfig(GatewayConfig::Ptr config);
		/// New requests use the new config; requests in flight keep theirs.

	const UpstreamConnector& connector() const;
	UpstreamRouter& router();

	void requestStarted();
	void requestFinished();

private:
	bool waitForIdle(Poco::Timespan timeout);

	GatewayConfig::Ptr _config;
	mutable std::mutex _configMutex;
	ServerSettings _settings;
	UpstreamConnector _connector;
	std::unique_ptr<UpstreamRouter> _router;
	Poco::ThreadPool _threads;
	std::unique_ptr<Poco::Net::HTTPServer> _server;

	std::mutex _inFlightMutex;
	std::condition_variable _idle;
	int _inFlight = 0;
};

} // namespace AILoad

#endif

#include "Gateway.h"

#include "BusyConnectionFilter.h"
#include "GatewayConnectionFactory.h"
#include "GatewayRequestHandlerFactory.h"
#include "AILoad/SystemClock.h"
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/RandomStream.h>
#include <cerrno>
#include <chrono>
#include <cstdio>

namespace AILoad {

namespace {

std::string randomViaMarker()
{
	// From the system's CSPRNG: a client must not be able to guess it and make the gateway
	// refuse its requests as loops.
	unsigned char bytes[8];
	Poco::RandomInputStream random;
	random.read(reinterpret_cast<char*>(bytes), sizeof(bytes));
	char hex[2 * sizeof(bytes) + 1];
	for (std::size_t i = 0; i < sizeof(bytes); ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
	return std::string("aiload-") + hex;
}

} // namespace


Gateway::Gateway(GatewayConfig::Ptr config, const ServerSettings& settings, std::unique_ptr<StrategyChain> router):
	_config(std::move(config)),
	_settings(settings),
	_upstreams(settings.extraCaLocation, settings.upstreamIdleTimeout, settings.maxIdlePerHost),
	_router(std::move(router)),
	_upstreamStates(_settings.clock ? *_settings.clock : SystemClock::instance()),
	_deadlines(settings.requestTimeout),
	_bodyBudget(settings.maxBodyMemory),
	_connectionsPerAddress(settings.maxConnectionsPerAddress, settings.connectionLimitExempt),
	_ledger(settings.accessLog, _settings.clock ? *_settings.clock : SystemClock::instance()),
	_prober(std::make_unique<UpstreamProber>([this] { return this->config(); }, _upstreamStates, _upstreams)),
	_viaMarker(randomViaMarker()),
	_threads("aiload", settings.minThreads, settings.maxThreads, 60, settings.stackSize)
{
	_router->configure(*_config);
	_upstreamStates.sync(*_config);
	_connectionsPerAddress.setTrustedProxies(_config->trustedProxies);
}


Gateway::~Gateway()
{
	if (_server) stop(Poco::Timespan(0));
}


void Gateway::start()
{
	const GatewayConfig::Ptr config = this->config();
	const Poco::Net::SocketAddress address(config->serverHost, static_cast<Poco::UInt16>(config->serverPort));
	Poco::Net::ServerSocket socket;
	try
	{
		// Not bind(address, true): POCO 1.11 then sets SO_REUSEPORT too, and a second AILoad
		// on the port would start without a word and get half of the clients.
		socket.bind(address, true, false);
		socket.listen(_settings.backlog);
	}
	catch (Poco::Exception& exc)
	{
		if (exc.code() == EADDRINUSE)
			throw Poco::Net::NetException("cannot listen on " + address.toString() + ": the address is in use (is another AILoad running?)", EADDRINUSE);
		throw Poco::Net::NetException("cannot listen on " + address.toString() + ": " + exc.displayText(), exc.code());
	}

	Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
	params->setMaxThreads(_settings.maxThreads);
	params->setMaxQueued(_settings.maxQueued);
	params->setKeepAlive(true);
	params->setKeepAliveTimeout(_settings.keepAliveTimeout);
	params->setTimeout(_settings.receiveTimeout);
	params->setServerName("AILoad");
	// POCO's HTTPServer is a TCPServer with a connection factory of its own; building it
	// from the parts lets each connection carry a request deadline.
	_handlers = new GatewayRequestHandlerFactory(*this);
	Poco::Net::TCPServerConnectionFactory::Ptr connections = new GatewayConnectionFactory(params, _handlers, _deadlines, _settings.sendTimeout, _settings.firstByteTimeout, _connectionsPerAddress, _ledger);
	_server = std::make_unique<Poco::Net::TCPServer>(connections, _threads, socket, params);
	_listener = socket;
	_port = socket.address().port();
	Poco::AutoPtr<BusyConnectionFilter> busy = new BusyConnectionFilter(_settings.maxThreads, _connectionsPerAddress);
	busy->watch(_server.get());
	_server->setConnectionFilter(busy);
	_server->start();
}


Poco::UInt16 Gateway::port() const
{
	return _port;  // not _server->port(): the socket is closed during the drain
}


bool Gateway::stop(Poco::Timespan drain)
{
	if (!_server) return true;
	_draining = true;  // a new request on a kept-alive connection now gets 503
	_server->stop();
	// Its accept thread has ended: close the socket now, so that new clients are refused at
	// once instead of waiting in the backlog for the whole drain.
	_listener.close();
	const bool drained = waitForIdle(drain);
	// Drained: every connection ends once the response it may still be finishing is out
	// (a handler returns before POCO writes the chunked terminator). Not drained: cut them
	// all; a relay waiting on its upstream watches its client's socket, so it notices,
	// drops its upstream and returns.
	_handlers->stopConnections(!drained);
	waitForIdle(Poco::Timespan(5, 0));
	_threads.joinAll();
	_server.reset();
	_port = 0;
	return drained;
}


bool Gateway::draining() const
{
	return _draining;
}


GatewayConfig::Ptr Gateway::config() const
{
	std::lock_guard<std::mutex> lock(_configMutex);
	return _config;
}


void Gateway::setConfig(GatewayConfig::Ptr config)
{
	_router->configure(*config);  // first: when it refuses the config, nothing changes
	_upstreamStates.sync(*config);  // before the config: its requests find the states of its upstreams
	_connectionsPerAddress.setTrustedProxies(config->trustedProxies);
	std::lock_guard<std::mutex> lock(_configMutex);
	_config = std::move(config);
}


UpstreamPool& Gateway::upstreams()
{
	return _upstreams;
}


StrategyChain& Gateway::router()
{
	return *_router;
}


BodyMemoryBudget& Gateway::bodyBudget()
{
	return _bodyBudget;
}


ConnectionsPerAddress& Gateway::connectionsPerAddress()
{
	return _connectionsPerAddress;
}


RequestLedger& Gateway::ledger()
{
	return _ledger;
}


Poco::Timestamp Gateway::startedAt() const
{
	return _startedAt;
}


int Gateway::activeRequests() const
{
	std::lock_guard<std::mutex> lock(_inFlightMutex);
	return _inFlight;
}


const std::string& Gateway::viaMarker() const
{
	return _viaMarker;
}


UpstreamRegistry& Gateway::upstreamStates()
{
	return _upstreamStates;
}


void Gateway::requestStarted()
{
	std::lock_guard<std::mutex> lock(_inFlightMutex);
	++_inFlight;
}


void Gateway::requestFinished()
{
	std::lock_guard<std::mutex> lock(_inFlightMutex);
	if (--_inFlight == 0) _idle.notify_all();
}


bool Gateway::waitForIdle(Poco::Timespan timeout)
{
	std::unique_lock<std::mutex> lock(_inFlightMutex);
	return _idle.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [this] { return _inFlight == 0; });
}

} // namespace AILoad

#include "Gateway.h"

#include "BusyConnectionFilter.h"
#include "GatewayConnectionFactory.h"
#include "GatewayRequestHandlerFactory.h"
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <chrono>

namespace AILoad {

Gateway::Gateway(GatewayConfig::Ptr config, const ServerSettings& settings, std::unique_ptr<UpstreamRouter> router):
	_config(std::move(config)),
	_settings(settings),
	_upstreams(settings.extraCaLocation, settings.upstreamIdleTimeout, settings.maxIdlePerHost),
	_router(std::move(router)),
	_deadlines(settings.requestTimeout),
	_threads("aiload", settings.minThreads, settings.maxThreads, 60, settings.stackSize)
{
	_router->configure(*_config);
}


Gateway::~Gateway()
{
	if (_server) stop(Poco::Timespan(0));
}


void Gateway::start()
{
	const GatewayConfig::Ptr config = this->config();
	Poco::Net::ServerSocket socket;
	socket.bind(Poco::Net::SocketAddress(config->serverHost, static_cast<Poco::UInt16>(config->serverPort)), true);
	socket.listen(_settings.backlog);

	Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
	params->setMaxThreads(_settings.maxThreads);
	params->setMaxQueued(_settings.maxQueued);
	params->setKeepAlive(true);
	params->setKeepAliveTimeout(_settings.keepAliveTimeout);
	params->setTimeout(_settings.receiveTimeout);
	params->setServerName("AILoad");
	// POCO's HTTPServer is a TCPServer with a connection factory of its own; building it
	// from the parts lets each connection carry a request deadline.
	_handlers = new GatewayRequestHandlerFactory(*this, _deadlines, _settings.keepAliveTimeout);
	Poco::Net::TCPServerConnectionFactory::Ptr connections = new GatewayConnectionFactory(params, _handlers, _deadlines, _settings.sendTimeout);
	_server = std::make_unique<Poco::Net::TCPServer>(connections, _threads, socket, params);
	Poco::AutoPtr<BusyConnectionFilter> busy = new BusyConnectionFilter(_settings.maxThreads);
	busy->watch(_server.get());
	_server->setConnectionFilter(busy);
	_server->start();
}


Poco::UInt16 Gateway::port() const
{
	return _server ? _server->port() : 0;
}


bool Gateway::stop(Poco::Timespan drain)
{
	if (!_server) return true;
	_draining = true;  // a new request on a kept-alive connection now gets 503
	_server->stop();
	const bool drained = waitForIdle(drain);
	// Drained: every connection ends once the response it may still be finishing is out
	// (a handler returns before POCO writes the chunked terminator). Not drained: cut them
	// all; a relay waiting on its upstream watches its client's socket, so it notices,
	// drops its upstream and returns.
	_handlers->stopConnections(!drained);
	waitForIdle(Poco::Timespan(5, 0));
	_threads.joinAll();
	_server.reset();
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
	std::lock_guard<std::mutex> lock(_configMutex);
	_config = std::move(config);
}


UpstreamPool& Gateway::upstreams()
{
	return _upstreams;
}


UpstreamRouter& Gateway::router()
{
	return *_router;
}


ClientDeadlines& Gateway::deadlines()
{
	return _deadlines;
}


CooldownTracker& Gateway::cooldowns()
{
	return _cooldowns;
}


RequestRateLimiter& Gateway::rateLimiter()
{
	return _rateLimiter;
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

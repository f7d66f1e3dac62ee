#include "Gateway.h"

#include "GatewayRequestHandlerFactory.h"
#include "Listener.h"
#include "AILoad/SystemClock.h"
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/RandomStream.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <future>
#include <sched.h>
#include <thread>

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

int usableCpus()
{
	// The CPUs this process may run on (taskset, a container's cpuset), not all the
	// machine's: two loops on one CPU would wait for each other's time slices.
	cpu_set_t set;
	CPU_ZERO(&set);
	if (::sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
	return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

} // namespace


Gateway::Gateway(GatewayConfig::Ptr config, const ServerSettings& settings, std::unique_ptr<StrategyChain> router):
	_config(std::move(config)),
	_settings(settings),
	_upstreams(settings.extraCaLocation, settings.upstreamIdleTimeout, settings.maxIdlePerHost),
	_router(std::move(router)),
	_upstreamStates(_settings.clock ? *_settings.clock : SystemClock::instance()),
	_bodyBudget(settings.maxBodyMemory),
	_connectionsPerAddress(settings.maxConnectionsPerAddress, settings.connectionLimitExempt),
	_ledger(settings.accessLog, _settings.clock ? *_settings.clock : SystemClock::instance()),
	_prober(std::make_unique<UpstreamProber>([this] { return this->config(); }, _upstreamStates, _upstreams)),
	_viaMarker(randomViaMarker()),
	_threads("aiload", settings.minThreads, settings.maxThreads, 60, settings.stackSize),
	_params(new Poco::Net::HTTPServerParams)
{
	_params->setKeepAlive(true);
	_params->setKeepAliveTimeout(_settings.keepAliveTimeout);
	_params->setTimeout(_settings.receiveTimeout);
	_params->setServerName("AILoad");
	_router->configure(*_config);
	_upstreamStates.sync(*_config);
	_connectionsPerAddress.setTrustedProxies(_config->trustedProxies);
}


Gateway::~Gateway()
{
	if (!_loops.empty()) stop(Poco::Timespan(0));
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

	_handlers = std::make_unique<GatewayRequestHandlerFactory>(*this);
	const int loops = _settings.eventLoops > 0 ? _settings.eventLoops : usableCpus();
	for (int i = 0; i < loops; ++i) _loops.push_back(std::make_unique<EventLoop>(i));
	_listener = new Listener(socket, *this, _loops);
	_port = socket.address().port();
	EventLoop& first = *_loops.front();
	first.post([this, &first] {
		first.adopt(_listener);
		_listener->open(first);
	});
}


Poco::UInt16 Gateway::port() const
{
	return _port; // not the socket's: it is closed during the drain
}


bool Gateway::stop(Poco::Timespan drain)
{
	if (_loops.empty()) return true;
	_draining = true; // a new request on a kept-alive connection now gets 503
	// Close the listening socket now, so that new clients are refused at once instead of
	// waiting in the backlog for the whole drain.
	std::promise<void> closed;
	_loops.front()->post([this, &closed] {
		_listener->close();
		closed.set_value();
	});
	closed.get_future().wait();
	const bool drained = waitForIdle(drain);
	// Drained: every connection ends once the response it may still be finishing is out.
	// Not drained: cut them all; a stream is told that the gateway shuts down, and a worker
	// waiting on its upstream watches its client's socket, so it notices, drops its
	// upstream and returns.
	for (auto& loop : _loops) loop->post([&loop, drained] { loop->stopAll(!drained); });
	waitForIdle(Poco::Timespan(5, 0));
	_threads.joinAll();
	_loops.clear(); // ends the loops; what they still hold is closed
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
	_router->configure(*config); // first: when it refuses the config, nothing changes
	_upstreamStates.sync(*config); // before the config: its requests find the states of its upstreams
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


const Gateway::ServerSettings& Gateway::settings() const
{
	return _settings;
}


Poco::Net::HTTPServerParams::Ptr Gateway::serverParams() const
{
	return _params;
}


GatewayRequestHandlerFactory& Gateway::handlers()
{
	return *_handlers;
}


ClientDeadlines& Gateway::deadlines()
{
	return _deadlines;
}


Poco::ThreadPool& Gateway::workers()
{
	return _threads;
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

#include "UpstreamProber.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

namespace AILoad {

UpstreamProber::UpstreamProber(std::function<GatewayConfig::Ptr()> config, UpstreamRegistry& states, UpstreamPool& pool):
	_config(std::move(config)),
	_states(states),
	_pool(pool),
	_thread([this] { run(); })
{
}


UpstreamProber::~UpstreamProber()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wake.notify_one();
	_thread.join();
}


void UpstreamProber::run()
{
	static Poco::Logger& logger = Poco::Logger::get("AILoad.Probe");
	std::unique_lock<std::mutex> lock(_mutex);
	// Each second it looks for upstreams whose probe is due; probeDue() keeps the interval.
	while (!_wake.wait_for(lock, std::chrono::seconds(1), [this] { return _stopping; }))
	{
		lock.unlock();
		const GatewayConfig::Ptr config = _config();
		if (config->probeInterval > 0)
		{
			for (const UpstreamConfig& upstream : config->upstreams)
			{
				if (!upstream.enabled) continue;
				const UpstreamState::Ptr state = _states.of(upstream.name);
				if (!state->probeDue(config->probeInterval)) continue;
				if (probe(upstream, *config))
				{
					state->probeSucceeded();
					logger.information("upstream %s answered a probe: it is tried again", upstream.name);
				}
			}
		}
		lock.lock();
	}
}


bool UpstreamProber::probe(const UpstreamConfig& upstream, const GatewayConfig& config)
{
	try
	{
		std::unique_ptr<UpstreamSession> session = _pool.connectFresh(upstream, config);
		// Short: a probe must not hold the others up for a whole request timeout.
		session->setTimeout(config.connectTimeout, Poco::Timespan(10, 0), Poco::Timespan(10, 0));
		Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, upstream.endpointPathAndQuery("/models"), Poco::Net::HTTPMessage::HTTP_1_1);
		if (!upstream.apiKey.empty()) request.set("Authorization", "Bearer " + upstream.apiKey);
		for (const auto& header : upstream.headers) request.set(header.first, header.second);
		request.set("User-Agent", "AILoad probe");
		session->sendRequest(request).flush();
		Poco::Net::HTTPResponse response;
		session->receiveHeadWithin(response, Poco::Timespan(10, 0));
		return response.getStatus() >= 200 && response.getStatus() < 300;
	}
	catch (Poco::Exception& exc)
	{
		Poco::Logger::get("AILoad.Probe").debug("probe of %s failed: %s", upstream.name, exc.displayText());
		return false; // still down: the cooldown runs on
	}
}

} // namespace AILoad

#include "HealthRequestHandler.h"

#include "AuthToken.h"
#include "Gateway.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <sstream>

namespace AILoad {

namespace {

long secondsUp(Poco::Timespan span)
{
	return static_cast<long>((span.totalMicroseconds() + 999999) / 1000000);
}

} // namespace


HealthRequestHandler::HealthRequestHandler(Gateway& gateway):
	_gateway(gateway)
{
}


void HealthRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	const GatewayConfig::Ptr config = _gateway.config();
	Poco::JSON::Object health;
	health.set("status", "ok");
	if (AuthToken::authorizes(request, config->adminTokenInForce()))
	{
		Poco::JSON::Array::Ptr upstreams = new Poco::JSON::Array;
		for (const auto& upstream : config->upstreams)
		{
			Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
			entry->set("name", upstream.name);
			entry->set("model", upstream.model);
			const UpstreamState::Snapshot state = _gateway.upstreamStates().of(upstream.name)->snapshot(upstream);
			if (!upstream.enabled) entry->set("state", "disabled");
			else if (state.coolingFor > 0)
			{
				entry->set("state", "cooling_down");
				entry->set("reason", Cooldown::describe(state.cooldown));
				entry->set("seconds_left", secondsUp(state.coolingFor));
			}
			else if (state.limitedFor > 0)
			{
				entry->set("state", "at_limit");
				entry->set("reason", state.limitedBy);
				entry->set("seconds_left", secondsUp(state.limitedFor));
			}
			else
				entry->set("state", "up");
			entry->set("consecutive_failures", state.consecutiveFailures);
			upstreams->add(entry);
		}
		health.set("upstreams", upstreams);
	}
	std::ostringstream text;
	health.stringify(text);
	const std::string body = text.str();
	response.setContentType("application/json");
	response.setContentLength(static_cast<std::streamsize>(body.size()));
	response.send().write(body.data(), static_cast<std::streamsize>(body.size())); // not sendBuffer(): see GatewayRequest
}

} // namespace AILoad

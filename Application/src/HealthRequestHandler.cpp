#include "HealthRequestHandler.h"

#include "AuthToken.h"
#include "Gateway.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <sstream>

namespace AILoad {

HealthRequestHandler::HealthRequestHandler(Gateway& gateway):
	_gateway(gateway)
{
}


void HealthRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	const GatewayConfig::Ptr config = _gateway.config();
	Poco::JSON::Object health;
	health.set("status", "ok");
	if (AuthToken::authorizes(request, config->authToken))
	{
		Poco::JSON::Array::Ptr upstreams = new Poco::JSON::Array;
		for (const auto& upstream : config->upstreams)
		{
			Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
			entry->set("name", upstream.name);
			entry->set("model", upstream.model);
			entry->set("state", upstream.enabled ? "up" : "disabled");
			upstreams->add(entry);
		}
		health.set("upstreams", upstreams);
	}
	std::ostringstream text;
	health.stringify(text);
	response.setContentType("application/json");
	response.sendBuffer(text.str().data(), text.str().size());
}

} // namespace AILoad

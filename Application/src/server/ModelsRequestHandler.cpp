#include "ModelsRequestHandler.h"

#include "AuthToken.h"
#include "ErrorResponse.h"
#include "Gateway.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>
#include <set>
#include <sstream>

namespace AILoad {

ModelsRequestHandler::ModelsRequestHandler(Gateway& gateway):
	_gateway(gateway)
{
}


void ModelsRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	const GatewayConfig::Ptr config = _gateway.config();
	if (!AuthToken::authorizes(request, config->authToken))
		return ErrorResponse::send(response, ApiError::InvalidApiKey, "Incorrect API key provided. Use the gateway's auth_token as the Bearer token.");

	std::vector<std::pair<std::string, std::string>> entries{{"auto", "aiload"}};
	for (const auto& group : config->groupNames()) entries.emplace_back(group, "aiload-group");
	for (const auto& upstream : config->upstreams)
	{
		entries.emplace_back(upstream.name, "aiload");
		entries.emplace_back(upstream.model, "aiload");
	}
	Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
	std::set<std::string> listed;
	for (const auto& entry : entries)
	{
		if (!listed.insert(entry.first).second) continue;
		Poco::JSON::Object::Ptr model = new Poco::JSON::Object;
		model->set("id", entry.first);
		model->set("object", "model");
		model->set("created", 0);
		model->set("owned_by", entry.second);
		data->add(model);
	}
	Poco::JSON::Object list;
	list.set("object", "list");
	list.set("data", data);
	std::ostringstream text;
	list.stringify(text);
	const std::string body = text.str();
	response.setContentType("application/json");
	response.setContentLength(static_cast<std::streamsize>(body.size()));
	response.send().write(body.data(), static_cast<std::streamsize>(body.size())); // not sendBuffer(): see GatewayRequest
}

} // namespace AILoad

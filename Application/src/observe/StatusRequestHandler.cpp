#include "StatusRequestHandler.h"

#include "AuthToken.h"
#include "ErrorResponse.h"
#include "Gateway.h"
#include "UpstreamStatus.h"
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <sstream>

namespace AILoad {

StatusRequestHandler::StatusRequestHandler(Gateway& gateway):
	_gateway(gateway)
{
}


void StatusRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	const GatewayConfig::Ptr config = _gateway.config();
	if (!AuthToken::authorizes(request, config->adminTokenInForce()))
		return ErrorResponse::send(response, ApiError::InvalidApiKey, "GET /status.json needs the admin token as the Bearer token (admin_token, else auth_token).");

	RequestLedger& ledger = _gateway.ledger();
	Poco::JSON::Object status;
	status.set("version", std::string(AILOAD_VERSION));
	status.set("now", Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::ISO8601_FORMAT));
	status.set("uptime_seconds", _gateway.startedAt().elapsed() / 1000000);

	Poco::UInt64 promptTokens = 0;
	Poco::UInt64 completionTokens = 0;
	Poco::JSON::Array::Ptr upstreams = new Poco::JSON::Array;
	for (const UpstreamConfig& upstream : config->upstreams)
	{
		const UpstreamState::Snapshot state = _gateway.upstreamStates().of(upstream.name)->snapshot(upstream);
		promptTokens += state.today.promptTokens;
		completionTokens += state.today.completionTokens;
		upstreams->add(UpstreamStatus::toJson(upstream, state));
	}

	Poco::JSON::Array::Ptr clients = new Poco::JSON::Array;
	for (const auto& client : ledger.clientsToday())
	{
		if (client.first == "none") continue; // requests that were refused before authentication
		Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
		entry->set("name", client.first);
		entry->set("requests_today", client.second.requests);
		entry->set("prompt_tokens_today", client.second.promptTokens);
		entry->set("completion_tokens_today", client.second.completionTokens);
		// Client budgets (rpd, tokens_per_day) come with client keys; the one client has none.
		entry->set("rpd", Poco::Dynamic::Var());
		entry->set("tokens_per_day", Poco::Dynamic::Var());
		clients->add(entry);
	}

	Poco::JSON::Object::Ptr totals = new Poco::JSON::Object;
	totals->set("requests", ledger.requestsTotal());
	totals->set("active_requests", _gateway.activeRequests());
	totals->set("active_streams", ledger.activeStreams());
	totals->set("client_connections", ledger.clientConnections());
	totals->set("prompt_tokens_today", promptTokens);
	totals->set("completion_tokens_today", completionTokens);
	status.set("totals", totals);
	status.set("upstreams", upstreams);
	status.set("clients", clients);

	std::ostringstream text;
	status.stringify(text);
	const std::string body = text.str();
	response.setContentType("application/json");
	response.set("Cache-Control", "no-store");
	response.setContentLength(static_cast<std::streamsize>(body.size()));
	response.send().write(body.data(), static_cast<std::streamsize>(body.size())); // not sendBuffer(): see GatewayRequest
}

} // namespace AILoad

#ifndef AILoad_ProxiedRequest_INCLUDED
#define AILoad_ProxiedRequest_INCLUDED

#include "ClientWatch.h"
#include "GatewayConfig.h"
#include "GatewayRequest.h"
#include "GatewayResponse.h"
#include "AttemptOutcome.h"
#include "JsonScanner.h"
#include "StrategyChain.h"
#include <Poco/Timestamp.h>
#include <string>
#include <vector>

namespace AILoad {

struct ProxiedRequest
	/// One client request on its way through ProxyRequestHandler: everything the steps of the
	/// request path read and write, so that a new step adds a field here, not a parameter to
	/// each function.
{
	ProxiedRequest(GatewayRequest& client, GatewayResponse& response, GatewayConfig::Ptr config):
		client(client),
		response(response),
		record(response.record()),
		config(std::move(config)),
		watch(client.socket())
	{
	}

	GatewayRequest& client;
	GatewayResponse& response;
	RequestRecord& record; /// what the access log and the metrics will say of it
	const GatewayConfig::Ptr config; /// the config it started with, whatever reloads come meanwhile
	const Poco::Timestamp started;
	ClientWatch watch; /// a client that leaves ends the waits for its upstream

	std::string body; /// as the client sent it
	JsonScanner::Result json; /// its scan
	RouteRequest route; /// what the strategies see

	std::vector<std::string> tried; /// "name (what happened)" of each failed attempt
	AttemptOutcome lastOutcome = AttemptOutcome::Ok; /// of the last attempt
	bool allRateLimited = true; /// every upstream tried answered 429
	bool lastTimedOut = false;
	bool askForUsage = false; /// the gateway adds include_usage and removes what it adds (ModelRewriter::mustAskForUsage)
};

} // namespace AILoad

#endif

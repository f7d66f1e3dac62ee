#ifndef AILoad_ProxiedRequest_INCLUDED
#define AILoad_ProxiedRequest_INCLUDED

#include "ClientWatch.h"
#include "GatewayConfig.h"
#include "GatewayRequest.h"
#include "JsonScanner.h"
#include "StrategyChain.h"
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Timestamp.h>
#include <string>
#include <vector>

namespace AILoad {

struct ProxiedRequest
	/// One client request on its way through ProxyRequestHandler: everything the steps of the
	/// request path read and write, so that a new step adds a field here, not a parameter to
	/// each function.
{
	ProxiedRequest(GatewayRequest& client, Poco::Net::HTTPServerResponse& response, GatewayConfig::Ptr config):
		client(client),
		response(response),
		config(std::move(config)),
		watch(client.socket())
	{
	}

	GatewayRequest& client;
	Poco::Net::HTTPServerResponse& response;
	const GatewayConfig::Ptr config;  /// the config it started with, whatever reloads come meanwhile
	const Poco::Timestamp started;
	ClientWatch watch;                /// a client that leaves ends the waits for its upstream

	std::string body;                 /// as the client sent it
	JsonScanner::Result json;         /// its scan
	RouteRequest route;               /// what the strategies see

	std::vector<std::string> tried;   /// "name (what happened)" of each failed attempt
	bool allRateLimited = true;       /// every upstream tried answered 429
	bool lastTimedOut = false;
};

} // namespace AILoad

#endif

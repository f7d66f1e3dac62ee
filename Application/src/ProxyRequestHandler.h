#ifndef AILoad_ProxyRequestHandler_INCLUDED
#define AILoad_ProxyRequestHandler_INCLUDED

#include "GatewayConfig.h"
#include "UpstreamRouter.h"
#include <Poco/Net/HTTPRequestHandler.h>
#include <string>
#include <vector>

namespace AILoad {

class Gateway;
class ClientWatch;

class ProxyRequestHandler final: public Poco::Net::HTTPRequestHandler
	/// POST /v1/...: the request path of the gateway, top to bottom:
	/// authenticate, read the body, resolve the candidates, order them, try them, relay.
{
public:
	ProxyRequestHandler(Gateway& gateway, std::string pathAfterV1);
	~ProxyRequestHandler() override;

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	struct Failures
		/// What went wrong with the upstreams tried so far, for the final answer.
	{
		std::vector<std::string> tried;     /// "name (what happened)"
		bool allRateLimited = true;
		bool lastTimedOut = false;
		int retryAfterSeconds = -1;         /// the earliest Retry-After among 429 answers
	};

	enum class Attempt { Answered, Failed };

	bool readBody(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, std::size_t limit, std::string& body);
	void refuseTooLarge(std::istream& body, Poco::Net::HTTPServerResponse& response, const std::string& message);
	Attempt attempt(const UpstreamConfig& upstream, const GatewayConfig& config, Poco::Net::HTTPServerRequest& request,
		Poco::Net::HTTPServerResponse& response, const std::string& body, const RouteRequest& route, ClientWatch& client, Failures& failures);
	void sendExhausted(Poco::Net::HTTPServerResponse& response, const Failures& failures);

	Gateway& _gateway;
	std::string _pathAfterV1;
};

} // namespace AILoad

#endif

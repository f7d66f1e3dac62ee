#ifndef AILoad_ProxyRequestHandler_INCLUDED
#define AILoad_ProxyRequestHandler_INCLUDED

#include "BodyMemoryBudget.h"
#include "GatewayConfig.h"
#include "GatewayRequest.h"
#include "ModelRewriter.h"
#include "UpstreamRouter.h"
#include "UpstreamSession.h"
#include <Poco/Net/HTTPRequest.h>
#include <memory>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPResponse.h>
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
		bool allRateLimited = true;         /// every upstream tried answered 429
		bool lastTimedOut = false;
	};

	enum class Attempt { Answered, Failed };

	bool readBody(GatewayRequest& request, Poco::Net::HTTPServerResponse& response, std::size_t limit,
		BodyMemoryBudget::Reservation& bodyMemory, std::string& body);
		/// Reads the body into `body`, or answers why not (false).
	bool refuseUnread(GatewayRequest& request, Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
		const std::string& message, const std::string& type, const std::string& code);
		/// Answers an error without reading the body, and closes the connection; false.
	Attempt attempt(const UpstreamConfig& upstream, const GatewayConfig& config, GatewayRequest& request,
		Poco::Net::HTTPServerResponse& response, const std::string& body, const ModelRewriter::Splice& upstreamBody,
		const RouteRequest& route, ClientWatch& client, Failures& failures);
	bool exchange(std::unique_ptr<UpstreamSession>& session, const UpstreamConfig& upstream, const GatewayConfig& config,
		Poco::Net::HTTPRequest& upstreamRequest, const std::string& body, const ModelRewriter::Splice& upstreamBody,
		ClientWatch& client, Poco::Net::HTTPResponse& upstreamResponse);
		/// Sends the request and reads the answer's head; false if the client left meanwhile.
		/// Throws on failure. A dead pooled connection is replaced by a fresh one, once.
	void sendExhausted(Poco::Net::HTTPServerResponse& response, const Failures& failures, const std::vector<const UpstreamConfig*>& candidates);
	void sendAllBusy(Poco::Net::HTTPServerResponse& response, const std::vector<const UpstreamConfig*>& candidates, const std::string& tried = "");
		/// 429 with a Retry-After that is the wait until the first candidate is free.

	Gateway& _gateway;
	std::string _pathAfterV1;
};

} // namespace AILoad

#endif

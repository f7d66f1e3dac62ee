#ifndef AILoad_ProxyRequestHandler_INCLUDED
#define AILoad_ProxyRequestHandler_INCLUDED

#include "ApiError.h"
#include "BodyMemoryBudget.h"
#include "ModelRewriter.h"
#include "ProxiedRequest.h"
#include "UpstreamSession.h"
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPResponse.h>
#include <memory>
#include <string>
#include <vector>

namespace AILoad {

class Gateway;

class ProxyRequestHandler final: public Poco::Net::HTTPRequestHandler
	/// POST /v1/...: the request path of the gateway, top to bottom (handleRequest()):
	/// authenticate, read the body, resolve the candidates, order them, try them, relay.
{
public:
	ProxyRequestHandler(Gateway& gateway, std::string pathAfterV1);

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	enum class Attempt { Answered, Failed };

	bool readBody(ProxiedRequest& request, BodyMemoryBudget::Reservation& bodyMemory);
		/// Reads the body into request.body, or answers why not (false).
	bool route(ProxiedRequest& request);
		/// Reads `model` and `stream` into request.route, or answers why not (false).
	Attempt attempt(ProxiedRequest& request, const UpstreamConfig& upstream);
		/// Sends the request to one upstream and, unless the answer calls for failover,
		/// relays the answer.
	Attempt clientLeft(ProxiedRequest& request, const UpstreamConfig& upstream, const Poco::Timestamp& start);
	static std::string readErrorBody(ProxiedRequest& request, UpstreamSession& session);
		/// Up to UpstreamErrorClassifier::maximumBodyRead of an error answer's body.
	void ended(ProxiedRequest& request, const UpstreamConfig& upstream, AttemptOutcome outcome, int status, Poco::Timespan firstByte, Poco::Timespan duration);
		/// Enters an attempt in the request's record and its upstream's counters.
	static void recordAttempt(Gateway& gateway, RequestRecord& record, const UpstreamConfig& upstream, AttemptOutcome outcome, int status,
		Poco::Timespan firstByte, Poco::Timespan duration);
	bool exchange(ProxiedRequest& request, std::unique_ptr<UpstreamSession>& session, const UpstreamConfig& upstream,
		Poco::Net::HTTPRequest& upstreamRequest, const ModelRewriter::Splice& upstreamBody, Poco::Net::HTTPResponse& upstreamResponse);
		/// Sends the request and reads the answer's head; false if the client left meanwhile.
		/// Throws on failure. A dead pooled connection is replaced by a fresh one, once.
	void sendExhausted(ProxiedRequest& request, const std::vector<const UpstreamConfig*>& candidates);
	void sendAllBusy(ProxiedRequest& request, const std::vector<const UpstreamConfig*>& candidates, const std::string& tried = "");
		/// 429 with a Retry-After that is the wait until the first candidate is free.
	static bool refuse(ProxiedRequest& request, ApiError::Kind kind, const std::string& message);
		/// Answers an error; false.

	Gateway& _gateway;
	std::string _pathAfterV1;
};

} // namespace AILoad

#endif

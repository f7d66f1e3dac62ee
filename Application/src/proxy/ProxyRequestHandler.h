#ifndef AILoad_ProxyRequestHandler_INCLUDED
#define AILoad_ProxyRequestHandler_INCLUDED

#include "ApiError.h"
#include "BodyMemoryBudget.h"
#include "ModelRewriter.h"
#include "ProxiedRequest.h"
#include "UpstreamAttempt.h"
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
	/// POST /v1/...: the request path of the gateway, top to bottom: authenticate, read the
	/// body, resolve the candidates, order them, try them (tryNext, send), judge each answer
	/// (answerArrived, firstEventArrived, decide), relay one.
	///
	/// No thread waits for an upstream here: once a request is sent, the handler asks the
	/// connection's event loop to wait for the answer (GatewayResponse::waitForUpstream())
	/// and returns; a worker resumes it in answerArrived() (docs/performance.md, "Serving
	/// core"). The handler lives as long as its request.
{
public:
	ProxyRequestHandler(Gateway& gateway, std::string pathAfterV1);
	~ProxyRequestHandler() override;

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	bool readBody(ProxiedRequest& request, BodyMemoryBudget::Reservation& bodyMemory);
		/// Reads the body into request.body, or answers why not (false).
	bool route(ProxiedRequest& request);
		/// Reads `model` and `stream` into request.route, or answers why not (false).
	void tryNext();
		/// Sends the request to the next candidate that may take it, or answers that none could.
	void send(const UpstreamConfig& upstream);
	void transmit();
		/// Writes the attempt's request and waits for the answer; a dead pooled connection
		/// is replaced by a fresh one, once. On the event loop only over a connection that is
		/// open already; else it continues on a worker.
	void waitFor(void (ProxyRequestHandler::*then)(GatewayResponse::Wait));
	void answerArrived(GatewayResponse::Wait wait);
	void firstEventArrived(GatewayResponse::Wait wait);
		/// An upstream may answer 200 and put its error in the stream's first event: read up
		/// to that event before anything goes to the client (docs/quotas.md).
	void decide();
		/// Fails over to the next candidate, or relays the answer.
	void relay();
	void clientLeft();
	static std::string readErrorBody(ProxiedRequest& request, UpstreamSession& session);
		/// Up to UpstreamErrorClassifier::maximumBodyRead of an error answer's body.
	void ended(AttemptOutcome outcome, int status, Poco::Timespan firstByte);
		/// Enters the attempt in the request's record and its upstream's counters.
	static void recordAttempt(UpstreamState& state, RequestRecord& record, const UpstreamConfig& upstream, AttemptOutcome outcome, int status,
		Poco::Timespan firstByte, Poco::Timespan duration);
	void sendExhausted();
	void sendAllBusy(const std::string& tried = "");
		/// 429 with a Retry-After that is the wait until the first candidate is free.
	static bool refuse(ProxiedRequest& request, ApiError::Kind kind, const std::string& message);
		/// Answers an error; false.

	static constexpr std::size_t maximumBodyOnLoop = 64 * 1024; /// a larger one may not fit the socket's buffer

	Gateway& _gateway;
	std::string _pathAfterV1;
	std::unique_ptr<ProxiedRequest> _request;
	std::unique_ptr<BodyMemoryBudget::Reservation> _bodyMemory; /// held until the request ends
	std::vector<const UpstreamConfig*> _candidates;
	std::vector<const UpstreamConfig*> _ordered; /// ready ones by the strategies, then those cooling down
	std::size_t _next = 0;
	std::unique_ptr<UpstreamAttempt> _attempt;
};

} // namespace AILoad

#endif

#include "GatewayRequestHandlerFactory.h"

#include "ErrorRequestHandler.h"
#include "GatewayRequest.h"
#include "Gateway.h"
#include "HeaderForwarding.h"
#include "HealthRequestHandler.h"
#include "ModelsRequestHandler.h"
#include "ProxyRequestHandler.h"
#include "RequestPath.h"
#include "TimedRequestHandler.h"
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/StreamSocket.h>
#include <algorithm>

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;

namespace AILoad {

namespace {

const std::size_t maxViaHops = 10;  // real chains are two or three proxies long


} // namespace


GatewayRequestHandlerFactory::GatewayRequestHandlerFactory(Gateway& gateway, ClientDeadlines& deadlines, Poco::Timespan keepAliveTimeout):
	_gateway(gateway),
	_deadlines(deadlines),
	_keepAliveTimeout(keepAliveTimeout)
{
}


void GatewayRequestHandlerFactory::stopConnections(bool abortCurrent)
{
	connectionsStopping(this, abortCurrent);
}


Poco::Net::HTTPRequestHandler* GatewayRequestHandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest& request)
{
	Poco::Net::HTTPRequestHandler* handler = createHandler(request);
	// The proxy reads a body, and says itself when it has; the others have read all they will.
	if (!dynamic_cast<ProxyRequestHandler*>(handler))
		_deadlines.requestRead(GatewayRequest::of(const_cast<Poco::Net::HTTPServerRequest&>(request)).socket());
	return new TimedRequestHandler(handler, _deadlines, _keepAliveTimeout);
}


Poco::Net::HTTPRequestHandler* GatewayRequestHandlerFactory::createHandler(const Poco::Net::HTTPServerRequest& request)
{
	// Before anything is sent upstream: a model whose base_url leads back here would
	// otherwise make every request call itself until the threads run out.
	const std::vector<std::string> hops = HeaderForwarding::viaReceivedBy(request);
	if (std::find(hops.begin(), hops.end(), _gateway.viaMarker()) != hops.end())
		return new ErrorRequestHandler(HTTPResponse::HTTP_LOOP_DETECTED, "The request came back to this gateway (its Via header names it): a model's base_url leads to the gateway itself.", "loop_detected");
	if (hops.size() > maxViaHops)
		return new ErrorRequestHandler(HTTPResponse::HTTP_LOOP_DETECTED, "The request has passed more than " + std::to_string(maxViaHops) + " proxies (Via header): it is probably going round in a loop.", "loop_detected");

	if (_gateway.draining())
		return new ErrorRequestHandler(HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "The gateway is shutting down.", "shutting_down");

	const std::string& uri = request.getURI();
	std::string path;
	std::string pathError;
	if (!RequestPath::normalise(std::string_view(uri).substr(0, uri.find('?')), path, pathError))
		return new ErrorRequestHandler(HTTPResponse::HTTP_BAD_REQUEST, pathError, "invalid_path");
	const std::string& method = request.getMethod();
	if (path == "/health")
	{
		if (method == HTTPRequest::HTTP_GET) return new HealthRequestHandler(_gateway);
		return new ErrorRequestHandler(HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "Use GET for " + path + ".", "method_not_allowed", "GET");
	}
	if (path == "/v1/models")
	{
		if (method == HTTPRequest::HTTP_GET) return new ModelsRequestHandler(_gateway);
		return new ErrorRequestHandler(HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "Use GET for " + path + ".", "method_not_allowed", "GET");
	}
	if (path.compare(0, 4, "/v1/") == 0 && path.size() > 4)
	{
		if (method == HTTPRequest::HTTP_POST) return new ProxyRequestHandler(_gateway, path.substr(3));
		return new ErrorRequestHandler(HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "Use POST for " + path + ".", "method_not_allowed", "POST");
	}
	return new ErrorRequestHandler(HTTPResponse::HTTP_NOT_FOUND, "Unknown path " + path + ": the gateway serves POST /v1/..., GET /v1/models and GET /health.", "unknown_path");
}

} // namespace AILoad

#include "GatewayRequestHandlerFactory.h"

#include "ErrorRequestHandler.h"
#include "Gateway.h"
#include "HeaderForwarding.h"
#include "HealthRequestHandler.h"
#include "MetricsRequestHandler.h"
#include "ModelsRequestHandler.h"
#include "ProxyRequestHandler.h"
#include "RequestPath.h"
#include "StatusPageRequestHandler.h"
#include "StatusRequestHandler.h"
#include <Poco/Net/HTTPServerRequest.h>
#include <algorithm>

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;

namespace AILoad {

namespace {

const std::size_t maxViaHops = 10; // real chains are two or three proxies long


} // namespace


GatewayRequestHandlerFactory::GatewayRequestHandlerFactory(Gateway& gateway):
	_gateway(gateway)
{
}


bool GatewayRequestHandlerFactory::runsWithoutWaiting(const Poco::Net::HTTPRequestHandler& handler)
{
	return dynamic_cast<const ProxyRequestHandler*>(&handler) || dynamic_cast<const ErrorRequestHandler*>(&handler)
		|| dynamic_cast<const HealthRequestHandler*>(&handler);
}


Poco::Net::HTTPRequestHandler* GatewayRequestHandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest& request)
{
	// Before anything is sent upstream: a model whose base_url leads back here would
	// otherwise make every request call itself until the threads run out.
	const std::vector<std::string> hops = HeaderForwarding::viaReceivedBy(request);
	if (std::find(hops.begin(), hops.end(), _gateway.viaMarker()) != hops.end())
		return new ErrorRequestHandler(ApiError::LoopDetected, "The request came back to this gateway (its Via header names it): a model's base_url leads to the gateway itself.");
	if (hops.size() > maxViaHops)
		return new ErrorRequestHandler(ApiError::LoopDetected, "The request has passed more than " + std::to_string(maxViaHops) + " proxies (Via header): it is probably going round in a loop.");

	if (_gateway.draining())
		return new ErrorRequestHandler(ApiError::ShuttingDown, "The gateway is shutting down.");

	const std::string& uri = request.getURI();
	std::string path;
	std::string pathError;
	if (!RequestPath::normalise(std::string_view(uri).substr(0, uri.find('?')), path, pathError))
		return new ErrorRequestHandler(ApiError::InvalidPath, pathError);
	const std::string& method = request.getMethod();
	if (path == "/health")
	{
		if (method == HTTPRequest::HTTP_GET) return new HealthRequestHandler(_gateway);
		return new ErrorRequestHandler(ApiError::MethodNotAllowed, "Use GET for " + path + ".", "GET");
	}
	if (path == "/metrics" || path == "/status.json" || path == "/status")
	{
		if (method != HTTPRequest::HTTP_GET) return new ErrorRequestHandler(ApiError::MethodNotAllowed, "Use GET for " + path + ".", "GET");
		if (path == "/metrics") return new MetricsRequestHandler(_gateway);
		if (path == "/status") return new StatusPageRequestHandler;
		return new StatusRequestHandler(_gateway);
	}
	if (path == "/v1/models")
	{
		if (method == HTTPRequest::HTTP_GET) return new ModelsRequestHandler(_gateway);
		return new ErrorRequestHandler(ApiError::MethodNotAllowed, "Use GET for " + path + ".", "GET");
	}
	if (path.compare(0, 4, "/v1/") == 0 && path.size() > 4)
	{
		if (method == HTTPRequest::HTTP_POST) return new ProxyRequestHandler(_gateway, path.substr(3));
		return new ErrorRequestHandler(ApiError::MethodNotAllowed, "Use POST for " + path + ".", "POST");
	}
	return new ErrorRequestHandler(ApiError::UnknownPath, "Unknown path " + path + ": the gateway serves POST /v1/..., GET /v1/models, GET /health, GET /metrics, GET /status and GET /status.json.");
}

} // namespace AILoad

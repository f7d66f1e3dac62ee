#include "GatewayRequestHandlerFactory.h"

#include "ErrorRequestHandler.h"
#include "Gateway.h"
#include "HeaderForwarding.h"
#include "HealthRequestHandler.h"
#include "ModelsRequestHandler.h"
#include "ProxyRequestHandler.h"
#include "TimedRequestHandler.h"
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;

namespace AILoad {

namespace {

bool hasDotSegment(const std::string& path)
{
	// "/v1/../x" would climb out of the upstream's API base.
	std::size_t start = 0;
	while (start < path.size())
	{
		std::size_t end = path.find('/', start);
		if (end == std::string::npos) end = path.size();
		const std::string segment = path.substr(start, end - start);
		if (segment == "." || segment == "..") return true;
		start = end + 1;
	}
	return false;
}

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
		_deadlines.requestRead(const_cast<Poco::Net::HTTPServerRequestImpl&>(static_cast<const Poco::Net::HTTPServerRequestImpl&>(request)).socket());
	return new TimedRequestHandler(handler, _deadlines, _keepAliveTimeout);
}


Poco::Net::HTTPRequestHandler* GatewayRequestHandlerFactory::createHandler(const Poco::Net::HTTPServerRequest& request)
{
	if (HeaderForwarding::hasUnsafeValue(request))
		return new ErrorRequestHandler(HTTPResponse::HTTP_BAD_REQUEST, "A request header contains CR, LF or NUL.", "invalid_header");

	if (_gateway.draining())
		return new ErrorRequestHandler(HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "The gateway is shutting down.", "shutting_down");

	const std::string& uri = request.getURI();
	const std::string path = uri.substr(0, uri.find('?'));
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
		if (hasDotSegment(path))
			return new ErrorRequestHandler(HTTPResponse::HTTP_BAD_REQUEST, "The path must not contain . or .. segments.", "invalid_path");
		if (method == HTTPRequest::HTTP_POST) return new ProxyRequestHandler(_gateway, path.substr(3));
		return new ErrorRequestHandler(HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "Use POST for " + path + ".", "method_not_allowed", "POST");
	}
	return new ErrorRequestHandler(HTTPResponse::HTTP_NOT_FOUND, "Unknown path " + path + ": the gateway serves POST /v1/..., GET /v1/models and GET /health.", "unknown_path");
}

} // namespace AILoad

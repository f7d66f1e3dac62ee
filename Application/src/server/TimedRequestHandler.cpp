#include "TimedRequestHandler.h"

#include "GatewayRequest.h"

namespace AILoad {

TimedRequestHandler::TimedRequestHandler(Poco::Net::HTTPRequestHandler* handler, ClientDeadlines& deadlines, Poco::Timespan keepAliveTimeout):
	_handler(handler),
	_deadlines(deadlines),
	_keepAliveTimeout(keepAliveTimeout)
{
}


void TimedRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	_handler->handleRequest(request, response);
	_deadlines.expectRequest(GatewayRequest::of(request).socket(), _keepAliveTimeout);
}

} // namespace AILoad

#include "ErrorRequestHandler.h"

#include "ErrorResponse.h"
#include <Poco/Net/HTTPServerResponse.h>

namespace AILoad {

ErrorRequestHandler::ErrorRequestHandler(ApiError::Kind kind, std::string message, std::string allow):
	_kind(kind),
	_message(std::move(message)),
	_allow(std::move(allow))
{
}


void ErrorRequestHandler::handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response)
{
	// A body it did not read closes the connection afterwards (GatewayConnection).
	if (!_allow.empty()) response.set("Allow", _allow);
	ErrorResponse::send(response, _kind, _message);
}

} // namespace AILoad

#include "ErrorRequestHandler.h"

#include "ErrorResponse.h"
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace AILoad {

ErrorRequestHandler::ErrorRequestHandler(Poco::Net::HTTPResponse::HTTPStatus status, std::string message, std::string code, std::string allow):
	_status(status),
	_message(std::move(message)),
	_code(std::move(code)),
	_allow(std::move(allow))
{
}


void ErrorRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	// The body was not read: close afterwards rather than parse it as the next request.
	if (request.hasContentLength() ? request.getContentLength64() > 0 : request.getChunkedTransferEncoding())
		response.setKeepAlive(false);
	if (!_allow.empty()) response.set("Allow", _allow);
	ErrorResponse::send(response, _status, _message, "invalid_request_error", _code);
}

} // namespace AILoad

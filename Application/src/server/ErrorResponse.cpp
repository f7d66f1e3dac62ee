#include "ErrorResponse.h"

#include <Poco/JSONString.h>

namespace AILoad {

void ErrorResponse::send(Poco::Net::HTTPServerResponse& response, ApiError::Kind kind, const std::string& message)
{
	const std::string text = body(kind, message);
	response.setStatusAndReason(ApiError::status(kind));
	if (ApiError::retrySoon(kind) && !response.has("Retry-After")) response.set("Retry-After", "1");
	response.setContentType("application/json");
	response.setContentLength(static_cast<std::streamsize>(text.size()));
	// Not sendBuffer(): see GatewayRequest. Flushed now, not when the response is destroyed:
	// a connection whose request body is left unread ends its sending side right after.
	response.send().write(text.data(), static_cast<std::streamsize>(text.size())).flush();
}


std::string ErrorResponse::body(ApiError::Kind kind, const std::string& message)
{
	return "{\"error\":{\"message\":" + Poco::toJSON(message, Poco::JSON_WRAP_STRINGS)
		+ ",\"type\":" + Poco::toJSON(ApiError::type(kind), Poco::JSON_WRAP_STRINGS)
		+ ",\"code\":" + Poco::toJSON(ApiError::code(kind), Poco::JSON_WRAP_STRINGS) + "}}";
}


std::string ErrorResponse::raw(ApiError::Kind kind, const std::string& message)
{
	const Poco::Net::HTTPResponse::HTTPStatus status = ApiError::status(kind);
	const std::string text = body(kind, message);
	return "HTTP/1.1 " + std::to_string(status) + " " + Poco::Net::HTTPResponse::getReasonForStatus(status)
		+ "\r\nContent-Type: application/json\r\nConnection: close\r\n" + (ApiError::retrySoon(kind) ? "Retry-After: 1\r\n" : "")
		+ "Content-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text;
}

} // namespace AILoad

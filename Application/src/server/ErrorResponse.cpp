#include "ErrorResponse.h"

#include "GatewayResponse.h"
#include "RequestId.h"
#include <Poco/JSONString.h>

namespace AILoad {

void ErrorResponse::send(Poco::Net::HTTPServerResponse& response, ApiError::Kind kind, const std::string& message)
{
	std::string requestId;
	if (RequestRecord* record = GatewayResponse::recordOf(response))
	{
		record->error = ApiError::code(kind);
		requestId = record->requestId;
		// Refused before its body was read: the connection closes after this, and says so,
		// so that the client sends its next request on another.
		if (GatewayResponse::of(response).bodyUnread()) response.setKeepAlive(false);
	}
	const std::string text = body(kind, message, requestId);
	response.setStatusAndReason(ApiError::status(kind));
	if (ApiError::retrySoon(kind) && !response.has("Retry-After")) response.set("Retry-After", "1");
	response.setContentType("application/json");
	response.setContentLength(static_cast<std::streamsize>(text.size()));
	// Not sendBuffer(): see GatewayRequest. Flushed now, not when the response is destroyed:
	// a connection whose request body is left unread ends its sending side right after.
	response.send().write(text.data(), static_cast<std::streamsize>(text.size())).flush();
}


std::string ErrorResponse::body(ApiError::Kind kind, const std::string& message, const std::string& requestId)
{
	const std::string text = requestId.empty() ? message : message + " (request id " + requestId + ")";
	return "{\"error\":{\"message\":" + Poco::toJSON(text, Poco::JSON_WRAP_STRINGS)
		+ ",\"type\":" + Poco::toJSON(ApiError::type(kind), Poco::JSON_WRAP_STRINGS)
		+ ",\"code\":" + Poco::toJSON(ApiError::code(kind), Poco::JSON_WRAP_STRINGS) + "}}";
}


std::string ErrorResponse::raw(ApiError::Kind kind, const std::string& message)
{
	const Poco::Net::HTTPResponse::HTTPStatus status = ApiError::status(kind);
	const std::string requestId = RequestId::generate();
	const std::string text = body(kind, message, requestId);
	return "HTTP/1.1 " + std::to_string(status) + " " + Poco::Net::HTTPResponse::getReasonForStatus(status)
		+ "\r\nContent-Type: application/json\r\nConnection: close\r\nX-Request-Id: " + requestId + "\r\n" + (ApiError::retrySoon(kind) ? "Retry-After: 1\r\n" : "")
		+ "Content-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text;
}

} // namespace AILoad

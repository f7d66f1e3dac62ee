#include "ErrorResponse.h"

#include <Poco/JSONString.h>

namespace AILoad {

void ErrorResponse::send(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
	const std::string& message, const std::string& type, const std::string& code)
{
	const std::string text = body(message, type, code);
	response.setStatusAndReason(status);
	response.setContentType("application/json");
	response.setContentLength(static_cast<std::streamsize>(text.size()));
	// Not sendBuffer(): see GatewayRequest.
	response.send().write(text.data(), static_cast<std::streamsize>(text.size()));
}


std::string ErrorResponse::body(const std::string& message, const std::string& type, const std::string& code)
{
	return "{\"error\":{\"message\":" + Poco::toJSON(message, Poco::JSON_WRAP_STRINGS)
		+ ",\"type\":" + Poco::toJSON(type, Poco::JSON_WRAP_STRINGS)
		+ ",\"code\":" + Poco::toJSON(code, Poco::JSON_WRAP_STRINGS) + "}}";
}

} // namespace AILoad

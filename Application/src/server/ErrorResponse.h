#ifndef AILoad_ErrorResponse_INCLUDED
#define AILoad_ErrorResponse_INCLUDED

#include <Poco/Net/HTTPServerResponse.h>
#include <string>

namespace AILoad {

class ErrorResponse
	/// Sends an error in the OpenAI shape: {"error": {"message", "type", "code"}}.
{
public:
	static void send(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
		const std::string& message, const std::string& type, const std::string& code);

	static std::string body(const std::string& message, const std::string& type, const std::string& code);
		/// The JSON text of an error, also used inside an SSE `data:` event.
};

} // namespace AILoad

#endif

#ifndef AILoad_ErrorResponse_INCLUDED
#define AILoad_ErrorResponse_INCLUDED

#include "ApiError.h"
#include <Poco/Net/HTTPServerResponse.h>
#include <string>

namespace AILoad {

class ErrorResponse
	/// Writes an error of the catalogue (ApiError) in the OpenAI shape,
	/// {"error": {"message", "type", "code"}}: the one way every error reply is written.
{
public:
	static void send(Poco::Net::HTTPServerResponse& response, ApiError::Kind kind, const std::string& message);
		/// The status, the body and, for an error a client may soon retry, Retry-After: 1
		/// (unless the response has one already). The message names the request id, and the
		/// request's record notes the error code.

	static std::string body(ApiError::Kind kind, const std::string& message, const std::string& requestId = "");
		/// The JSON text of an error, also used inside an SSE `data:` event.

	static std::string raw(ApiError::Kind kind, const std::string& message);
		/// The whole answer as bytes, with Connection: close and a new request id, for a
		/// connection that has no response object (refused when accepted, or cut off by a
		/// deadline).
};

} // namespace AILoad

#endif

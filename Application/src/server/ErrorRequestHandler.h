#ifndef AILoad_ErrorRequestHandler_INCLUDED
#define AILoad_ErrorRequestHandler_INCLUDED

#include "ApiError.h"
#include <Poco/Net/HTTPRequestHandler.h>
#include <string>

namespace AILoad {

class ErrorRequestHandler final: public Poco::Net::HTTPRequestHandler
	/// Answers a request the gateway refuses before reading it (unknown path, wrong
	/// method, malformed header) with an OpenAI-shaped error.
{
public:
	ErrorRequestHandler(ApiError::Kind kind, std::string message, std::string allow = "");
		/// `allow`: the methods the path takes, for a 405.
	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	ApiError::Kind _kind;
	std::string _message;
	std::string _allow;
};

} // namespace AILoad

#endif

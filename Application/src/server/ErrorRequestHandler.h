#ifndef AILoad_ErrorRequestHandler_INCLUDED
#define AILoad_ErrorRequestHandler_INCLUDED

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPResponse.h>
#include <string>

namespace AILoad {

class ErrorRequestHandler final: public Poco::Net::HTTPRequestHandler
	/// Answers a request the gateway refuses before reading it (unknown path, wrong
	/// method, malformed header) with an OpenAI-shaped error.
{
public:
	ErrorRequestHandler(Poco::Net::HTTPResponse::HTTPStatus status, std::string message, std::string code, std::string allow = "");
	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	Poco::Net::HTTPResponse::HTTPStatus _status;
	std::string _message;
	std::string _code;
	std::string _allow;
};

} // namespace AILoad

#endif

#include "StatusPageRequestHandler.h"

#include "StatusPageHtml.h" // generated from StatusPage.html (cmake/StatusPage.cmake)
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace AILoad {

const std::string StatusPageRequestHandler::CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
																	  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";


void StatusPageRequestHandler::handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response)
{
	response.setContentType("text/html; charset=utf-8");
	response.set("Cache-Control", "no-store");
	response.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
	response.set("X-Content-Type-Options", "nosniff");
	response.set("Referrer-Policy", "no-referrer");
	response.setContentLength(static_cast<std::streamsize>(sizeof(statusPageHtml)));
	response.send().write(statusPageHtml, static_cast<std::streamsize>(sizeof(statusPageHtml))); // not sendBuffer(): see GatewayRequest
}

} // namespace AILoad

#ifndef AILoad_TimedRequestHandler_INCLUDED
#define AILoad_TimedRequestHandler_INCLUDED

#include "ClientDeadlines.h"
#include <Poco/Net/HTTPRequestHandler.h>
#include <memory>

namespace AILoad {

class TimedRequestHandler final: public Poco::Net::HTTPRequestHandler
	/// Runs a handler, then gives the connection a deadline for its next request
	/// (the keep-alive wait plus the request time limit).
{
public:
	TimedRequestHandler(Poco::Net::HTTPRequestHandler* handler, ClientDeadlines& deadlines, Poco::Timespan keepAliveTimeout);
	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	std::unique_ptr<Poco::Net::HTTPRequestHandler> _handler;
	ClientDeadlines& _deadlines;
	Poco::Timespan _keepAliveTimeout;
};

} // namespace AILoad

#endif

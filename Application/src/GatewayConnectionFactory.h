#ifndef AILoad_GatewayConnectionFactory_INCLUDED
#define AILoad_GatewayConnectionFactory_INCLUDED

#include "ClientDeadlines.h"
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

namespace AILoad {

class GatewayConnectionFactory final: public Poco::Net::TCPServerConnectionFactory
	/// Makes a GatewayConnection for each accepted socket (POCO's HTTPServer would make a
	/// plain HTTPServerConnection, which has no request deadline).
{
public:
	GatewayConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr handlers,
		ClientDeadlines& deadlines, Poco::Timespan sendTimeout);

	Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

private:
	Poco::Net::HTTPServerParams::Ptr _params;
	Poco::Net::HTTPRequestHandlerFactory::Ptr _handlers;
	ClientDeadlines& _deadlines;
	Poco::Timespan _sendTimeout;
};

} // namespace AILoad

#endif

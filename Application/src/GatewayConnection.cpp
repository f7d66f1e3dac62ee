#include "GatewayConnection.h"

namespace AILoad {

GatewayConnection::GatewayConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
	Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, ClientDeadlines& deadlines):
	HTTPServerConnection(socket, params, handlers),
	_deadlines(deadlines)
{
	_deadlines.expectRequest(socket);
}


GatewayConnection::~GatewayConnection()
{
	_deadlines.forget(socket());
}

} // namespace AILoad

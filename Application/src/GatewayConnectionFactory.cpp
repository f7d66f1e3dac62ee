#include "GatewayConnectionFactory.h"

#include "GatewayConnection.h"

namespace AILoad {

GatewayConnectionFactory::GatewayConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, GatewayRequestHandlerFactory::Ptr handlers,
	ClientDeadlines& deadlines, Poco::Timespan sendTimeout):
	_params(params),
	_handlers(handlers),
	_deadlines(deadlines),
	_sendTimeout(sendTimeout)
{
}


Poco::Net::TCPServerConnection* GatewayConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
	// POCO sets only a receive timeout: without this a client that stops reading pins a thread in send().
	Poco::Net::StreamSocket(socket).setSendTimeout(_sendTimeout);
	return new GatewayConnection(socket, _params, _handlers, _deadlines);
}

} // namespace AILoad

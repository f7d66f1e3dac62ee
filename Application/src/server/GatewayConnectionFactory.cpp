#include "GatewayConnectionFactory.h"

#include "GatewayConnection.h"

namespace AILoad {

GatewayConnectionFactory::GatewayConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, GatewayRequestHandlerFactory::Ptr handlers,
	ClientDeadlines& deadlines, Poco::Timespan sendTimeout, Poco::Timespan firstByteTimeout, ConnectionsPerAddress& perAddress, RequestLedger& ledger):
	_params(params),
	_handlers(handlers),
	_deadlines(deadlines),
	_sendTimeout(sendTimeout),
	_firstByteTimeout(firstByteTimeout),
	_perAddress(perAddress),
	_ledger(ledger)
{
}


Poco::Net::TCPServerConnection* GatewayConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
	// POCO sets only a receive timeout: without this a client that stops reading pins a thread in send().
	Poco::Net::StreamSocket(socket).setSendTimeout(_sendTimeout);
	// Counted here, where the connection object is made: a socket POCO drops from its queue
	// never gets one, so nothing is counted that is never given back.
	ConnectionsPerAddress::Ticket ticket;
	try
	{
		ticket = _perAddress.tryOpen(socket.peerAddress().host());
	}
	catch (Poco::Exception&)
	{
		// No peer address: the client is gone already; refusing it writes to nobody.
	}
	return new GatewayConnection(socket, std::move(ticket), _params, _handlers, _deadlines, _firstByteTimeout, _ledger);
}

} // namespace AILoad

#include "BusyConnectionFilter.h"

#include "ErrorResponse.h"

namespace AILoad {

BusyConnectionFilter::BusyConnectionFilter(int maxThreads, const ConnectionsPerAddress& perAddress):
	_maxThreads(maxThreads),
	_perAddress(perAddress)
{
}


void BusyConnectionFilter::watch(const Poco::Net::TCPServer* server)
{
	_server = server;
}


bool BusyConnectionFilter::accept(const Poco::Net::StreamSocket& socket)
{
	try
	{
		// Only a quick look: GatewayConnectionFactory counts the connection, and refuses it
		// too when a burst got past this check before the earlier ones were counted.
		if (_perAddress.full(socket.peerAddress().host()))
		{
			refuseTooManyConnections(socket);
			return false;
		}
	}
	catch (Poco::Exception&)
	{
		// No peer address: the client is gone already, and the connection ends by itself.
	}
	// A connection holds its thread for its whole life (a stream for minutes), so one that
	// finds every thread taken would wait in the queue as long: answer it now instead.
	if (!_server || _server->currentConnections() + _server->queuedConnections() < _maxThreads) return true;
	refuse(socket, ApiError::Overloaded, "The gateway is at its connection limit; retry shortly.");
	return false;
}


void BusyConnectionFilter::refuse(const Poco::Net::StreamSocket& socket, ApiError::Kind kind, const std::string& message)
{
	const std::string answer = ErrorResponse::raw(kind, message);
	try
	{
		// A fresh socket's send buffer is empty: this never blocks the accepting thread.
		Poco::Net::StreamSocket client(socket);
		client.sendBytes(answer.data(), static_cast<int>(answer.size()), MSG_DONTWAIT);
		client.shutdownSend();
		// Unread request bytes would turn the close into a reset that can destroy the answer.
		char discard[4096];
		while (client.available() > 0 && client.receiveBytes(discard, sizeof(discard), MSG_DONTWAIT) > 0) {}
	}
	catch (Poco::Exception&)
	{
	}
}


void BusyConnectionFilter::refuseTooManyConnections(const Poco::Net::StreamSocket& socket)
{
	refuse(socket, ApiError::TooManyConnections, "Too many connections are open from your address; close idle ones and retry.");
}

} // namespace AILoad

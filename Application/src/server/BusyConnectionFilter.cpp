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
	refuse(socket, "The gateway is at its connection limit; retry shortly.", "server_error", "overloaded");
	return false;
}


void BusyConnectionFilter::refuse(const Poco::Net::StreamSocket& socket, const std::string& message, const std::string& type, const std::string& code)
{
	const std::string body = ErrorResponse::body(message, type, code);
	const std::string answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: "
		+ std::to_string(body.size()) + "\r\n\r\n" + body;
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
	refuse(socket, "Too many connections are open from your address; close idle ones and retry.", "rate_limit_error", "too_many_connections");
}

} // namespace AILoad

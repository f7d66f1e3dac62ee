#include "BusyConnectionFilter.h"

#include "ErrorResponse.h"

namespace AILoad {

BusyConnectionFilter::BusyConnectionFilter(int maxThreads):
	_maxThreads(maxThreads)
{
}


void BusyConnectionFilter::watch(const Poco::Net::TCPServer* server)
{
	_server = server;
}


bool BusyConnectionFilter::accept(const Poco::Net::StreamSocket& socket)
{
	// A connection holds its thread for its whole life (a stream for minutes), so one that
	// finds every thread taken would wait in the queue as long: answer it now instead.
	if (!_server || _server->currentConnections() + _server->queuedConnections() < _maxThreads) return true;
	static const std::string body = ErrorResponse::body("The gateway is at its connection limit; retry shortly.", "server_error", "overloaded");
	static const std::string answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: "
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
	return false;
}

} // namespace AILoad

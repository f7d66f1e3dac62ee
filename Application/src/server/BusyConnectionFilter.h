#ifndef AILoad_BusyConnectionFilter_INCLUDED
#define AILoad_BusyConnectionFilter_INCLUDED

#include "ApiError.h"
#include "ConnectionsPerAddress.h"
#include <Poco/Net/TCPServer.h>
#include <string>

namespace AILoad {

class BusyConnectionFilter final: public Poco::Net::TCPServerConnectionFilter
	/// Answers 503 at once to a connection that would not get a thread (POCO would
	/// otherwise close it silently once its queue is full), and to one from an address
	/// that already has its cap of connections open.
{
public:
	BusyConnectionFilter(int maxThreads, const ConnectionsPerAddress& perAddress);

	void watch(const Poco::Net::TCPServer* server);
		/// The server whose load decides; until set, only the per-address cap is checked.

	bool accept(const Poco::Net::StreamSocket& socket) override;

	static void refuse(const Poco::Net::StreamSocket& socket, ApiError::Kind kind, const std::string& message);
		/// Sends the error with Connection: close, without blocking, and ends the sending
		/// side. The caller closes the socket.

	static void refuseTooManyConnections(const Poco::Net::StreamSocket& socket);
		/// refuse() with the answer to an address over its connection cap.

private:
	const int _maxThreads;
	const ConnectionsPerAddress& _perAddress;
	const Poco::Net::TCPServer* _server = nullptr;
};

} // namespace AILoad

#endif

#ifndef AILoad_ClientWatch_INCLUDED
#define AILoad_ClientWatch_INCLUDED

#include <Poco/Net/StreamSocket.h>

namespace AILoad {

class ClientWatch
	/// Watches the client's connection while the gateway waits on an upstream, so a
	/// client that leaves (or a server shutdown that cuts it) releases the upstream at once.
{
public:
	explicit ClientWatch(const Poco::Net::StreamSocket& client);

	int fd() const;
		/// The socket to poll for readability, or -1 when no longer watched.

	bool readableMeansGone();
		/// Called when the socket polled readable: true if the client closed or failed.
		/// A client that sent more bytes (pipelining) is not gone; it is no longer
		/// watched, so that its pending bytes do not wake every poll.

private:
	Poco::Net::StreamSocket _client;
	bool _watching = true;
};

} // namespace AILoad

#endif

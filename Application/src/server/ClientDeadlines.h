#ifndef AILoad_ClientDeadlines_INCLUDED
#define AILoad_ClientDeadlines_INCLUDED

#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace AILoad {

class ClientDeadlines
	/// Bounds the total time a client may take to send a request, head and body, while a
	/// worker reads it (GatewayConnection; the event loop bounds the wait for the head).
	///
	/// A socket's timeout applies to each read, so a client that sends a byte every few
	/// seconds would hold its worker forever. Every request being read has a deadline here;
	/// a thread answers 408 to those that pass it and cuts them off. While a request is
	/// being handled its connection has no deadline.
{
public:
	ClientDeadlines();
	~ClientDeadlines();

	void expectRequest(const Poco::Net::StreamSocket& socket, Poco::Timespan within);
		/// The request being read on this connection is due within `within`.
	void requestRead(const Poco::Net::StreamSocket& socket);
		/// The request's head and body are in.
	void forget(const Poco::Net::StreamSocket& socket);
		/// The connection is closing.


private:
	void run();

	std::mutex _mutex;
	std::condition_variable _wake;
	std::map<Poco::Net::SocketImpl*, std::pair<Poco::Net::StreamSocket, Poco::Timestamp>> _deadlines;
	bool _stopping = false;
	std::thread _thread;
};

} // namespace AILoad

#endif

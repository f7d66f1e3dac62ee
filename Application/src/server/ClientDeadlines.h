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
	/// Bounds the total time a client may take to send a request, head and body.
	///
	/// POCO's server timeout applies to each read, so a client that sends a byte every few
	/// seconds would hold its thread forever. Every connection waiting for a request has a
	/// deadline here; a thread answers 408 to those that pass it and cuts them off. While a
	/// request is being handled its connection has no deadline.
{
public:
	explicit ClientDeadlines(Poco::Timespan limit);
	~ClientDeadlines();

	void expectRequest(const Poco::Net::StreamSocket& socket, Poco::Timespan idleAllowance = 0);
		/// A request is due on this connection within idleAllowance + the limit.
	void requestRead(const Poco::Net::StreamSocket& socket);
		/// The request's head and body are in.
	void forget(const Poco::Net::StreamSocket& socket);
		/// The connection is closing.


private:
	void run();

	const Poco::Timespan _limit;
	std::mutex _mutex;
	std::condition_variable _wake;
	std::map<Poco::Net::SocketImpl*, std::pair<Poco::Net::StreamSocket, Poco::Timestamp>> _deadlines;
	bool _stopping = false;
	std::thread _thread;
};

} // namespace AILoad

#endif

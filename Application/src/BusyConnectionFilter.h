#ifndef AILoad_BusyConnectionFilter_INCLUDED
#define AILoad_BusyConnectionFilter_INCLUDED

#include <Poco/Net/TCPServer.h>

namespace AILoad {

class BusyConnectionFilter final: public Poco::Net::TCPServerConnectionFilter
	/// Answers 503 at once to a connection that would not get a thread. POCO would
	/// otherwise close it silently once its queue is full.
{
public:
	explicit BusyConnectionFilter(int maxThreads);

	void watch(const Poco::Net::TCPServer* server);
		/// The server whose load decides; until set, every connection is accepted.

	bool accept(const Poco::Net::StreamSocket& socket) override;

private:
	const int _maxThreads;
	const Poco::Net::TCPServer* _server = nullptr;
};

} // namespace AILoad

#endif

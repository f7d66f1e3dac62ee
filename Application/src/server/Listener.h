#ifndef AILoad_Listener_INCLUDED
#define AILoad_Listener_INCLUDED

#include "EventLoop.h"
#include <Poco/Net/ServerSocket.h>
#include <memory>
#include <vector>

namespace AILoad {

class Gateway;

class Listener final: public EventLoop::Watcher
	/// The listening socket, in the first event loop: accepts what comes and gives each
	/// connection to the event loops in turn (GatewayConnection).
{
public:
	Listener(Poco::Net::ServerSocket socket, Gateway& gateway, const std::vector<std::unique_ptr<EventLoop>>& loops);

	void open(EventLoop& loop);
		/// On `loop`'s thread, once it has adopted the listener.
	void ready(int slot, unsigned events) override;
	void expired() override;
	void stopping(bool abortCurrent) override;
	void close();
		/// Stops accepting and closes the socket: new clients are refused at once.

private:
	Poco::Net::ServerSocket _socket;
	Gateway& _gateway;
	const std::vector<std::unique_ptr<EventLoop>>& _loops;
	EventLoop* _loop = nullptr;
	std::size_t _next = 0;
};

} // namespace AILoad

#endif

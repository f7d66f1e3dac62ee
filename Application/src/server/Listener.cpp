#include "Listener.h"

#include "Gateway.h"
#include "GatewayConnection.h"
#include <Poco/Net/StreamSocketImpl.h>
#include <cerrno>
#include <sys/epoll.h>
#include <sys/socket.h>

namespace AILoad {

Listener::Listener(Poco::Net::ServerSocket socket, Gateway& gateway, const std::vector<std::unique_ptr<EventLoop>>& loops):
	_socket(std::move(socket)),
	_gateway(gateway),
	_loops(loops)
{
}


void Listener::open(EventLoop& loop)
{
	_loop = &loop;
	_socket.setBlocking(false);
	_loop->watch(static_cast<int>(_socket.impl()->sockfd()), EPOLLIN, this);
}


void Listener::ready(int, unsigned)
{
	const Gateway::ServerSettings& settings = _gateway.settings();
	// A bounded batch: the loop has connections of its own to serve.
	for (int i = 0; i < 64; ++i)
	{
		sockaddr_storage peer{};
		socklen_t length = sizeof(peer);
		const int fd = ::accept4(static_cast<int>(_socket.impl()->sockfd()), reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC);
		if (fd < 0)
		{
			if (errno == EINTR || errno == ECONNABORTED) continue;
			return; // EAGAIN: none left; EMFILE and the like: the next wake-up tries again
		}
		EventLoop& loop = *_loops[_next++ % _loops.size()];
		std::shared_ptr<std::unique_ptr<GatewayConnection>> connection;
		{
			// Scoped: the last reference to the socket must be the connection's, released on its loop.
			Poco::Net::StreamSocket socket(new Poco::Net::StreamSocketImpl(fd));
			ConnectionsPerAddress::Ticket ticket;
			try
			{
				socket.setNoDelay(true); // a stream's events must not wait for Nagle
				// The worker's reads and writes block with these; the loop's never block.
				socket.setReceiveTimeout(settings.receiveTimeout);
				socket.setSendTimeout(settings.sendTimeout);
				ticket = _gateway.connectionsPerAddress().tryOpen(Poco::Net::SocketAddress(reinterpret_cast<sockaddr*>(&peer), length).host());
			}
			catch (Poco::Exception&)
			{
				continue; // gone already
			}
			connection = std::make_shared<std::unique_ptr<GatewayConnection>>(std::make_unique<GatewayConnection>(socket, std::move(ticket), _gateway, loop));
		}
		loop.post([&loop, connection] {
			GatewayConnection* adopted = connection->release();
			loop.adopt(adopted);
			adopted->open();
		});
	}
}


void Listener::expired()
{
}


void Listener::stopping(bool)
{
}


void Listener::close()
{
	if (!_loop) return;
	_loop->unwatch(static_cast<int>(_socket.impl()->sockfd()));
	_socket.close();
	_loop = nullptr;
}

} // namespace AILoad

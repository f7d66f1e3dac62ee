#include "ClientDeadlines.h"

#include "ErrorResponse.h"
#include <chrono>
#include <vector>

namespace AILoad {

ClientDeadlines::ClientDeadlines():
	_thread([this] { run(); })
{
}


ClientDeadlines::~ClientDeadlines()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wake.notify_all();
	_thread.join();
}


void ClientDeadlines::expectRequest(const Poco::Net::StreamSocket& socket, Poco::Timespan within)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_deadlines[socket.impl()] = {socket, Poco::Timestamp() + within.totalMicroseconds()};
}


void ClientDeadlines::requestRead(const Poco::Net::StreamSocket& socket)
{
	forget(socket);
}


void ClientDeadlines::forget(const Poco::Net::StreamSocket& socket)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_deadlines.erase(socket.impl());
}


void ClientDeadlines::run()
{
	static const std::string answer = ErrorResponse::raw(ApiError::RequestTimeout, "The request was not received in time.");

	std::unique_lock<std::mutex> lock(_mutex);
	while (!_stopping)
	{
		_wake.wait_for(lock, std::chrono::milliseconds(250));
		const Poco::Timestamp now;
		for (auto it = _deadlines.begin(); it != _deadlines.end();)
		{
			if (it->second.second > now)
			{
				++it;
				continue;
			}
			// The thread that serves this connection is blocked reading it: writing the answer
			// and shutting the socket down makes its read fail, and the connection ends.
			Poco::Net::StreamSocket& socket = it->second.first;
			try
			{
				socket.sendBytes(answer.data(), static_cast<int>(answer.size()), MSG_DONTWAIT);
				socket.shutdown();
			}
			catch (Poco::Exception&)
			{
			}
			it = _deadlines.erase(it);
		}
	}
}

} // namespace AILoad

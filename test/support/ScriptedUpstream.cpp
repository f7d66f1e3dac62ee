#include "ScriptedUpstream.h"

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/Timespan.h>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace AILoad {
namespace Test {

namespace {

bool receiveMore(Poco::Net::StreamSocket& socket, std::string& buffer)
{
	char piece[4096];
	int n = 0;
	try
	{
		n = socket.receiveBytes(piece, sizeof(piece));
	}
	catch (Poco::Exception&)
	{
		return false;
	}
	if (n <= 0) return false;
	buffer.append(piece, static_cast<std::size_t>(n));
	return true;
}


bool takeThrough(Poco::Net::StreamSocket& socket, std::string& buffer, const std::string& marker, std::string& taken)
	/// Moves the buffer's bytes up to and including the marker into `taken`, reading more as needed.
{
	std::size_t at;
	while ((at = buffer.find(marker)) == std::string::npos)
	{
		if (!receiveMore(socket, buffer)) return false;
	}
	taken = buffer.substr(0, at + marker.size());
	buffer.erase(0, at + marker.size());
	return true;
}


bool takeCount(Poco::Net::StreamSocket& socket, std::string& buffer, std::size_t count, std::string& taken)
{
	while (buffer.size() < count)
	{
		if (!receiveMore(socket, buffer)) return false;
	}
	taken = buffer.substr(0, count);
	buffer.erase(0, count);
	return true;
}

} // namespace


std::string ScriptedRequest::header(const std::string& name) const
{
	for (const auto& header : headers)
	{
		if (Poco::icompare(header.first, name) == 0) return header.second;
	}
	return "";
}


ScriptedReply::ScriptedReply(std::string bytes, Then then):
	bytes(std::move(bytes)),
	then(then)
{
}


ScriptedUpstream::ScriptedUpstream(Script script):
	_listener(Poco::Net::SocketAddress("127.0.0.1", 0)),
	_script(std::move(script))
{
	_acceptor = std::thread([this] { accept(); });
}


ScriptedUpstream::~ScriptedUpstream()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
		_stopped.notify_all();
		for (auto& open : _open)
		{
			try
			{
				open.second.shutdown();
			}
			catch (Poco::Exception&)
			{}
		}
	}
	_acceptor.join();
	for (auto& connection : _connections) connection.join();
}


std::string ScriptedUpstream::apiBase() const
{
	return "http://127.0.0.1:" + std::to_string(_listener.address().port()) + "/v1";
}


std::vector<ScriptedRequest> ScriptedUpstream::received() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _received;
}


std::size_t ScriptedUpstream::connectionsAccepted() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _accepted;
}


void ScriptedUpstream::accept()
{
	while (!_stopping)
	{
		try
		{
			// Wakes up now and then to see whether the destructor wants it to end.
			if (!_listener.poll(Poco::Timespan(0, 50000), Poco::Net::Socket::SELECT_READ)) continue;
			// Accepted under the lock, so this copy of the socket is gone before serve() can take
			// the lock to let go of its own: the socket is always freed where it was last used
			// (otherwise ThreadSanitizer, blind to POCO's uninstrumented reference count, reports
			// serve()'s last use and this free as a race).
			std::lock_guard<std::mutex> lock(_mutex);
			Poco::Net::StreamSocket socket = _listener.acceptConnection();
			if (_stopping) break;
			const std::size_t connection = ++_accepted;
			_open[connection] = socket;
			_connections.emplace_back([this, socket, connection] { serve(socket, connection); });
		}
		catch (Poco::Exception&)
		{
		}
	}
}


void ScriptedUpstream::serve(Poco::Net::StreamSocket socket, std::size_t connection)
{
	std::string buffer;
	for (;;)
	{
		ScriptedRequest request;
		request.connection = connection;
		if (!readRequest(socket, buffer, request)) break;
		{
			std::lock_guard<std::mutex> lock(_mutex);
			request.number = _received.size() + 1;
			_received.push_back(request);
		}
		const ScriptedReply reply = _script(request);
		try
		{
			std::size_t sent = 0;
			if (reply.pauseAfter > 0 && reply.pauseAfter < reply.bytes.size())
			{
				sent = reply.pauseAfter;
				socket.sendBytes(reply.bytes.data(), static_cast<int>(sent));
				std::this_thread::sleep_for(std::chrono::microseconds(reply.pause.totalMicroseconds()));
			}
			socket.sendBytes(reply.bytes.data() + sent, static_cast<int>(reply.bytes.size() - sent));
		}
		catch (Poco::Exception&)
		{
			break;
		}
		if (reply.then == ScriptedReply::CLOSE) break;
		if (reply.then == ScriptedReply::HANG)
		{
			std::unique_lock<std::mutex> lock(_mutex);
			_stopped.wait(lock, [this] { return _stopping.load(); });
			break;
		}
	}
	std::lock_guard<std::mutex> lock(_mutex);
	_open.erase(connection);
	socket.close();
}


bool ScriptedUpstream::readRequest(Poco::Net::StreamSocket& socket, std::string& buffer, ScriptedRequest& request)
{
	if (!takeThrough(socket, buffer, "\r\n\r\n", request.head)) return false;
	std::size_t lineEnd = request.head.find("\r\n");
	const std::string requestLine = request.head.substr(0, lineEnd);
	const std::size_t space = requestLine.find(' ');
	request.method = requestLine.substr(0, space);
	request.target = requestLine.substr(space + 1, requestLine.rfind(' ') - space - 1);
	for (std::size_t start = lineEnd + 2; (lineEnd = request.head.find("\r\n", start)) != start; start = lineEnd + 2)
	{
		const std::string line = request.head.substr(start, lineEnd - start);
		const std::size_t colon = line.find(':');
		request.headers.emplace_back(line.substr(0, colon), colon == std::string::npos ? "" : Poco::trim(line.substr(colon + 1)));
	}
	if (Poco::icompare(request.header("Transfer-Encoding"), "chunked") == 0)
	{
		std::string line, data;
		for (;;)
		{
			if (!takeThrough(socket, buffer, "\r\n", line)) return false;
			const std::size_t size = std::strtoull(line.c_str(), nullptr, 16);
			if (size == 0) break;
			if (!takeCount(socket, buffer, size + 2, data)) return false;
			request.body += data.substr(0, size);
		}
		do
		{
			if (!takeThrough(socket, buffer, "\r\n", line)) return false; // trailer fields, up to an empty line
		} while (line != "\r\n");
		return true;
	}
	const std::string length = request.header("Content-Length");
	return takeCount(socket, buffer, length.empty() ? 0 : std::strtoull(length.c_str(), nullptr, 10), request.body);
}

} // namespace Test
} // namespace AILoad

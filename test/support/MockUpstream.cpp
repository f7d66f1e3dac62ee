//
// MockUpstream.cpp
//
// Library: AILoad test support
// Package: Mock
// Module:  MockUpstream
//


#include "MockUpstream.h"
#include "MockConnectionFactory.h"
#include "MockRequestHandlerFactory.h"
#include "ReceivedRequest.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/SecureServerSocket.h"
#include "Poco/Net/SecureStreamSocketImpl.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/TCPServer.h"
#include "Poco/ThreadPool.h"


namespace AILoad {
namespace Test {


namespace {
const int MAX_THREADS = 256;
const int STACK_SIZE = 512 * 1024;
} // namespace


MockUpstream::MockUpstream(const std::string& name, Poco::Net::Context::Ptr serverTls, Poco::UInt16 port):
	_name(name),
	_pTls(serverTls),
	_port(port),
	_keepAliveTimeout(15, 0)
{
	std::lock_guard<std::mutex> lock(_lifecycleMutex);
	bindSocket();
}


MockUpstream::~MockUpstream()
{
	try
	{
		stop();
	}
	catch (...)
	{
	}
}


void MockUpstream::bindSocket()
{
	std::unique_ptr<Poco::Net::ServerSocket> pSocket;
	if (_pTls)
		pSocket.reset(new Poco::Net::SecureServerSocket(_pTls));
	else
		pSocket.reset(new Poco::Net::ServerSocket);
	// No SO_REUSEPORT: a second mock must not silently share a port with this one.
	pSocket->bind(Poco::Net::SocketAddress("127.0.0.1", _port.load()), true, false);
	pSocket->listen(256);
	_port = pSocket->address().port();
	_pSocket = std::move(pSocket);
}


void MockUpstream::start()
{
	std::lock_guard<std::mutex> lock(_lifecycleMutex);
	if (_pServer) return;
	if (!_pSocket) bindSocket();

	Poco::Net::HTTPServerParams::Ptr pParams = new Poco::Net::HTTPServerParams;
	pParams->setKeepAlive(true);
	pParams->setKeepAliveTimeout(_keepAliveTimeout);
	pParams->setMaxKeepAliveRequests(0);
	pParams->setMaxThreads(MAX_THREADS);
	pParams->setMaxQueued(MAX_THREADS);
	pParams->setSoftwareVersion("aiload-mock");

	// Own pool: the default one has only 16 threads, and a test may hold many streams open.
	std::unique_ptr<Poco::ThreadPool> pPool(new Poco::ThreadPool(2, MAX_THREADS, 60, STACK_SIZE));
	Poco::Net::HTTPRequestHandlerFactory::Ptr pHandlerFactory = new MockRequestHandlerFactory(*this);
	Poco::Net::TCPServerConnectionFactory::Ptr pConnectionFactory = new MockConnectionFactory(pParams, pHandlerFactory, *this);
	std::unique_ptr<Poco::Net::TCPServer> pServer(new Poco::Net::TCPServer(pConnectionFactory, *pPool, *_pSocket, pParams));
	_stopping = false;
	pServer->start();
	_pThreadPool = std::move(pPool);
	_pServer = std::move(pServer);
	_running = true;
}


void MockUpstream::stop()
{
	std::lock_guard<std::mutex> lock(_lifecycleMutex);
	if (!_pServer)
	{
		_pSocket.reset();
		return;
	}

	// Set before aborting so that a connection accepted meanwhile aborts itself.
	{
		std::lock_guard<std::mutex> recordsLock(_mutex);
		_stopping = true;
		for (const auto& connection : _connections) abortSocket(connection.first);
	}
	_changed.notify_all();

	// TCPServer's acceptor polls the listening socket every 250 ms; shutting the socket
	// down wakes it at once, so stop() does not cost a quarter of a second per mock.
	try
	{
		_pSocket->impl()->shutdown();
	}
	catch (Poco::Exception&)
	{
	}
	_pServer->stop();

	// HTTPServer::stopAll(false) would wait for open streams forever; the handlers
	// watch the stop flag and the aborted sockets instead, so joining is bounded.
	_pThreadPool->joinAll();
	_pServer.reset();
	_pThreadPool.reset();
	_pSocket.reset();
	_running = false;
}


bool MockUpstream::isRunning() const
{
	return _running;
}


const std::string& MockUpstream::name() const
{
	return _name;
}


Poco::UInt16 MockUpstream::port() const
{
	return _port;
}


bool MockUpstream::secure() const
{
	return !_pTls.isNull();
}


std::string MockUpstream::apiBase() const
{
	if (secure())
		return "https://localhost:" + std::to_string(port()) + "/v1";
	else
		return "http://127.0.0.1:" + std::to_string(port()) + "/v1";
}


std::string MockUpstream::chatCompletionsUrl() const
{
	return apiBase() + "/chat/completions";
}


void MockUpstream::setKeepAliveTimeout(Poco::Timespan timeout)
{
	std::lock_guard<std::mutex> lock(_lifecycleMutex);
	_keepAliveTimeout = timeout;
}


void MockUpstream::setBehaviour(const MockBehaviour& behaviour)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_behaviour = behaviour;
}


MockBehaviour MockUpstream::behaviour() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _behaviour;
}


std::vector<ReceivedRequest> MockUpstream::received() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _received;
}


std::size_t MockUpstream::requestCount() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _received.size();
}


void MockUpstream::clearReceived()
{
	std::lock_guard<std::mutex> lock(_mutex);
	_received.clear();
	_eventTimes.clear();
	_closedByPeer = 0;
}


bool MockUpstream::waitForRequests(std::size_t n, Poco::Timespan timeout) const
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [&] {
		return _received.size() >= n;
	});
}


std::vector<Poco::Timestamp> MockUpstream::eventSendTimes() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _eventTimes;
}


std::size_t MockUpstream::streamsClosedByPeer() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _closedByPeer;
}


bool MockUpstream::waitForStreamClosedByPeer(Poco::Timespan timeout, Poco::Timestamp* when) const
{
	std::unique_lock<std::mutex> lock(_mutex);
	const bool closed = _changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [&] {
		return _closedByPeer > 0;
	});
	if (closed && when) *when = _firstClosedByPeer;
	return closed;
}


std::size_t MockUpstream::openConnections() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _openConnections;
}


bool MockUpstream::waitForOpenConnectionsAtMost(std::size_t n, Poco::Timespan timeout) const
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [&] {
		return _openConnections <= n;
	});
}


std::size_t MockUpstream::connectionsAccepted() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _acceptedConnections;
}


std::size_t MockUpstream::connectionOpened(Poco::Net::SocketImpl* pSocket)
{
	std::size_t id = 0;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		id = ++_acceptedConnections;
		++_openConnections;
		_connections[pSocket] = id;
		// stop() may have aborted the others already: this one must not keep it waiting.
		if (_stopping) abortSocket(pSocket);
	}
	_changed.notify_all();
	return id;
}


void MockUpstream::connectionClosed(Poco::Net::SocketImpl* pSocket)
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_connections.erase(pSocket);
		--_openConnections;
	}
	_changed.notify_all();
}


std::size_t MockUpstream::connectionId(Poco::Net::SocketImpl* pSocket) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _connections.find(pSocket);
	return it == _connections.end() ? 0 : it->second;
}


void MockUpstream::recordRequest(ReceivedRequest&& request)
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_received.push_back(std::move(request));
	}
	_changed.notify_all();
}


void MockUpstream::recordEventSent()
{
	Poco::Timestamp now;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_eventTimes.push_back(now);
	}
	_changed.notify_all();
}


void MockUpstream::recordClosedByPeer()
{
	Poco::Timestamp now;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_closedByPeer++ == 0) _firstClosedByPeer = now;
	}
	_changed.notify_all();
}


bool MockUpstream::stopping() const
{
	return _stopping;
}


unsigned long MockUpstream::nextCompletionNumber()
{
	return ++_completionCounter;
}


void MockUpstream::abortSocket(Poco::Net::SocketImpl* pSocket)
{
	// A TCP-level shutdown is safe from another thread and makes every later write
	// fail; for TLS, SecureStreamSocketImpl::shutdown() would only send close_notify.
	try
	{
		if (auto* pSecure = dynamic_cast<Poco::Net::SecureStreamSocketImpl*>(pSocket))
			pSecure->abort();
		else
			pSocket->shutdown();
	}
	catch (Poco::Exception&)
	{
	}
}


} // namespace Test
} // namespace AILoad

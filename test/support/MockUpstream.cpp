//
// MockUpstream.cpp
//
// Library: AILoad test support
// Package: Mock
// Module:  MockUpstream
//


#include "MockUpstream.h"
#include "Poco/Net/HTTPRequestHandler.h"
#include "Poco/Net/HTTPRequestHandlerFactory.h"
#include "Poco/Net/HTTPServerConnection.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/Net/HTTPServerRequestImpl.h"
#include "Poco/Net/HTTPServerResponse.h"
#include "Poco/Net/SecureServerSocket.h"
#include "Poco/Net/SecureStreamSocketImpl.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/Net/TCPServer.h"
#include "Poco/Net/TCPServerConnectionFactory.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include "Poco/StreamCopier.h"
#include "Poco/String.h"
#include "Poco/ThreadPool.h"
#include <algorithm>
#include <chrono>
#include <sstream>


namespace AILoad {
namespace Test {


namespace
{
	// Handlers check the stop flag at least this often while they wait.
	const Poco::Timespan STOP_CHECK_INTERVAL(0, 50000);

	const int MAX_THREADS = 256;
	const int STACK_SIZE = 512*1024;


	bool endsWith(const std::string& s, const std::string& suffix)
	{
		return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
	}


	std::string pathOf(const std::string& uri)
	{
		return uri.substr(0, uri.find('?'));
	}


	Poco::JSON::Object::Ptr newObject()
	{
		// Key order as written makes the answers readable and stable for tests.
		return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	}


	std::string toJSON(const Poco::JSON::Object::Ptr& pObject)
	{
		std::ostringstream out;
		pObject->stringify(out);
		return out.str();
	}


	std::string errorBody(int status)
	{
		Poco::JSON::Object::Ptr pError = newObject();
		pError->set("message", "mock error " + std::to_string(status));
		pError->set("type", "mock");
		pError->set("code", std::to_string(status));
		Poco::JSON::Object::Ptr pBody = newObject();
		pBody->set("error", pError);
		return toJSON(pBody);
	}
}


class MockConnection: public Poco::Net::HTTPServerConnection
	/// An HTTPServerConnection that registers its socket with the MockUpstream for
	/// its whole life, so that connections can be counted and aborted by stop().
{
public:
	MockConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr pParams, Poco::Net::HTTPRequestHandlerFactory::Ptr pFactory, MockUpstream& mock):
		Poco::Net::HTTPServerConnection(socket, pParams, pFactory),
		_mock(mock),
		_pSocket(this->socket().impl())
		/// Creates and registers the connection.
	{
		// SSE events are small writes: without TCP_NODELAY they can wait for a delayed ACK.
		// The send timeout keeps a client that stops reading from pinning a thread forever.
		try
		{
			this->socket().setNoDelay(true);
			this->socket().setSendTimeout(Poco::Timespan(10, 0));
		}
		catch (Poco::Exception&)
		{
		}
		_mock.connectionOpened(_pSocket);
	}

	~MockConnection()
		/// Unregisters the connection.
	{
		_mock.connectionClosed(_pSocket);
	}

private:
	MockUpstream& _mock;
	Poco::Net::SocketImpl* _pSocket;
};


class MockConnectionFactory: public Poco::Net::TCPServerConnectionFactory
	/// Creates MockConnections. Replaces HTTPServer's own factory so that connections are counted.
{
public:
	MockConnectionFactory(Poco::Net::HTTPServerParams::Ptr pParams, Poco::Net::HTTPRequestHandlerFactory::Ptr pFactory, MockUpstream& mock):
		_pParams(pParams),
		_pFactory(pFactory),
		_mock(mock)
		/// Creates the factory.
	{
	}

	Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket)
		/// Creates a MockConnection for an accepted socket.
	{
		return new MockConnection(socket, _pParams, _pFactory, _mock);
	}

private:
	Poco::Net::HTTPServerParams::Ptr _pParams;
	Poco::Net::HTTPRequestHandlerFactory::Ptr _pFactory;
	MockUpstream& _mock;
};


class MockRequestHandler: public Poco::Net::HTTPRequestHandler
	/// Records one request and answers it according to the mock's behaviour.
{
public:
	explicit MockRequestHandler(MockUpstream& mock):
		_mock(mock)
		/// Creates the handler.
	{
	}

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
		/// Records the request, then answers it.

private:
	enum class WaitResult
		/// How a wait() ended.
	{
		ELAPSED,
		PEER_CLOSED,
		STOPPED
	};

	WaitResult wait(Poco::Timespan duration, bool forever);
		/// Waits while watching the client's socket and the mock's stop flag.

	bool peerClosed(Poco::Timespan timeout);
		/// Returns true if the client closed its connection (checked for up to timeout).

	bool waitHead(const MockBehaviour& behaviour);
		/// Handles hang and headDelay. Returns false if the answer must not be sent.

	void prepare(Poco::Net::HTTPServerResponse& response, const MockBehaviour& behaviour, int status);
		/// Sets status and the common headers.

	void sendPlain(Poco::Net::HTTPServerResponse& response, const MockBehaviour& behaviour, int status, const std::string& body);
		/// Sends a JSON answer, chunked or with Content-Length, possibly truncated.

	void sendStream(Poco::Net::HTTPServerResponse& response, const MockBehaviour& behaviour, const Poco::Dynamic::Var& model);
		/// Sends SSE chat completion chunks.

	std::string completionBody(const Poco::Dynamic::Var& model);
		/// Returns an OpenAI chat.completion.

	std::string otherBody(const std::string& uri, const Poco::Dynamic::Var& model);
		/// Returns the answer for POST paths other than chat completions.

	std::string modelsBody();
		/// Returns an OpenAI model list.

	MockUpstream& _mock;
	Poco::Net::StreamSocket _socket;
};


class MockRequestHandlerFactory: public Poco::Net::HTTPRequestHandlerFactory
	/// Creates a MockRequestHandler for every request.
{
public:
	explicit MockRequestHandlerFactory(MockUpstream& mock):
		_mock(mock)
		/// Creates the factory.
	{
	}

	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&)
		/// Creates a MockRequestHandler.
	{
		return new MockRequestHandler(_mock);
	}

private:
	MockUpstream& _mock;
};


//
// MockRequestHandler
//


void MockRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	// The raw socket lets the handler notice a client going away while it waits.
	_socket = dynamic_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();

	ReceivedRequest received;
	received.method = request.getMethod();
	received.uri = request.getURI();
	for (const auto& header: request) received.headers.emplace_back(header.first, header.second);
	Poco::StreamCopier::copyToString(request.stream(), received.body);
	received.connectionId = _mock.connectionId(_socket.impl());
	received.receivedAt.update();

	Poco::Dynamic::Var model;
	bool stream = false;
	try
	{
		Poco::JSON::Parser parser;
		Poco::Dynamic::Var parsed = parser.parse(received.body);
		Poco::JSON::Object::Ptr pObject = parsed.extract<Poco::JSON::Object::Ptr>();
		if (pObject)
		{
			model = pObject->get("model");
			Poco::Dynamic::Var streamFlag = pObject->get("stream");
			stream = streamFlag.isBoolean() && streamFlag.extract<bool>();
		}
	}
	catch (Poco::Exception&)
	{
		// Not JSON (GET, or a test sending garbage on purpose): answer with a null model.
	}

	const std::string method = received.method;
	const std::string path = pathOf(received.uri);
	const std::string uri = received.uri;
	const MockBehaviour behaviour = _mock.behaviour();

	// Recorded before any delay so tests can see the request while it hangs.
	_mock.recordRequest(std::move(received));

	if (!waitHead(behaviour)) return;

	if (behaviour.status != 200 || !behaviour.body.empty())
	{
		sendPlain(response, behaviour, behaviour.status, behaviour.body.empty() ? errorBody(behaviour.status) : behaviour.body);
	}
	else if (method == Poco::Net::HTTPRequest::HTTP_GET)
	{
		if (endsWith(path, "/models"))
			sendPlain(response, behaviour, 200, modelsBody());
		else
			sendPlain(response, behaviour, 404, errorBody(404));
	}
	else if (method != Poco::Net::HTTPRequest::HTTP_POST)
	{
		sendPlain(response, behaviour, 405, errorBody(405));
	}
	else if (stream)
	{
		sendStream(response, behaviour, model);
	}
	else if (endsWith(path, "/chat/completions"))
	{
		sendPlain(response, behaviour, 200, completionBody(model));
	}
	else
	{
		sendPlain(response, behaviour, 200, otherBody(uri, model));
	}
}


MockRequestHandler::WaitResult MockRequestHandler::wait(Poco::Timespan duration, bool forever)
{
	const Poco::Timestamp deadline = Poco::Timestamp() + duration;
	do
	{
		if (_mock.stopping()) return WaitResult::STOPPED;
		Poco::Timespan slice = STOP_CHECK_INTERVAL;
		if (!forever)
		{
			const Poco::Timespan remaining = deadline - Poco::Timestamp();
			slice = std::max(Poco::Timespan(0), std::min(slice, remaining));
		}
		if (peerClosed(slice)) return WaitResult::PEER_CLOSED;
	}
	while (forever || Poco::Timestamp() < deadline);
	return WaitResult::ELAPSED;
}


bool MockRequestHandler::peerClosed(Poco::Timespan timeout)
{
	try
	{
		if (!_socket.poll(timeout, Poco::Net::Socket::SELECT_READ)) return false;
		// Readable while we are answering: either EOF (or a TLS close_notify), which
		// reads as 0 bytes, or unexpected data, which is dropped so the poll does not spin.
		char buffer[512];
		return _socket.receiveBytes(buffer, sizeof(buffer)) <= 0;
	}
	catch (Poco::Exception&)
	{
		// Reset by peer, or the socket was aborted by stop().
		return true;
	}
}


bool MockRequestHandler::waitHead(const MockBehaviour& behaviour)
{
	if (!behaviour.hang && behaviour.headDelay <= 0) return true;

	const WaitResult result = wait(behaviour.headDelay, behaviour.hang);
	if (result == WaitResult::PEER_CLOSED && !_mock.stopping()) _mock.recordClosedByPeer();
	return result == WaitResult::ELAPSED;
}


void MockRequestHandler::prepare(Poco::Net::HTTPServerResponse& response, const MockBehaviour& behaviour, int status)
{
	response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
	response.set("X-Mock-Name", _mock.name());
	for (const auto& header: behaviour.headers) response.add(header.first, header.second);
}


void MockRequestHandler::sendPlain(Poco::Net::HTTPServerResponse& response, const MockBehaviour& behaviour, int status, const std::string& body)
{
	prepare(response, behaviour, status);
	response.setContentType("application/json");
	if (behaviour.chunkedPlain)
		response.setChunkedTransferEncoding(true);
	else
		response.setContentLength(static_cast<std::streamsize>(body.size()));

	std::ostream& out = response.send();
	if (behaviour.breakAfterEvents >= 0)
	{
		out.write(body.data(), static_cast<std::streamsize>(body.size()/2));
		out.flush();
		MockUpstream::abortSocket(_socket.impl());
		return;
	}
	out.write(body.data(), static_cast<std::streamsize>(body.size()));
	out.flush();
	if (!out && !_mock.stopping()) _mock.recordClosedByPeer();
}


void MockRequestHandler::sendStream(Poco::Net::HTTPServerResponse& response, const MockBehaviour& behaviour, const Poco::Dynamic::Var& model)
{
	prepare(response, behaviour, 200);
	response.setContentType("text/event-stream");
	response.set("Cache-Control", "no-cache");
	response.setChunkedTransferEncoding(true);

	const std::string id = "chatcmpl-" + std::to_string(_mock.nextCompletionNumber());
	const Poco::Int64 created = Poco::Timestamp().epochTime();
	std::ostream& out = response.send();
	for (int i = 0; i <= behaviour.sseEvents; ++i)
	{
		// The first event goes right after the head; a zero wait still notices a closed client.
		const WaitResult result = wait(i == 0 ? Poco::Timespan(0) : behaviour.sseInterval, false);
		if (result == WaitResult::STOPPED) return;
		if (result == WaitResult::PEER_CLOSED)
		{
			if (!_mock.stopping()) _mock.recordClosedByPeer();
			return;
		}
		if (i == behaviour.breakAfterEvents)
		{
			// Shut down the socket so that the chunked terminator POCO writes when the
			// response is destroyed fails: the client sees a truncated stream.
			MockUpstream::abortSocket(_socket.impl());
			return;
		}

		if (i < behaviour.sseEvents)
		{
			Poco::JSON::Object::Ptr pDelta = newObject();
			pDelta->set("content", "tok" + std::to_string(i) + " ");
			Poco::JSON::Object::Ptr pChoice = newObject();
			pChoice->set("index", 0);
			pChoice->set("delta", pDelta);
			pChoice->set("finish_reason", Poco::Dynamic::Var());
			Poco::JSON::Array::Ptr pChoices = new Poco::JSON::Array;
			pChoices->add(pChoice);
			Poco::JSON::Object::Ptr pChunk = newObject();
			pChunk->set("id", id);
			pChunk->set("object", "chat.completion.chunk");
			pChunk->set("created", created);
			pChunk->set("model", model);
			pChunk->set("choices", pChoices);
			out << "data: " << toJSON(pChunk) << "\n\n";
		}
		else
		{
			out << "data: [DONE]\n\n";
		}
		out.flush();
		if (!out)
		{
			if (!_mock.stopping()) _mock.recordClosedByPeer();
			return;
		}
		_mock.recordEventSent();
	}
}


std::string MockRequestHandler::completionBody(const Poco::Dynamic::Var& model)
{
	Poco::JSON::Object::Ptr pMessage = newObject();
	pMessage->set("role", "assistant");
	pMessage->set("content", "Hello from " + _mock.name());
	Poco::JSON::Object::Ptr pChoice = newObject();
	pChoice->set("index", 0);
	pChoice->set("message", pMessage);
	pChoice->set("finish_reason", "stop");
	Poco::JSON::Array::Ptr pChoices = new Poco::JSON::Array;
	pChoices->add(pChoice);
	Poco::JSON::Object::Ptr pUsage = newObject();
	pUsage->set("prompt_tokens", 5);
	pUsage->set("completion_tokens", 4);
	pUsage->set("total_tokens", 9);

	Poco::JSON::Object::Ptr pBody = newObject();
	pBody->set("id", "chatcmpl-" + std::to_string(_mock.nextCompletionNumber()));
	pBody->set("object", "chat.completion");
	pBody->set("created", static_cast<Poco::Int64>(Poco::Timestamp().epochTime()));
	pBody->set("model", model);
	pBody->set("choices", pChoices);
	pBody->set("usage", pUsage);
	return toJSON(pBody);
}


std::string MockRequestHandler::otherBody(const std::string& uri, const Poco::Dynamic::Var& model)
{
	Poco::JSON::Object::Ptr pBody = newObject();
	pBody->set("object", "mock");
	pBody->set("path", uri);
	pBody->set("model", model);
	pBody->set("upstream", _mock.name());
	return toJSON(pBody);
}


std::string MockRequestHandler::modelsBody()
{
	Poco::JSON::Array::Ptr pData = new Poco::JSON::Array;
	for (const std::string& id: {std::string("mock-model"), std::string("mock-model-large")})
	{
		Poco::JSON::Object::Ptr pModel = newObject();
		pModel->set("id", id);
		pModel->set("object", "model");
		pModel->set("created", static_cast<Poco::Int64>(0));
		pModel->set("owned_by", _mock.name());
		pData->add(pModel);
	}
	Poco::JSON::Object::Ptr pBody = newObject();
	pBody->set("object", "list");
	pBody->set("data", pData);
	return toJSON(pBody);
}


//
// ReceivedRequest
//


std::string ReceivedRequest::header(const std::string& name) const
{
	for (const auto& h: headers)
	{
		if (Poco::icompare(h.first, name) == 0) return h.second;
	}
	return std::string();
}


bool ReceivedRequest::hasHeader(const std::string& name) const
{
	return std::any_of(headers.begin(), headers.end(), [&name](const std::pair<std::string, std::string>& h)
	{
		return Poco::icompare(h.first, name) == 0;
	});
}


//
// MockUpstream
//


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
		for (const auto& connection: _connections) abortSocket(connection.first);
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
	return _changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [&]
	{
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
	const bool closed = _changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [&]
	{
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
	return _changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [&]
	{
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


} } // namespace AILoad::Test

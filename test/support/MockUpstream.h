//
// MockUpstream.h
//
// Library: AILoad test support
// Package: Mock
// Module:  MockUpstream
//
// Definition of the MockUpstream class, an OpenAI-compatible HTTP(S) server
// for tests and the demo.
//


#ifndef AILoad_Test_MockUpstream_INCLUDED
#define AILoad_Test_MockUpstream_INCLUDED


#include "MockBehaviour.h"
#include "ReceivedRequest.h"
#include "Poco/Net/Context.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Timespan.h"
#include "Poco/Timestamp.h"
#include "Poco/Types.h"
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <map>
#include <string>
#include <utility>
#include <vector>


namespace Poco {
class ThreadPool;
namespace Net {
class TCPServer;
class SocketImpl;
} // namespace Net
} // namespace Poco


namespace AILoad {
namespace Test {


class MockUpstream
	/// An OpenAI-compatible mock upstream: a multithreaded HTTP (or HTTPS) server on
	/// 127.0.0.1 that records every request and answers according to a MockBehaviour.
	///
	/// The listening socket is bound in the constructor, so port() and apiBase() are
	/// valid before start(). stop() closes it (connections are then refused) and a
	/// later start() binds the same port again.
	///
	/// All methods are thread-safe.
{
public:
	explicit MockUpstream(const std::string& name = "mock", Poco::Net::Context::Ptr serverTls = nullptr, Poco::UInt16 port = 0);
		/// Creates the mock and binds 127.0.0.1:port (0 = ephemeral). With serverTls it speaks HTTPS.

	~MockUpstream();
		/// Stops the mock; aborts open streams and hanging requests.

	MockUpstream(const MockUpstream&) = delete;
	MockUpstream& operator=(const MockUpstream&) = delete;

	void start();
		/// Starts serving. Does nothing if already started.

	void stop();
		/// Stops serving: aborts every open connection, waits for the handler threads
		/// and closes the listening socket. Does nothing if not started.

	bool isRunning() const;
		/// Returns true between start() and stop().

	const std::string& name() const;
		/// Returns the name used in answers and in the X-Mock-Name header.

	Poco::UInt16 port() const;
		/// Returns the listening port.

	bool secure() const;
		/// Returns true if the mock speaks HTTPS.

	std::string apiBase() const;
		/// Returns "http://127.0.0.1:PORT/v1", or "https://localhost:PORT/v1" with TLS
		/// (localhost so that the test certificate's name matches).

	std::string chatCompletionsUrl() const;
		/// Returns apiBase() + "/chat/completions".

	void setKeepAliveTimeout(Poco::Timespan timeout);
		/// Sets how long an idle keep-alive connection is kept (default 15 s). Takes
		/// effect at the next start().

	void setBehaviour(const MockBehaviour& behaviour);
		/// Sets how requests arriving from now on are answered.

	MockBehaviour behaviour() const;
		/// Returns the current behaviour.

	std::vector<ReceivedRequest> received() const;
		/// Returns a copy of all requests received since construction or clearReceived().

	std::size_t requestCount() const;
		/// Returns the number of requests received since construction or clearReceived().

	void clearReceived();
		/// Forgets the received requests, the event send times and the streams
		/// closed by peer. Counters of connections are kept.

	bool waitForRequests(std::size_t n, Poco::Timespan timeout) const;
		/// Waits until at least n requests were received. Returns false on timeout.

	std::vector<Poco::Timestamp> eventSendTimes() const;
		/// Returns when each SSE event (including [DONE]) was flushed, across all streams, in order.

	std::size_t streamsClosedByPeer() const;
		/// Returns the number of answers (streams, hanging or delayed requests) that the
		/// client abandoned before the mock had finished them.

	bool waitForStreamClosedByPeer(Poco::Timespan timeout, Poco::Timestamp* when = nullptr) const;
		/// Waits until at least one answer was abandoned by the client. Stores in `when`
		/// the moment the mock noticed the first one. Returns false on timeout.

	std::size_t openConnections() const;
		/// Returns the number of currently open TCP connections (idle keep-alive ones included).

	bool waitForOpenConnectionsAtMost(std::size_t n, Poco::Timespan timeout) const;
		/// Waits until at most n TCP connections are open. Returns false on timeout.

	std::size_t connectionsAccepted() const;
		/// Returns the number of TCP connections accepted since construction.

private:
	void bindSocket();
	// Requires _lifecycleMutex.

	// Called by MockConnection and MockRequestHandler.
	std::size_t connectionOpened(Poco::Net::SocketImpl* pSocket);
	void connectionClosed(Poco::Net::SocketImpl* pSocket);
	std::size_t connectionId(Poco::Net::SocketImpl* pSocket) const;
	void recordRequest(ReceivedRequest&& request);
	void recordEventSent();
	void recordClosedByPeer();
	bool stopping() const;
	unsigned long nextCompletionNumber();
	static void abortSocket(Poco::Net::SocketImpl* pSocket);

	const std::string _name;
	const Poco::Net::Context::Ptr _pTls;
	std::atomic<Poco::UInt16> _port;

	// Guards the server lifecycle (start/stop) only.
	mutable std::mutex _lifecycleMutex;
	std::unique_ptr<Poco::Net::ServerSocket> _pSocket;
	std::unique_ptr<Poco::ThreadPool> _pThreadPool;
	std::unique_ptr<Poco::Net::TCPServer> _pServer;
	Poco::Timespan _keepAliveTimeout;

	// Guards the records and the behaviour; _changed is notified whenever a record changes.
	mutable std::mutex _mutex;
	mutable std::condition_variable _changed;
	MockBehaviour _behaviour;
	std::vector<ReceivedRequest> _received;
	std::vector<Poco::Timestamp> _eventTimes;
	std::size_t _closedByPeer = 0;
	Poco::Timestamp _firstClosedByPeer;
	std::size_t _openConnections = 0;
	std::size_t _acceptedConnections = 0;
	std::map<Poco::Net::SocketImpl*, std::size_t> _connections;
	// open connections' sockets -> connection id; stop() aborts them

	// Lock-free: read by the handlers while they wait.
	std::atomic<bool> _stopping{false};
	std::atomic<bool> _running{false};
	std::atomic<unsigned long> _completionCounter{0};

	friend class MockConnection;
	friend class MockRequestHandler;
};


} // namespace Test
} // namespace AILoad


#endif // AILoad_Test_MockUpstream_INCLUDED

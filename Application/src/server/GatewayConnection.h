#ifndef AILoad_GatewayConnection_INCLUDED
#define AILoad_GatewayConnection_INCLUDED

#include "ApiError.h"
#include "ClientSession.h"
#include "ConnectionsPerAddress.h"
#include "EventLoop.h"
#include "GatewayResponse.h"
#include "RequestRecord.h"
#include <Poco/Net/StreamSocket.h>
#include <sys/epoll.h>
#include <Poco/Runnable.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <atomic>
#include <functional>
#include <memory>

namespace AILoad {

class Gateway;
class GatewayRequest;
class ResponseRelay;

class GatewayConnection final: public EventLoop::Watcher, public Poco::Runnable
	/// One client connection and its requests, one after the other. It lives in an event
	/// loop, which owns it (docs/performance.md, "Serving core"):
	/// - Waiting: the loop reads the next request's head as it comes, without a thread;
	/// - Serving: the request is read and its handler run, on the loop when all of it is
	///   there, else on a worker thread (run());
	/// - WaitingForUpstream: the handler sent a request upstream; the loop waits for the
	///   answer (and watches the client), then a worker resumes the handler;
	/// - Relaying: the loop relays the rest of an upstream's answer (ResponseRelay);
	/// - Lingering: after an answer to a request whose body was not read, the loop discards
	///   what the client still sends for up to 2 s, then closes.
	/// A request that is all there when its head is (most are) is served on the loop, as far
	/// as its handler goes without waiting (GatewayResponse::onLoop()).
	/// Then it waits for the next request, or closes.
	///
	/// Requests are read strictly (HttpHeadParser, BodyFraming: see docs/reliability.md),
	/// and one that breaks the rules gets an error in the OpenAI shape, then the connection
	/// closes (POCO's parser is lenient, and its 400 is empty). Deadlines: the first byte of
	/// a new connection within aiload.server.firstByteTimeout, of a next request within
	/// keepAliveTimeout, and a whole request (head and body) within requestTimeout more
	/// (the worker's part through ClientDeadlines).
{
public:
	GatewayConnection(const Poco::Net::StreamSocket& socket, ConnectionsPerAddress::Ticket ticket, Gateway& gateway, EventLoop& loop);
		/// Without a ticket (its address holds too many connections), open() answers 503
		/// `too_many_connections` and closes.
	~GatewayConnection() override;

	void open();
		/// On the loop's thread, once the loop has adopted it.

	void ready(int slot, unsigned events) override;
	void expired() override;
	void stopping(bool abortCurrent) override;

	void run() override;
		/// On a worker: serves the request whose head the loop has read.

private:
	enum class State
	{
		Waiting,
		Serving,
		WaitingForUpstream,
		Relaying,
		Lingering
	};

	void watchClient(unsigned events);
		/// The client's socket is watched for `events` (one epoll_ctl when they change).
		/// Level-triggered EPOLLIN from a request's arrival through its answer: the socket
		/// is empty then, so it stays quiet, and a client that leaves is seen at once;
		/// `quiet` while a worker reads it, or while it holds a pipelined request.
	static constexpr unsigned quiet = EPOLLONESHOT; /// a hang-up or error is still reported, once
	void waitForRequest(Poco::Timespan idle, Poco::Timespan requestAllowance);
		/// The next request's first byte is due within `idle`, the whole of it within
		/// requestAllowance + aiload.server.requestTimeout.
	void dispatch(ClientSession::Request buffered);
		/// `buffered`: what ClientSession::bufferedRequest() said of it (not BodyComing).
	void served();
	void waitForUpstream();
	void resume(GatewayResponse::Wait wait);
	void startWorker();
	void relayed();
	void finishRequest();
	void close();
	static void refuseAtOnce(Poco::Net::StreamSocket& socket, ApiError::Kind kind, const std::string& message);
		/// Writes an error without waiting (a socket that just came has room) and closes the sending side.

	void serve(bool onLoop);
		/// Reads one request and runs its handler: on the loop when all of it is buffered
		/// (no read waits then), else on a worker.
	void carryOn(const std::function<void()>& step);
		/// Runs a step of the handler; once the handler has done all it does on a thread,
		/// ends the request on this side (sets _keepAlive: the connection can carry another).
	void endRequest();
	bool refuse(ApiError::Kind kind, const std::string& message);
		/// Answers with an error and Connection: close, then lets the client read it; false.
	void lingerBeforeClose();
		/// Lets the client read the answer to a request whose body is left unread: ends the
		/// sending side now; the loop then discards what comes (linger()) and closes.
	void linger();
	void discard();

	Gateway& _gateway;
	EventLoop& _loop;
	ConnectionsPerAddress::Ticket _ticket; /// given back when the connection is gone
	Poco::Net::StreamSocket _socket;
	ClientSession _session;
	const int _fd;
	State _state = State::Waiting;
	bool _registered = false;
	unsigned _clientEvents = 0; /// as registered (watchClient())
	EventLoop::Clock::time_point _idleUntil;
	EventLoop::Clock::time_point _requestDeadline;

	// The request in hand: written by the worker, then by the loop (handed over by post()).
	RequestRecord _record;
	Poco::UInt64 _sentBefore = 0;
	std::unique_ptr<GatewayResponse> _response; /// these three while the handler runs or waits
	std::unique_ptr<GatewayRequest> _request;
	std::unique_ptr<Poco::Net::HTTPRequestHandler> _handler;
	bool _resuming = false;
	GatewayResponse::Wait _resumeWith = GatewayResponse::Wait::Ready;
	int _upstreamFd = -1; /// watched while WaitingForUpstream
	bool _watchClientLater = false; /// while WaitingForUpstream: the client, quiet, is watched from the next sweep on
	EventLoop::Clock::time_point _upstreamDeadline; /// when the wait for the upstream times out
	bool _keepAlive = false;
	std::unique_ptr<ResponseRelay> _relay;

	bool _lingering = false;
	std::size_t _discarded = 0;
	bool _closeAfterRequest = false; /// the gateway stops
	std::atomic<bool> _cut{false}; /// it stops without waiting: read by the worker
};

} // namespace AILoad

#endif

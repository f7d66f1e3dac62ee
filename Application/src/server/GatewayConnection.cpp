#include "GatewayConnection.h"

#include "ErrorResponse.h"
#include "FramingError.h"
#include "Gateway.h"
#include "GatewayRequest.h"
#include "GatewayRequestHandlerFactory.h"
#include "GatewayResponse.h"
#include "RequestId.h"
#include "ResponseRelay.h"
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <cerrno>
#include <sys/epoll.h>
#include <sys/socket.h>

using Poco::Net::HTTPResponse;

namespace AILoad {

namespace {

EventLoop::Clock::duration toDuration(Poco::Timespan span)
{
	return std::chrono::microseconds(span.totalMicroseconds());
}


const std::string& httpDateNow()
{
	// The Date header changes once a second: formatted then, by each thread, not per response.
	thread_local std::time_t second = -1;
	thread_local std::string text;
	const Poco::Timestamp now;
	if (now.epochTime() != second)
	{
		second = now.epochTime();
		text = Poco::DateTimeFormatter::format(now, Poco::DateTimeFormat::HTTP_FORMAT);
	}
	return text;
}

} // namespace


GatewayConnection::GatewayConnection(const Poco::Net::StreamSocket& socket, ConnectionsPerAddress::Ticket ticket, Gateway& gateway, EventLoop& loop):
	_gateway(gateway),
	_loop(loop),
	_ticket(std::move(ticket)),
	_socket(socket),
	_session(socket, gateway.serverParams()),
	_fd(static_cast<int>(socket.impl()->sockfd()))
{
	_gateway.ledger().connectionOpened();
}


GatewayConnection::~GatewayConnection()
{
	_gateway.deadlines().forget(_socket);
	_gateway.ledger().connectionClosed();
}


void GatewayConnection::open()
{
	if (!_ticket)
	{
		refuseAtOnce(_socket, ApiError::TooManyConnections, "Too many connections are open from your address; close idle ones and retry.");
		return close();
	}
	// A connection that sends nothing soon is closed: idle sockets must not pile up.
	waitForRequest(_gateway.settings().firstByteTimeout, 0);
}


void GatewayConnection::waitForRequest(Poco::Timespan idle, Poco::Timespan requestAllowance)
{
	_state = State::Waiting;
	_session.releaseBuffer();
	const EventLoop::Clock::time_point now = EventLoop::Clock::now();
	_idleUntil = now + toDuration(idle);
	_requestDeadline = now + toDuration(requestAllowance + _gateway.settings().requestTimeout);
	if (_session.hasUnread() && _session.headBuffered())
	{
		const ClientSession::Request pipelined = _session.bufferedRequest();
		if (pipelined != ClientSession::Request::BodyComing) return dispatch(pipelined);
	}
	_loop.due(*this, _session.hasUnread() ? _requestDeadline : _idleUntil);
	watchClient(EPOLLIN);
}


void GatewayConnection::watchClient(unsigned events)
{
	if (!_registered)
		_loop.watch(_fd, events, this);
	else if (events != _clientEvents)
		_loop.change(_fd, events, this);
	_registered = true;
	_clientEvents = events;
}


void GatewayConnection::ready(int slot, unsigned events)
{
	if (_state == State::Relaying)
	{
		_relay->ready(slot, events);
		return relayed();
	}
	if (_state == State::Lingering) return discard();
	if (_state == State::WaitingForUpstream)
	{
		if (slot == 1) return resume(GatewayResponse::Wait::Ready);
		// The client: readable while it waits means it left, unless it sent more (pipelining).
		int pending = 0;
		try
		{
			pending = _socket.available();
		}
		catch (Poco::Exception&)
		{
		}
		if (pending <= 0 || (events & (EPOLLHUP | EPOLLERR))) return resume(GatewayResponse::Wait::ClientGone);
		_watchClientLater = false;
		watchClient(quiet); // read after this answer
		return;
	}
	if (_state != State::Waiting) return;
	switch (_session.readAvailable())
	{
	case ClientSession::Intake::Closed:
		return close();
	case ClientSession::Intake::Head:
	{
		const ClientSession::Request buffered = _session.bufferedRequest();
		if (buffered != ClientSession::Request::BodyComing) return dispatch(buffered);
	}
		[[fallthrough]]; // a small body on its way: it comes here, not to a worker
	case ClientSession::Intake::Partial:
		if (_session.hasUnread()) _loop.due(*this, _requestDeadline); // a request has begun: it must be complete in time
		return;
	}
}


void GatewayConnection::expired()
{
	if (_state == State::Relaying)
	{
		_relay->expire();
		return relayed();
	}
	if (_state == State::WaitingForUpstream)
	{
		if (!_watchClientLater || EventLoop::Clock::now() >= _upstreamDeadline) return resume(GatewayResponse::Wait::TimedOut);
		// Still waiting: from now on a client that leaves ends the wait.
		_watchClientLater = false;
		watchClient(EPOLLIN);
		_loop.due(*this, _upstreamDeadline);
		return;
	}
	if (_state == State::Lingering) return close();
	if (_state != State::Waiting) return;
	// Idle too long: close quietly. A request begun and not complete in time: 408.
	if (_session.hasUnread()) refuseAtOnce(_socket, ApiError::RequestTimeout, "The request was not received in time.");
	close();
}


void GatewayConnection::stopping(bool abortCurrent)
{
	switch (_state)
	{
	case State::Waiting:
	case State::Lingering:
		return close();
	case State::Serving:
		_closeAfterRequest = true;
		if (abortCurrent)
		{
			// Every wait of the worker watches the client's socket: shutting its receiving
			// side ends them, and the client can still be told that the gateway stops.
			_cut = true;
			try
			{
				_socket.shutdownReceive();
			}
			catch (Poco::Exception&)
			{
			}
		}
		return;
	case State::WaitingForUpstream:
		_closeAfterRequest = true;
		if (abortCurrent)
		{
			_cut = true;
			resume(GatewayResponse::Wait::ClientGone); // the handler tells the client why
		}
		return;
	case State::Relaying:
		_closeAfterRequest = true;
		if (abortCurrent)
		{
			_relay->cutByShutdown();
			relayed();
		}
		return;
	}
}


void GatewayConnection::dispatch(ClientSession::Request buffered)
{
	_state = State::Serving;
	_loop.due(*this, EventLoop::Clock::time_point::max()); // the worker's deadline is ClientDeadlines'
	_gateway.requestStarted();
	if (buffered == ClientSession::Request::Whole)
	{
		// All of it is here: read it, and run its handler, on the loop, as far as they go
		// without waiting. Most requests are served so, with no thread handing over to another.
		_session.neverWait(true);
		serve(true);
		_session.neverWait(false);
		return served();
	}
	watchClient(quiet); // the worker reads what comes
	try
	{
		_gateway.workers().start(*this);
	}
	catch (Poco::NoThreadAvailableException&)
	{
		_gateway.requestFinished();
		refuseAtOnce(_socket, ApiError::Overloaded, "The gateway is at its connection limit; retry shortly.");
		close();
	}
}


void GatewayConnection::run()
{
	if (_resuming)
	{
		_resuming = false;
		GatewayResponse::Resume resume = _response->takeResume();
		const GatewayResponse::Wait wait = _resumeWith;
		carryOn([&] { resume(wait); });
	}
	else
		serve(false);
	_loop.post([this] { served(); }); // the worker touches the connection no more
}


void GatewayConnection::served()
{
	if (_response && _response->waiting())
	{
		if (_response->waitFd() >= 0) return waitForUpstream();
		// The handler goes on with what may wait, on a worker.
		_resuming = true;
		_resumeWith = GatewayResponse::Wait::Ready;
		_response->setOnLoop(false);
		return startWorker();
	}
	if (!_relay || _relay->done()) return finishRequest();
	_state = State::Relaying;
	_relay->attach(_loop, *this, _clientEvents);
	relayed();
}


void GatewayConnection::waitForUpstream()
{
	_state = State::WaitingForUpstream;
	_upstreamFd = _response->waitFd();
	// One-shot: the upstream connection stays registered, disabled, once its answer came,
	// and the next wait on it re-arms it (one epoll_ctl per wait instead of two).
	_loop.arm(_upstreamFd, EPOLLIN | EPOLLONESHOT, this, 1);
	const EventLoop::Clock::time_point now = EventLoop::Clock::now();
	_upstreamDeadline = now + toDuration(_response->waitTimeout());
	// Still watched since its request came, the client ends the wait if it leaves. Quiet
	// since a worker had it, it is watched again only once the wait has lasted until the
	// loop's next look at its deadlines (docs/reliability.md): most answers come sooner.
	_watchClientLater = _clientEvents != EPOLLIN;
	_loop.due(*this, _watchClientLater ? std::min(_upstreamDeadline, now + std::chrono::milliseconds(1)) : _upstreamDeadline);
}


void GatewayConnection::resume(GatewayResponse::Wait wait)
{
	// Ready: the one-shot registration fired, and is disabled. Else it may still fire.
	if (wait != GatewayResponse::Wait::Ready) _loop.unwatch(_upstreamFd);
	_upstreamFd = -1;
	_watchClientLater = false;
	_state = State::Serving;
	_loop.due(*this, EventLoop::Clock::time_point::max());
	// The handler goes on here, on the loop, up to its next wait (or continues on a worker).
	GatewayResponse::Resume resume = _response->takeResume();
	_response->setOnLoop(true);
	carryOn([&] { resume(wait); });
	served();
}


void GatewayConnection::startWorker()
{
	_loop.due(*this, EventLoop::Clock::time_point::max());
	watchClient(quiet);
	try
	{
		_gateway.workers().start(*this);
	}
	catch (Poco::NoThreadAvailableException&)
	{
		// Every worker is busy: the request cannot go on, and is told so as at its start.
		_resuming = false;
		_response->takeResume();
		carryOn([this] {
			if (!_response->sent()) ErrorResponse::send(*_response, ApiError::Overloaded, "The gateway is at its connection limit; retry shortly.");
		});
		served();
	}
}


void GatewayConnection::relayed()
{
	if (_relay->done()) return finishRequest();
	_loop.due(*this, _relay->deadline());
}


void GatewayConnection::finishRequest()
{
	bool another = _keepAlive;
	if (_relay)
	{
		another = another && _relay->keepAlive();
		_clientEvents = _relay->clientEvents();
		_relay.reset();
	}
	if (_record.status != 0) // else the client closed the connection, or broke it, before a request
	{
		_record.bytesOut = _session.bytesSent() - _sentBefore;
		_record.durationMicros = _record.started.elapsed();
		_gateway.ledger().finished(std::move(_record));
	}
	_gateway.requestFinished();
	if (_lingering) return linger();
	if (!another || _closeAfterRequest) return close();
	waitForRequest(_gateway.settings().keepAliveTimeout, _gateway.settings().keepAliveTimeout);
}


void GatewayConnection::close()
{
	if (_registered) _loop.unwatch(_fd);
	try
	{
		_socket.close();
	}
	catch (Poco::Exception&)
	{
	}
	_loop.release(this); // deletes it
}


void GatewayConnection::refuseAtOnce(Poco::Net::StreamSocket& socket, ApiError::Kind kind, const std::string& message)
{
	const std::string answer = ErrorResponse::raw(kind, message);
	try
	{
		socket.sendBytes(answer.data(), static_cast<int>(answer.size()), MSG_DONTWAIT | MSG_NOSIGNAL);
		socket.shutdownSend();
		// Unread request bytes would turn the close into a reset that can destroy the answer.
		char discard[4096];
		while (socket.available() > 0 && socket.receiveBytes(discard, sizeof(discard), MSG_DONTWAIT) > 0) {}
	}
	catch (Poco::Exception&)
	{
	}
}


void GatewayConnection::serve(bool onLoop)
{
	_record = RequestRecord();
	_sentBefore = _session.bytesSent();
	_keepAlive = false;
	if (!onLoop)
	{
		// A worker reads what has not come yet: within the request's deadline.
		const auto left = std::chrono::duration_cast<std::chrono::microseconds>(_requestDeadline - EventLoop::Clock::now());
		_gateway.deadlines().expectRequest(_socket, Poco::Timespan(std::max<Poco::Timespan::TimeDiff>(0, left.count())));
	}

	Poco::Net::HTTPServerParams::Ptr params = _gateway.serverParams();
	_response = std::make_unique<GatewayResponse>(_session, _record);
	_response->setOnLoop(onLoop);
	try
	{
		const std::string_view head = _session.readHead();
		if (head.empty()) return endRequest(); // the client closed the connection between requests
		// The request deadline ends when the body is in (ClientDeadlines), at once without one.
		std::function<void()> bodyRead;
		if (!onLoop) bodyRead = [this] { _gateway.deadlines().requestRead(_socket); };
		_request = std::make_unique<GatewayRequest>(_session, *_response, params, head, std::move(bodyRead));
		_response->answers(*_request);
		_record.bytesIn = head.size();
	}
	catch (FramingError& error)
	{
		endRequest();
		if (_cut) return; // cut off by a shutdown, not malformed
		// Whatever follows a head that breaks the rules cannot be trusted to be a next
		// request: answer, then close.
		if (error.status() == HTTPResponse::HTTP_VERSION_NOT_SUPPORTED)
			return (void) refuse(ApiError::HttpVersionNotSupported, "The gateway speaks HTTP/1.1 and HTTP/1.0.");
		if (error.status() == HTTPResponse::HTTP_NOT_IMPLEMENTED)
			return (void) refuse(ApiError::UnsupportedTransferEncoding, "The request's Transfer-Encoding is not supported: only \"chunked\" is.");
		return (void) refuse(ApiError::InvalidHttp, "The request is not valid HTTP/1.1: " + error.message() + ".");
	}
	catch (Poco::Exception&)
	{
		return endRequest(); // the connection failed or timed out while the head came in
	}

	GatewayRequest& request = *_request;
	GatewayResponse& response = *_response;
	_record.method = request.getMethod();
	_record.path = request.getURI().substr(0, request.getURI().find('?')); // a query may hold a key: never logged
	_record.address = request.clientHost();
	_record.requestId = RequestId::accept(request.get("X-Request-Id", ""));
	response.set("X-Request-Id", _record.requestId);
	response.set("Date", httpDateNow());
	response.setVersion(request.getVersion());
	response.setKeepAlive(params->getKeepAlive() && request.getKeepAlive());
	if (!params->getSoftwareVersion().empty()) response.set("Server", params->getSoftwareVersion());
	carryOn([&] {
		_handler.reset(_gateway.handlers().createRequestHandler(request));
		if (onLoop && !GatewayRequestHandlerFactory::runsWithoutWaiting(*_handler))
			return response.continueOnWorker([this](GatewayResponse::Wait) { _handler->handleRequest(*_request, *_response); });
		_handler->handleRequest(request, response);
	});
}


void GatewayConnection::carryOn(const std::function<void()>& step)
{
	GatewayRequest& request = *_request;
	GatewayResponse& response = *_response;
	try
	{
		step();
		if (response.waiting()) return; // the loop waits for the upstream, then resumes the handler
		_relay = response.takeRelay();
	}
	catch (Poco::Exception& exc)
	{
		// The handlers answer every failure they expect; what reaches here is a client
		// connection that broke, or a fault of the gateway's.
		static Poco::Logger& logger = Poco::Logger::get("AILoad.Connection");
		logger.warning("request %s %s failed: %s", request.getMethod(), request.getURI(), exc.displayText());
		const bool sent = response.sent();
		_record.status = response.getStatus();
		response.takeResume();
		endRequest();
		if (!sent) refuse(ApiError::InternalError, "The gateway failed to handle the request.");
		return;
	}
	// A client that left before any answer: nginx's 499.
	_record.status = response.sent() ? response.getStatus() : 499;
	_record.bytesIn += request.bodyBytesRead();
	if (request.bodyComplete())
		_keepAlive = response.getKeepAlive(); // a handler may have cleared it
	else if (!request.getExpectContinue())
		lingerBeforeClose(); // a body left unread would be taken for the next request: close
	// (A client that asked for 100-continue and did not get it sends nothing more.)
	endRequest();
}


void GatewayConnection::endRequest()
{
	// In this order: the handler uses the request and the response, the request the response.
	_handler.reset();
	_request.reset();
	_response.reset();
}


void GatewayConnection::lingerBeforeClose()
{
	// Closing with unread bytes in the receive queue makes the kernel send a reset, which can
	// destroy the answer before the client has read it. So end the sending side and let the
	// loop discard what still comes, for a bounded time and amount (nginx's lingering close).
	try
	{
		_socket.shutdownSend();
	}
	catch (Poco::Exception&)
	{
	}
	_lingering = true;
}


void GatewayConnection::linger()
{
	_state = State::Lingering;
	_discarded = 0;
	_loop.due(*this, EventLoop::Clock::now() + std::chrono::seconds(2));
	watchClient(EPOLLIN);
}


void GatewayConnection::discard()
{
	char buffer[16384];
	for (;;)
	{
		const ssize_t n = ::recv(_fd, buffer, sizeof(buffer), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
		if (n <= 0 || (_discarded += static_cast<std::size_t>(n)) > 4 * 1024 * 1024) return close();
	}
}


bool GatewayConnection::refuse(ApiError::Kind kind, const std::string& message)
{
	_record.status = ApiError::status(kind);
	if (_record.requestId.empty()) _record.requestId = RequestId::generate();
	// A response of its own: the one being built may point to a request that failed to construct.
	try
	{
		GatewayResponse response(_session, _record);
		response.set("X-Request-Id", _record.requestId);
		response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
		response.setKeepAlive(false);
		ErrorResponse::send(response, kind, message);
	}
	catch (Poco::Exception&)
	{
		return false;
	}
	lingerBeforeClose(); // what follows the refused head is never read
	return false;
}

} // namespace AILoad

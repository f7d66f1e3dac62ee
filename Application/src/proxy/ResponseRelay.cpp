#include "ResponseRelay.h"

#include "ErrorResponse.h"
#include "HeaderForwarding.h"
#include "Observing.h"
#include <Poco/Ascii.h>
#include <Poco/String.h>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

namespace AILoad {

namespace {

EventLoop::Clock::duration toDuration(Poco::Timespan span)
{
	return std::chrono::microseconds(span.totalMicroseconds());
}

} // namespace


ResponseRelay::ResponseRelay(std::unique_ptr<UpstreamSession> upstream, ClientSession& client, Poco::Timespan readTimeout, Poco::Timespan sendTimeout):
	_upstream(std::move(upstream)),
	_client(client),
	_clientFd(static_cast<int>(client.socket().impl()->sockfd())),
	_readTimeout(readTimeout),
	_sendTimeout(sendTimeout),
	_upstreamActive(EventLoop::Clock::now())
{
}


ResponseRelay::~ResponseRelay()
{
	if (_upstream) giveUpstreamBack(false);
}


void ResponseRelay::startWith(std::string bytes)
{
	_start = std::move(bytes);
}


void ResponseRelay::nameErrorsWith(const std::string& requestId)
{
	_requestId = requestId;
}


void ResponseRelay::removeUnaskedUsage()
{
	_removeUnaskedUsage = true;
	_events.removeInjectedUsage();
}


void ResponseRelay::whenUpstreamDone(UpstreamDone done)
{
	_upstreamDone = std::move(done);
}


void ResponseRelay::whenFinished(Finished finished)
{
	_finished = std::move(finished);
}


ResponseRelay::Step ResponseRelay::begin(const Poco::Net::HTTPResponse& upstreamResponse, GatewayResponse& response, const UpstreamConfig& upstreamConfig)
{
	_upstreamName = upstreamConfig.name;
	_upstreamKeepAlive = upstreamResponse.getKeepAlive();
	response.setStatusAndReason(upstreamResponse.getStatus(), upstreamResponse.getReason());
	// The answer's fields, then the gateway's, as text: the head is taken below (takeHead()),
	// and nothing reads them from the response's header map.
	std::string moreFields;
	HeaderForwarding::writeResponseFields(upstreamResponse, response, moreFields);
	moreFields.append("X-Model: ").append(upstreamConfig.model).append("\r\nX-AILoad-Upstream: ").append(upstreamConfig.name).append("\r\n");
	const std::string& contentType = upstreamResponse.getContentType();
	_eventStream = Poco::icompare(contentType, 0, 17, "text/event-stream") == 0;
	static constexpr std::string_view json = "json";
	_jsonBody = observing && !_eventStream
		&& std::search(contentType.begin(), contentType.end(), json.begin(), json.end(), [](char a, char b) { return Poco::Ascii::toLower(a) == b; }) != contentType.end();
	// Events that lose what the gateway's include_usage added are shorter than the upstream
	// said: its Content-Length cannot be passed on.
	const bool fixedLength = upstreamResponse.hasContentLength() && !upstreamResponse.getChunkedTransferEncoding()
		&& !(_eventStream && _removeUnaskedUsage);
	if (fixedLength) moreFields.append("Content-Length: ").append(std::to_string(upstreamResponse.getContentLength64())).append("\r\n");
	_chunked = !fixedLength && response.getVersion() == Poco::Net::HTTPMessage::HTTP_1_1;
	if (_chunked) response.setChunkedTransferEncoding(true);
	else if (!fixedLength)
		response.setKeepAlive(false); // an HTTP/1.0 client reads to the end of the connection
	_keepAlive = response.getKeepAlive();
	// The head waits in the queue for the first piece of the body: one write, not two. A
	// stream's head goes alone as soon as the upstream makes the relay wait (step()).
	_out = response.takeHead(moreFields);
	if (!_start.empty())
	{
		// What was read before the head went out (FirstEvent) goes first.
		const std::string start = std::move(_start);
		emit(observing && _eventStream ? _events.pass(start.data(), start.size()) : std::string_view(start));
		if (_done) return Step::Done;
	}
	return pump();
}


ResponseRelay::Step ResponseRelay::pump()
{
	if (_done) return Step::Done;
	const Step next = step();
	if (_loop && !_done)
	{
		// The client's socket is watched for writability only while bytes wait for it
		// (level-triggered: otherwise the loop would spin), and for readability (a client
		// that leaves) until it sends more.
		const unsigned events = (_watchingClient ? EPOLLIN : 0u) | (_out.empty() ? 0u : EPOLLOUT);
		if (events != _clientEvents)
		{
			_loop->change(_clientFd, events, _watcher, 0);
			_clientEvents = events;
		}
		// Nor is the upstream's socket watched while the client has not taken what came
		// before: its bytes stay unread, and level-triggered readiness would spin the loop.
		// (One-shot: a hang-up is reported even for no events, once.)
		const unsigned upstreamEvents = next == Step::WaitClient ? EPOLLONESHOT : EPOLLIN;
		if (_upstream && upstreamEvents != _upstreamEvents)
		{
			_loop->change(_upstream->fd(), upstreamEvents, _watcher, 1);
			_upstreamEvents = upstreamEvents;
		}
	}
	return next;
}


ResponseRelay::Step ResponseRelay::step()
{
	char buffer[16384];
	for (;;)
	{
		if (_clientFailed) return clientGone();
		// Bytes the client could not take hold the upstream back: nothing is read that
		// cannot be sent.
		if (stalled() && !send()) return Step::WaitClient;
		if (_cutAfterFlush || !_upstream)
		{
			if (!send()) return _clientFailed ? clientGone() : Step::WaitClient;
			if (!_cutAfterFlush) return finish(Outcome::Complete);
			try
			{
				// Cut: the client sees a truncated body, not a finished one.
				_client.socket().shutdown();
			}
			catch (Poco::Exception&)
			{
			}
			return finish(_outcome);
		}

		const int n = _upstream->readBody(buffer, sizeof(buffer));
		if (n == UpstreamSession::NEED_MORE)
		{
			// A stream's head, or what else waits to be coalesced, goes now.
			if (!send()) return _clientFailed ? clientGone() : Step::WaitClient;
			return Step::WaitUpstream;
		}
		_upstreamActive = EventLoop::Clock::now();
		if (n == 0 && !_upstream->bodyComplete())
		{
			if (_upstream->timedOut())
				breakOff(Outcome::UpstreamTimedOut, ApiError::UpstreamTimeout, "upstream " + _upstreamName + " sent nothing for too long");
			else
				breakOff(Outcome::UpstreamBroke, ApiError::UpstreamDisconnected,
					"upstream " + _upstreamName + (_upstream->malformed() ? " sent a malformed body" : " broke off the response"));
			continue;
		}
		// What goes to the client: the piece itself, unless the filter removes usage from it.
		std::string_view piece(buffer, static_cast<std::size_t>(n));
		if (observing && _eventStream) piece = _events.pass(piece.data(), piece.size());
		if (!_upstream->bodyComplete())
		{
			if (_jsonBody) _json.take(piece.data(), piece.size());
			emit(piece);
			continue;
		}
		// The last piece: the upstream is done before the client has it all, so its
		// connection can be back in the pool before the client's next request comes.
		giveUpstreamBack(true);
		if (_jsonBody) _json.end(piece);
		queue(piece);
		queue(_events.finish()); // after the piece: it may be in the same buffer
		if (_chunked) _out += "0\r\n\r\n";
	}
}


void ResponseRelay::queue(std::string_view piece)
{
	if (piece.empty()) return;
	if (_chunked)
	{
		char size[24];
		const int length = std::snprintf(size, sizeof(size), "%zx\r\n", piece.size());
		_out.append(size, static_cast<std::size_t>(length));
	}
	_out.append(piece.data(), piece.size());
	if (_chunked) _out += "\r\n";
}


void ResponseRelay::emit(std::string_view piece)
{
	if (piece.empty()) return; // all held back, until its event is complete
	if (!_out.empty() || _clientFailed)
	{
		// Behind bytes that wait: in order, after them.
		queue(piece);
		return;
	}
	// The usual case: written straight from the read buffer, framing and all, in one call.
	char size[24];
	const std::string_view prefix = _chunked
		? std::string_view(size, static_cast<std::size_t>(std::snprintf(size, sizeof(size), "%zx\r\n", piece.size())))
		: std::string_view();
	write({prefix, piece, _chunked ? std::string_view("\r\n") : std::string_view()});
}


bool ResponseRelay::send()
{
	if (_out.empty()) return true;
	write({});
	return _out.empty() && !_clientFailed;
}


bool ResponseRelay::stalled() const
{
	return _clientStalled != EventLoop::Clock::time_point();
}


void ResponseRelay::write(std::initializer_list<std::string_view> after)
{
	iovec parts[4];
	int count = 0;
	std::size_t total = 0;
	const auto add = [&](std::string_view part) {
		if (part.empty()) return;
		parts[count].iov_base = const_cast<char*>(part.data());
		parts[count].iov_len = part.size();
		total += part.size();
		++count;
	};
	add(_out);
	for (std::string_view part : after) add(part);
	if (count == 0) return;
	msghdr message{};
	message.msg_iov = parts;
	message.msg_iovlen = static_cast<std::size_t>(count);
	ssize_t sent;
	do sent = ::sendmsg(_clientFd, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
	{
		if (errno != EAGAIN && errno != EWOULDBLOCK)
		{
			_out.clear();
			_clientFailed = true;
			return;
		}
		sent = 0;
	}
	_client.countSent(static_cast<std::size_t>(sent));
	if (static_cast<std::size_t>(sent) == total)
	{
		_out.clear();
		_clientStalled = EventLoop::Clock::time_point();
		return;
	}
	// Keep what is left, in order, and wait until the client takes it.
	std::string rest;
	rest.reserve(total - static_cast<std::size_t>(sent));
	std::size_t skip = static_cast<std::size_t>(sent);
	for (int i = 0; i < count; ++i)
	{
		const std::size_t length = parts[i].iov_len;
		if (skip >= length)
		{
			skip -= length;
			continue;
		}
		rest.append(static_cast<const char*>(parts[i].iov_base) + skip, length - skip);
		skip = 0;
	}
	_out.swap(rest);
	if (!stalled()) _clientStalled = EventLoop::Clock::now();
}


void ResponseRelay::giveUpstreamBack(bool reusable)
{
	if (!_upstream) return;
	if (_loop) _loop->unwatch(_upstream->fd());
	_upstream->setNonBlocking(false);
	if (reusable && _upstreamDone) _upstreamDone(std::move(_upstream), _upstreamKeepAlive);
	_upstream.reset();
}


void ResponseRelay::breakOff(Outcome outcome, ApiError::Kind kind, const std::string& message)
{
	giveUpstreamBack(false);
	_outcome = outcome;
	_keepAlive = false;
	// An incomplete event held back goes out as it came, as it would have without the filter.
	emit(_events.finish());
	if (_eventStream) emit("data: " + ErrorResponse::body(kind, message, _requestId) + "\n\n");
	_cutAfterFlush = true;
}


ResponseRelay::Step ResponseRelay::clientGone()
{
	// A client that stopped reading or left gets no chunked terminator and no next request.
	_keepAlive = false;
	giveUpstreamBack(false);
	try
	{
		_client.socket().shutdown();
	}
	catch (Poco::Exception&)
	{
	}
	return finish(_cutAfterFlush ? _outcome : Outcome::ClientGone); // a broken-off answer stays what it was
}


ResponseRelay::Step ResponseRelay::finish(Outcome outcome)
{
	if (_done) return Step::Done;
	_done = true;
	_outcome = outcome;
	giveUpstreamBack(false);
	if (_finished) _finished(outcome, _eventStream ? _events.usage() : _json.usage());
	return Step::Done;
}


bool ResponseRelay::done() const
{
	return _done;
}


bool ResponseRelay::keepAlive() const
{
	return _keepAlive;
}


void ResponseRelay::attach(EventLoop& loop, EventLoop::Watcher& watcher, unsigned clientEvents)
{
	_loop = &loop;
	_watcher = &watcher;
	// Still registered, disabled, from the wait for its head (GatewayConnection).
	if (_upstream) _loop->arm(_upstream->fd(), EPOLLIN, _watcher, 1);
	_upstreamEvents = EPOLLIN;
	_clientEvents = clientEvents;
	pump();
}


unsigned ResponseRelay::clientEvents() const
{
	return _clientEvents;
}


ResponseRelay::Step ResponseRelay::ready(int slot, unsigned events)
{
	if (_done) return Step::Done;
	if (slot == 1 && _upstream) _upstream->readable();
	if (slot == 0 && (events & (EPOLLHUP | EPOLLERR))) return clientGone(); // reported whether asked for or not
	if (slot == 0 && (events & EPOLLIN) && _watchingClient)
	{
		// Readable while it waits for an answer: closed, failed, or it sent more.
		int pending = 0;
		try
		{
			pending = _client.socket().available();
		}
		catch (Poco::Exception&)
		{
		}
		if (pending <= 0) return clientGone();
		_watchingClient = false; // pipelined bytes: read after this answer
	}
	return pump();
}


EventLoop::Clock::time_point ResponseRelay::deadline() const
{
	if (_done) return EventLoop::Clock::time_point::max();
	if (stalled()) return _clientStalled + toDuration(_sendTimeout);
	if (_upstream) return _upstreamActive + toDuration(_readTimeout);
	return EventLoop::Clock::time_point::max();
}


ResponseRelay::Step ResponseRelay::expire()
{
	if (_done) return Step::Done;
	if (stalled()) return clientGone(); // it stopped reading
	if (_upstream)
		breakOff(Outcome::UpstreamTimedOut, ApiError::UpstreamTimeout, "upstream " + _upstreamName + " sent nothing for too long");
	return pump();
}


ResponseRelay::Step ResponseRelay::cutByShutdown()
{
	if (_done) return Step::Done;
	breakOff(Outcome::ClientGone, ApiError::ShuttingDown, "The gateway is shutting down.");
	const Step next = pump();
	// Told if it takes it now; the gateway does not wait for a slow reader.
	return next == Step::Done ? next : clientGone();
}

} // namespace AILoad

#include "UpstreamSession.h"

#include "FramingError.h"
#include "HttpHeadParser.h"
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Timestamp.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <poll.h>

using Poco::Net::HTTPResponse;

namespace AILoad {

namespace {

Poco::Net::StreamSocket makeSocket(Poco::Net::Context::Ptr tls)
{
	if (tls) return Poco::Net::SecureStreamSocket(tls);
	return Poco::Net::StreamSocket();
}

} // namespace


UpstreamSession::UpstreamSession(const Poco::URI& apiBase, Poco::Net::Context::Ptr tls):
	HTTPClientSession(makeSocket(tls)),
	_tls(tls)
{
	setHost(apiBase.getHost());
	setPort(apiBase.getPort());
}


bool UpstreamSession::secure() const
{
	return static_cast<bool>(_tls);
}


void UpstreamSession::connect(const Poco::Net::SocketAddress& address)
{
	if (!_tls)
	{
		HTTPClientSession::connect(address);
		return;
	}
	// SNI and the certificate's host name check use the configured host, not the address.
	Poco::Net::SecureStreamSocket secureSocket(socket());
	secureSocket.setPeerHostName(getHost());
	if (_tlsSession) secureSocket.useSession(_tlsSession); // resumption saves a round trip
	HTTPClientSession::connect(address);
	_resumedTls = secureSocket.sessionWasReused();
}


bool UpstreamSession::reusable(bool answerKeepsAlive) const
{
	return _complete && _inPos == _inEnd && _framing.kind != BodyFraming::Kind::UntilClose && answerKeepsAlive && getKeepAlive() && connected();
}


bool UpstreamSession::reused() const
{
	return _reused;
}


void UpstreamSession::markReused()
{
	_reused = true;
}


void UpstreamSession::useTlsSession(Poco::Net::Session::Ptr session)
{
	_tlsSession = session;
}


Poco::Net::Session::Ptr UpstreamSession::tlsSession()
{
	// Asked late on purpose: a TLS 1.3 server sends its session ticket after the handshake.
	if (_tls && connected()) return Poco::Net::SecureStreamSocket(socket()).currentSession();
	return _tlsSession;
}


bool UpstreamSession::resumedTls() const
{
	return _resumedTls;
}


UpstreamSession::Wait UpstreamSession::waitForData(Poco::Timespan timeout, ClientWatch& client)
{
	if (hasBufferedBytes()) return Wait::Ready;

	const Poco::Timestamp start;
	for (;;)
	{
		const Poco::Timespan left = timeout - start.elapsed();
		if (left <= 0) return Wait::TimedOut;
		pollfd fds[2] = {
			{static_cast<int>(socket().impl()->sockfd()), POLLIN, 0},
			{client.fd(), POLLIN | POLLRDHUP, 0},
		};
		const int rc = ::poll(fds, fds[1].fd < 0 ? 1 : 2, static_cast<int>((left.totalMicroseconds() + 999) / 1000));
		if (rc < 0 && errno == EINTR) continue;
		if (rc < 0)
		{
			_mayHaveMore = true;
			return Wait::Ready; // let the read report the error
		}
		if (fds[0].revents)
		{
			_mayHaveMore = true;
			return Wait::Ready;
		}
		if (fds[1].revents && client.readableMeansGone()) return Wait::ClientGone;
	}
}


std::string UpstreamSession::headOf(std::string_view requestLineAndFields, bool hostSet) const
{
	std::string head;
	head.reserve(requestLineAndFields.size() + 64);
	const std::size_t fields = requestLineAndFields.find("\r\n") + 2;
	head.append(requestLineAndFields.substr(0, fields));
	if (!hostSet)
	{
		// As POCO writes it: an IPv6 address in brackets, the port unless it is 80 or 443.
		const std::string& host = getHost();
		head.append("Host: ");
		if (host.find(':') != std::string::npos) head.append(1, '[').append(host).append(1, ']');
		else
			head.append(host);
		if (getPort() != 80 && getPort() != 443) head.append(1, ':').append(std::to_string(getPort()));
		head.append("\r\n");
	}
	head.append(requestLineAndFields.substr(fields)).append("\r\n");
	return head;
}


void UpstreamSession::send(std::string_view message, bool keepAlive)
{
	if (!connected()) reconnect();
	setKeepAlive(keepAlive);
	while (!message.empty())
	{
		const int n = socket().sendBytes(message.data(), static_cast<int>(std::min<std::size_t>(message.size(), 1 << 30)));
		if (n <= 0) throw Poco::Net::ConnectionResetException("the upstream connection failed while the request was sent");
		message.remove_prefix(static_cast<std::size_t>(n));
	}
}


bool UpstreamSession::receiveHead(HTTPResponse& response)
{
	for (;;)
	{
		// The head is found in the buffer; when it is not all there, one read (a blocking TLS
		// socket would wait on a second), and without the rest the call ends, nothing consumed.
		HttpHeadParser::Found found = HttpHeadParser::findHead(std::string_view(_in.get() + _inPos, static_cast<std::size_t>(_inEnd - _inPos)), false);
		if (!found.complete)
		{
			const int n = fill();
			if (n == NEED_MORE) return false;
			if (n == 0) endedBeforeHead();
			found = HttpHeadParser::findHead(std::string_view(_in.get() + _inPos, static_cast<std::size_t>(_inEnd - _inPos)), false);
			if (!found.complete) return false;
		}
		const std::string_view head(_in.get() + _inPos, found.end);
		_inPos += static_cast<int>(found.end);
		response.clear();
		HttpHeadParser::parseResponse(head, response);
		const int status = response.getStatus();
		if (status == HTTPResponse::HTTP_SWITCHING_PROTOCOLS) throw FramingError("101 Switching Protocols to a request that asked for no upgrade", 502);
		if (status >= 200) break;
	}
	_framing = BodyFraming::ofResponse(response);
	_remaining = _framing.length;
	_chunks = ChunkedBodyDecoder();
	_timedOut = false;
	_malformed = false;
	_complete = _framing.kind == BodyFraming::Kind::None || (_framing.kind == BodyFraming::Kind::Length && _remaining == 0);
	_ended = _complete;
	return true;
}


void UpstreamSession::endedBeforeHead() const
{
	// What the upstream sent is all there will be: HttpHeadParser::readHead() over it says
	// why it is no head (it cannot find one where findHead() did not).
	const std::string_view rest(_in.get() + _inPos, static_cast<std::size_t>(_inEnd - _inPos));
	std::size_t offset = 0;
	HttpHeadParser::readHead([&]() -> int { return offset < rest.size() ? static_cast<unsigned char>(rest[offset++]) : std::char_traits<char>::eof(); }, false);
	throw Poco::Net::NoMessageException("the upstream closed the connection without an answer");
}


void UpstreamSession::receiveHeadWithin(HTTPResponse& response, Poco::Timespan timeout)
{
	ClientWatch nobody{Poco::Net::StreamSocket()};
	const Poco::Timestamp start;
	while (!receiveHead(response))
		if (waitForData(timeout - start.elapsed(), nobody) != Wait::Ready) throw Poco::TimeoutException("no answer");
}


int UpstreamSession::readBody(char* buffer, int size)
{
	if (_ended) return 0;
	if (_complete) return end(true);
	try
	{
		// At most one read from the socket per call: the caller calls again for more, and on
		// a blocking TLS socket a second read would wait.
		bool mayRead = true;
		const auto haveBytes = [&]() -> int {
			if (_inPos < _inEnd) return 1;
			if (!mayRead) return NEED_MORE;
			mayRead = false;
			return fill();
		};
		if (_framing.kind == BodyFraming::Kind::Chunked)
		{
			while (!_chunks.inData())
			{
				if (_chunks.done()) return end(true);
				const int have = haveBytes();
				if (have == NEED_MORE) return NEED_MORE;
				if (have == 0) return end(false);
				_chunks.feed(_in[_inPos++]);
			}
			const int have = haveBytes();
			if (have == NEED_MORE) return NEED_MORE;
			if (have == 0) return end(false);
			const int n = static_cast<int>(std::min<Poco::UInt64>({_chunks.dataLeft(), static_cast<Poco::UInt64>(size), static_cast<Poco::UInt64>(_inEnd - _inPos)}));
			std::memcpy(buffer, _in.get() + _inPos, static_cast<std::size_t>(n));
			_inPos += n;
			_chunks.dataRead(static_cast<std::size_t>(n));
			// Take the framing after this piece if it is already here: it may say the body is
			// complete, and then the connection can go back to the pool before the client
			// has the last piece.
			while (!_chunks.inData() && !_chunks.done() && _inPos < _inEnd) _chunks.feed(_in[_inPos++]);
			_complete = _chunks.done();
			return n;
		}
		const bool bounded = _framing.kind == BodyFraming::Kind::Length;
		const int have = haveBytes();
		if (have == NEED_MORE) return NEED_MORE;
		if (have == 0) return end(!bounded); // the end of an until-close body is its only end
		Poco::UInt64 n = std::min<Poco::UInt64>(static_cast<Poco::UInt64>(size), static_cast<Poco::UInt64>(_inEnd - _inPos));
		if (bounded) n = std::min(n, _remaining);
		std::memcpy(buffer, _in.get() + _inPos, static_cast<std::size_t>(n));
		_inPos += static_cast<int>(n);
		if (bounded && (_remaining -= n) == 0) _complete = true;
		return static_cast<int>(n);
	}
	catch (FramingError&)
	{
		_malformed = true;
		return end(false);
	}
	catch (Poco::TimeoutException&)
	{
		_timedOut = true;
		return end(false);
	}
	catch (Poco::Exception&)
	{
		return end(false); // reset mid-body: a broken end
	}
}


int UpstreamSession::fill()
{
	// Room at the end: what was handed out goes, and the buffer grows for a head longer
	// than one read.
	if (_inPos == _inEnd)
		_inPos = _inEnd = 0;
	else if (_inEnd == _inCapacity && _inPos > 0)
	{
		std::memmove(_in.get(), _in.get() + _inPos, static_cast<std::size_t>(_inEnd - _inPos));
		_inEnd -= _inPos;
		_inPos = 0;
	}
	if (_inEnd == _inCapacity)
	{
		const int capacity = _inCapacity == 0 ? inputSize : 2 * _inCapacity;
		if (capacity > maximumBuffer) throw FramingError("the answer's head is too large", 502);
		std::unique_ptr<char[]> larger(new char[static_cast<std::size_t>(capacity)]);
		if (_inEnd > 0) std::memcpy(larger.get(), _in.get(), static_cast<std::size_t>(_inEnd));
		_in = std::move(larger);
		_inCapacity = capacity;
	}
	char* const into = _in.get() + _inEnd;
	const int room = std::min(inputSize, _inCapacity - _inEnd);
	int n;
	if (buffered() > 0)
		n = read(into, room); // what POCO's buffer may hold
	else if (_tls)
	{
		// Non-blocking (see setNonBlocking()): OpenSSL's "want read/write" comes back as
		// a negative count.
		n = socket().impl()->receiveBytes(into, room);
		if (n < 0) return NEED_MORE;
	}
	else
	{
		// A read that got less than it asked for emptied the socket: until it is readable
		// again, asking once more would only return EAGAIN (nginx saves that call too).
		if (!_mayHaveMore) return NEED_MORE;
		do n = static_cast<int>(::recv(static_cast<int>(socket().impl()->sockfd()), into, static_cast<std::size_t>(room), MSG_DONTWAIT));
		while (n < 0 && errno == EINTR);
		if (n < 0)
		{
			if (errno == EAGAIN || errno == EWOULDBLOCK)
			{
				_mayHaveMore = false;
				return NEED_MORE;
			}
			throw Poco::Net::ConnectionResetException("the upstream connection failed");
		}
		_mayHaveMore = n == room;
	}
	n = std::max(n, 0);
	_inEnd += n;
	return n;
}


void UpstreamSession::readable()
{
	_mayHaveMore = true;
}


void UpstreamSession::setNonBlocking(bool nonBlocking)
{
	// Only TLS needs it: plain reads pass MSG_DONTWAIT.
	if (_tls && connected()) socket().setBlocking(!nonBlocking);
}


int UpstreamSession::fd()
{
	return static_cast<int>(socket().impl()->sockfd());
}


int UpstreamSession::end(bool complete)
{
	_ended = true;
	_complete = complete;
	return 0;
}


bool UpstreamSession::hasBufferedBytes()
{
	return _inPos < _inEnd || buffered() > 0 || (_tls && socket().available() > 0); // for TLS: bytes OpenSSL already decrypted
}


bool UpstreamSession::bodyComplete() const
{
	return _complete;
}


bool UpstreamSession::malformed() const
{
	return _malformed;
}


bool UpstreamSession::timedOut() const
{
	return _timedOut;
}


} // namespace AILoad

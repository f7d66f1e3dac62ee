#include "UpstreamSession.h"

#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/NumberParser.h>
#include <Poco/Timestamp.h>
#include <cctype>
#include <cerrno>
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
	if (_tlsSession) secureSocket.useSession(_tlsSession);  // resumption saves a round trip
	HTTPClientSession::connect(address);
	_resumedTls = secureSocket.sessionWasReused();
}


bool UpstreamSession::reusable(const HTTPResponse& response) const
{
	return _complete && _framing != Framing::UntilClose && response.getKeepAlive() && getKeepAlive() && connected();
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
	if (buffered() > 0) return Wait::Ready;
	if (_tls && socket().available() > 0) return Wait::Ready;  // bytes already decrypted by OpenSSL

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
		if (rc < 0) return Wait::Ready;  // let the read report the error
		if (fds[0].revents) return Wait::Ready;
		if (fds[1].revents && client.readableMeansGone()) return Wait::ClientGone;
	}
}


void UpstreamSession::beginBody(const HTTPResponse& response)
{
	_complete = false;
	_ended = false;
	_timedOut = false;
	const int status = response.getStatus();
	if (status == HTTPResponse::HTTP_NO_CONTENT || status == HTTPResponse::HTTP_NOT_MODIFIED || status < 200)
		_framing = Framing::None;
	else if (response.getChunkedTransferEncoding())
		_framing = Framing::Chunked;
	else if (response.hasContentLength())
		_framing = Framing::Length;
	else
		_framing = Framing::UntilClose;
	_remaining = _framing == Framing::Length ? response.getContentLength64() : 0;
	if (_framing == Framing::None || (_framing == Framing::Length && _remaining == 0))
	{
		_ended = true;
		_complete = true;
	}
}


int UpstreamSession::readBody(char* buffer, int size)
{
	if (_ended) return 0;
	try
	{
		if (_framing == Framing::Chunked && _remaining == 0)
		{
			// The CRLF that ends the previous chunk often arrives alone. Once it is consumed,
			// return rather than block, so that the wait for the next chunk goes through
			// waitForData() (which also watches the client). The first peek() may read from
			// the socket: the caller only calls after waitForData() said bytes are there.
			for (int c = peek(); c == '\r' || c == '\n'; c = peek())
			{
				get();
				if (buffered() == 0 && !(_tls && socket().available() > 0)) return NEED_MORE;
			}
			if (!readChunkHeader()) { _ended = true; return 0; }
			if (_remaining == 0)
			{
				// Last chunk: skip any trailers up to the empty line.
				while (peek() != '\r' && peek() != '\n' && peek() != std::char_traits<char>::eof())
				{
					if (!skipLine()) { _ended = true; return 0; }
				}
				_complete = skipLine();
				_ended = true;
				return 0;
			}
		}
		int wanted = size;
		if (_framing != Framing::UntilClose && _remaining < wanted) wanted = static_cast<int>(_remaining);
		const int n = read(buffer, wanted);
		if (n <= 0)
		{
			_ended = true;
			_complete = _framing == Framing::UntilClose;
			return 0;
		}
		if (_framing != Framing::UntilClose) _remaining -= n;
		if (_framing == Framing::Length && _remaining == 0)
		{
			_ended = true;
			_complete = true;
		}
		// The CRLF after a chunk's data is skipped by the next readChunkHeader(), so that
		// a piece is handed on without waiting for bytes that may still be in flight.
		return n;
	}
	catch (Poco::TimeoutException&)
	{
		_ended = true;
		_timedOut = true;
		return 0;
	}
	catch (Poco::Exception&)
	{
		_ended = true;  // reset mid-body: a broken end
		return 0;
	}
}


bool UpstreamSession::bodyComplete() const
{
	return _complete;
}


bool UpstreamSession::timedOut() const
{
	return _timedOut;
}


bool UpstreamSession::readChunkHeader()
{
	std::string size;
	int c = get();
	while (c == '\r' || c == '\n') c = get();
	while (c != std::char_traits<char>::eof() && std::isxdigit(c) && size.size() < 16)
	{
		size += static_cast<char>(c);
		c = get();
	}
	while (c != std::char_traits<char>::eof() && c != '\n') c = get();  // chunk extensions
	Poco::UInt64 length = 0;
	if (c == std::char_traits<char>::eof() || !Poco::NumberParser::tryParseHex64(size, length)) return false;
	_remaining = static_cast<Poco::Int64>(length);
	return true;
}


bool UpstreamSession::skipLine()
{
	int c = get();
	while (c != std::char_traits<char>::eof() && c != '\n') c = get();
	return c == '\n';
}

} // namespace AILoad

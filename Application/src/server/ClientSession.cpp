#include "ClientSession.h"

#include "ClientAddress.h"
#include "HttpHeadParser.h"
#include <algorithm>
#include <Poco/Ascii.h>
#include <cctype>
#include <string_view>
#include <cerrno>
#include <cstring>
#include <sys/socket.h>

namespace AILoad {

ClientSession::Intake ClientSession::readAvailable()
{
	thread_local char buffer[65536];
	const int fd = static_cast<int>(socket().impl()->sockfd());
	for (;;)
	{
		const ssize_t n = ::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
		if (n > 0)
		{
			_in.append(buffer, static_cast<std::size_t>(n));
			if (headBuffered()) return Intake::Head;
			if (static_cast<std::size_t>(n) < sizeof(buffer)) return Intake::Partial; // the socket is empty: no EAGAIN call
			continue;
		}
		if (n < 0 && errno == EINTR) continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Intake::Partial;
		return headBuffered() ? Intake::Head : Intake::Closed;
	}
}


bool ClientSession::headBuffered()
{
	// A head ends with an empty line; the parser takes CRLF and bare LF line ends alike.
	const std::size_t from = std::max(_inPos, _scannedTo > 2 ? _scannedTo - 2 : 0);
	for (std::size_t i = _in.find('\n', from); i != std::string::npos; i = _in.find('\n', i + 1))
	{
		if (i + 1 < _in.size() && _in[i + 1] == '\n') return true;
		if (i + 2 < _in.size() && _in[i + 1] == '\r' && _in[i + 2] == '\n') return true;
	}
	_scannedTo = _in.size();
	return _in.size() - _inPos > HttpHeadParser::MAX_HEAD;
}


ClientSession::Request ClientSession::bufferedRequest() const
{
	const std::string_view unread = std::string_view(_in).substr(_inPos);
	const std::size_t headEnd = unread.find("\r\n\r\n");
	if (headEnd == std::string_view::npos) return Request::ForWorker; // the parser refuses it (bare LF), or it is too large
	const auto named = [](std::string_view line, std::string_view name) {
		// Field names are case-insensitive; `name` is lower case.
		return line.size() >= name.size() && std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) { return a == Poco::Ascii::toLower(b); });
	};
	std::size_t length = 0;
	bool lengthSeen = false;
	for (std::size_t pos = unread.find("\r\n") + 2; pos < headEnd + 2;)
	{
		const std::size_t end = unread.find("\r\n", pos);
		const std::string_view line = unread.substr(pos, end - pos);
		pos = end + 2;
		if (named(line, "transfer-encoding:") || named(line, "expect:")) return Request::ForWorker;
		if (!named(line, "content-length:")) continue;
		// More than one: the parser will refuse or accept them; reading waits for neither.
		if (lengthSeen) return Request::ForWorker;
		lengthSeen = true;
		std::size_t i = 15;
		while (i < line.size() && line[i] == ' ') ++i;
		if (i == line.size() || !std::isdigit(static_cast<unsigned char>(line[i]))) return Request::ForWorker;
		for (; i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])); ++i)
		{
			if (length > maximumBodyInLoop) return Request::ForWorker;
			length = length * 10 + static_cast<std::size_t>(line[i] - '0');
		}
		if (length > maximumBodyInLoop) return Request::ForWorker;
	}
	return unread.size() >= headEnd + 4 + length ? Request::Whole : Request::BodyComing;
}


void ClientSession::neverWait(bool never)
{
	_neverWait = never;
}


bool ClientSession::hasUnread() const
{
	return _inPos < _in.size();
}


void ClientSession::releaseBuffer()
{
	if (_inPos < _in.size())
		_in.erase(0, _inPos); // a pipelined request stays
	else
		std::string().swap(_in);
	_inPos = 0;
	_scannedTo = 0;
}


std::string_view ClientSession::readHead()
{
	const std::string_view unread = std::string_view(_in).substr(_inPos);
	const HttpHeadParser::Found found = HttpHeadParser::findHead(unread, true);
	if (found.complete)
	{
		_inPos += found.end;
		return unread.substr(found.begin, found.end - found.begin);
	}
	_slowHead = HttpHeadParser::readHead([this] { return nextByte(); }, true);
	return _slowHead;
}


int ClientSession::nextByte()
{
	if (_inPos == _in.size())
	{
		if (_neverWait) return std::char_traits<char>::eof();
		char buffer[4096];
		const int n = socket().receiveBytes(buffer, sizeof(buffer));
		if (n <= 0) return std::char_traits<char>::eof();
		_in.assign(buffer, static_cast<std::size_t>(n));
		_inPos = 0;
		_scannedTo = 0;
	}
	return static_cast<unsigned char>(_in[_inPos++]);
}


int ClientSession::readSome(char* buffer, std::streamsize length)
{
	if (_inPos < _in.size())
	{
		const std::size_t n = std::min(static_cast<std::size_t>(length), _in.size() - _inPos);
		std::memcpy(buffer, _in.data() + _inPos, n);
		_inPos += n;
		return static_cast<int>(n);
	}
	if (_neverWait) return 0;
	return socket().receiveBytes(buffer, static_cast<int>(length));
}


const Poco::Net::SocketAddress& ClientSession::clientAddress()
{
	if (!_clientAddress) _clientAddress = HTTPServerSession::clientAddress();
	return *_clientAddress;
}


const Poco::Net::SocketAddress& ClientSession::serverAddress()
{
	if (!_serverAddress) _serverAddress = HTTPServerSession::serverAddress();
	return *_serverAddress;
}


const std::string& ClientSession::clientHost()
{
	if (_clientHost.empty()) _clientHost = ClientAddress::textOf(clientAddress().host());
	return _clientHost;
}


void ClientSession::countSent(std::size_t bytes)
{
	_sent += bytes;
}


Poco::UInt64 ClientSession::bytesSent() const
{
	return _sent;
}


int ClientSession::write(const char* buffer, std::streamsize length)
{
	const int n = HTTPServerSession::write(buffer, length);
	if (n > 0) _sent += static_cast<Poco::UInt64>(n);
	return n;
}

} // namespace AILoad

#include "ClientSession.h"

#include <cerrno>
#include <poll.h>

namespace AILoad {

bool ClientSession::nextRequestArrives(Poco::Timespan timeout)
{
	if (buffered() > 0) return true;
	pollfd client{static_cast<int>(socket().impl()->sockfd()), POLLIN, 0};
	int rc;
	do rc = ::poll(&client, 1, static_cast<int>(timeout.totalMilliseconds()));
	while (rc < 0 && errno == EINTR);
	return rc > 0;  // readable, closed or cut off: reading the head tells which
}


int ClientSession::nextByte()
{
	return get();
}


int ClientSession::readSome(char* buffer, std::streamsize length)
{
	return read(buffer, length);
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

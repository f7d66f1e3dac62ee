#ifndef AILoad_ClientSession_INCLUDED
#define AILoad_ClientSession_INCLUDED

#include <Poco/Net/HTTPServerSession.h>

namespace AILoad {

class ClientSession final: public Poco::Net::HTTPServerSession
	/// The connection with one client, read through POCO's session buffer: byte by byte for
	/// heads and chunk framing (HttpHeadParser, ChunkedBodyDecoder), in blocks for bodies.
{
public:
	using HTTPServerSession::HTTPServerSession;

	bool nextRequestArrives(Poco::Timespan timeout);
		/// Waits with one poll(2) until bytes arrive (or the peer closes), unless a pipelined
		/// request already sits in the buffer. POCO 1.11's Socket::poll() creates, fills,
		/// waits on and closes an epoll set each time: four system calls instead of one.

	int nextByte();
		/// The next byte, or eof; throws on a failed or timed-out read.

	int readSome(char* buffer, std::streamsize length);
		/// What is buffered, else one read from the socket; 0 at the end.

	Poco::UInt64 bytesSent() const;
		/// Over the connection's life: everything written goes through write().

protected:
	int write(const char* buffer, std::streamsize length) override;

private:
	Poco::UInt64 _sent = 0;
};

} // namespace AILoad

#endif

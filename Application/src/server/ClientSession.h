#ifndef AILoad_ClientSession_INCLUDED
#define AILoad_ClientSession_INCLUDED

#include <Poco/Net/HTTPServerSession.h>
#include <optional>
#include <string>
#include <string_view>

namespace AILoad {

class ClientSession final: public Poco::Net::HTTPServerSession
	/// The connection with one client. What it sends is read into a buffer of its own (not
	/// POCO's), by the event loop while the connection waits for a request (readAvailable(),
	/// never waiting) and by the worker that serves the request (nextByte(), readSome(),
	/// which wait up to the receive timeout): byte by byte for heads and chunk framing
	/// (HttpHeadParser, ChunkedBodyDecoder), in blocks for bodies.
{
public:
	using HTTPServerSession::HTTPServerSession;

	enum class Intake
	{
		Closed,
		Partial,
		Head
	};

	Intake readAvailable();
		/// Reads what the socket holds without waiting: Head once a whole request head is
		/// buffered (or more bytes than a head may have: the parser refuses those), Closed
		/// when the client closed or failed before that.

	bool headBuffered();
		/// The unread bytes hold a whole head (a pipelined request).

	enum class Request
	{
		Whole,
		BodyComing,
		ForWorker
	};

	Request bufferedRequest() const;
		/// Of the request whose head is among the unread bytes: Whole when its body is too
		/// (then it can be read without waiting); BodyComing when the rest of a body of at
		/// most maximumBodyInLoop bytes (Content-Length) is still on its way; ForWorker for
		/// a body that is chunked, larger, or waits for 100-continue: a worker reads it.

	static constexpr std::size_t maximumBodyInLoop = 64 * 1024;

	void neverWait(bool never);
		/// While set, nextByte() and readSome() do not read the socket: what is not
		/// buffered counts as the end (an event loop serves the request).

	bool hasUnread() const;
		/// Bytes of a request came and are not read yet.

	void releaseBuffer();
		/// Frees what has been read: an idle connection holds no memory for it.

	std::string_view readHead();
		/// The next request head (HttpHeadParser), "" when the client closed the connection
		/// first; valid until the next read. Found in place when it is all buffered, as it is
		/// for every request the loop dispatches; else read byte by byte, waiting.

	int nextByte();
		/// The next byte, or eof; throws on a failed or timed-out read.

	int readSome(char* buffer, std::streamsize length);
		/// What is buffered, else one read from the socket; 0 at the end.

	const Poco::Net::SocketAddress& clientAddress();
	const Poco::Net::SocketAddress& serverAddress();
		/// The socket's two ends, asked of the kernel once per connection (POCO's
		/// HTTPServerSession asks on every call: two system calls per request).

	const std::string& clientHost();
		/// The client's address as text (ClientAddress::textOf), made once per connection.

	void countSent(std::size_t bytes);
		/// Bytes written to the socket directly (ResponseRelay).

	Poco::UInt64 bytesSent() const;
		/// Over the connection's life: everything written goes through write() or countSent().

protected:
	int write(const char* buffer, std::streamsize length) override;

private:
	std::optional<Poco::Net::SocketAddress> _clientAddress;
	std::optional<Poco::Net::SocketAddress> _serverAddress;
	std::string _clientHost;
	std::string _in; /// received, not yet read
	std::string _slowHead; /// a head read byte by byte
	std::size_t _inPos = 0;
	std::size_t _scannedTo = 0; /// headBuffered() looked at _in up to here
	bool _neverWait = false;
	Poco::UInt64 _sent = 0;
};

} // namespace AILoad

#endif

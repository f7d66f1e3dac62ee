#ifndef AILoad_UpstreamSession_INCLUDED
#define AILoad_UpstreamSession_INCLUDED

#include "BodyFraming.h"
#include "ChunkedBodyDecoder.h"
#include "ClientWatch.h"
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/Session.h>
#include <Poco/URI.h>
#include <memory>
#include <string>
#include <string_view>

namespace AILoad {

class UpstreamSession final: public Poco::Net::HTTPClientSession
	/// One connection to one upstream, over plain TCP or TLS, that reads the response body
	/// itself instead of through POCO's body streams.
	///
	/// Why not HTTPChunkedInputStream: in POCO 1.11 a chunked body cut off by the upstream
	/// reads as a normal end, and the client must be able to tell the two apart
	/// (docs/reliability.md). Its chunk sizes are not bounded either. Reading here also hands over whatever bytes have arrived at once (no 4 KiB
	/// buffering of SSE events), and lets waits watch the client's socket too.
{
public:
	enum class Wait
	{
		Ready,
		TimedOut,
		ClientGone
	};

	UpstreamSession(const Poco::URI& apiBase, Poco::Net::Context::Ptr tls);
		/// `tls` null: plain HTTP. Connecting happens on the first request.

	bool secure() const override;

	Wait waitForData(Poco::Timespan timeout, ClientWatch& client);
		/// Waits until response bytes can be read without blocking, the timeout passes,
		/// or the client goes away.

	std::string headOf(std::string_view requestLineAndFields, bool hostSet) const;
		/// The request's head as it goes on the wire: its request line, a Host field for this
		/// session's host unless `hostSet`, its fields ("Name: value\r\n" each) and the empty line.
	void send(std::string_view message, bool keepAlive);
		/// Connects if not connected, and writes a whole request (head and body) at once:
		/// one write, not POCO's stream of pieces.

	bool receiveHead(Poco::Net::HTTPResponse& response);
		/// Reads the answer's head strictly (HttpHeadParser, BodyFraming), instead of POCO's
		/// lenient receiveResponse(), from what has arrived: false when the rest of the head
		/// has not (call again once the socket is readable; with a non-blocking socket it
		/// never waits). Interim 1xx answers are read and dropped: they are never the
		/// answer, and leaving the real one unread would hand it to the next request on this
		/// connection. Throws FramingError for a malformed answer or a 101,
		/// Poco::Net::NoMessageException when the connection ends before a head.

	void receiveHeadWithin(Poco::Net::HTTPResponse& response, Poco::Timespan timeout);
		/// receiveHead(), waiting for the head up to `timeout` (TimeoutException), for a
		/// caller that may wait (UpstreamProber).

	static const int NEED_MORE = -1;

	int readBody(char* buffer, int size);
		/// Some of the body: whatever is available, at most `size` bytes; NEED_MORE when
		/// nothing is (call waitForData() again); 0 at the end. After 0, bodyComplete()
		/// tells whether the end was the real one.

	void readable();
		/// The socket polled readable: reads may find bytes again (see fill()).

	void setNonBlocking(bool nonBlocking);
		/// While an event loop relays the body (ResponseRelay), no read may wait; set back
		/// before the connection returns to the pool.

	int fd();
		/// The socket's descriptor, for an event loop.

	bool bodyComplete() const;
		/// The body ended as its framing says (Content-Length reached, chunked terminator read).

	bool malformed() const;
		/// The body ended because it broke the framing rules.

	bool timedOut() const;
		/// The body ended because a read from the upstream timed out.

	bool reusable(bool answerKeepsAlive) const;
		/// The connection can carry another request: the body was read to its real end and
		/// neither side asked to close.

	bool reused() const;
	void markReused();
		/// Set by the pool when the session comes from its idle list.

	void useTlsSession(Poco::Net::Session::Ptr session);
	Poco::Net::Session::Ptr tlsSession();
		/// A TLS session to resume on connecting, and the one the connection ended up with.
	bool resumedTls() const;
		/// The TLS handshake resumed the offered session.

protected:
	void connect(const Poco::Net::SocketAddress& address) override;

private:
	bool hasBufferedBytes();
		/// Bytes can be read without waiting.
	int end(bool complete);
	[[noreturn]] void endedBeforeHead() const;
		/// The connection ended before a whole answer head: throws why.
	int fill();
		/// Adds to _in what can be read without waiting (on a blocking TLS socket: one
		/// record): the count, 0 at the connection's end, NEED_MORE when nothing is there.

	static constexpr int inputSize = 16384; /// a TLS record's largest payload: one read takes a whole record
	static constexpr int maximumBuffer = 128 * 1024; /// past a head's largest (HttpHeadParser::MAX_HEAD) and one read
	std::unique_ptr<char[]> _in; /// bytes read and not yet handed out: [_inPos, _inEnd)
	int _inCapacity = 0;
	int _inPos = 0;
	int _inEnd = 0;
	bool _mayHaveMore = true; /// false once a read emptied the socket, until readable()

	Poco::Net::Context::Ptr _tls;
	BodyFraming _framing;
	Poco::UInt64 _remaining = 0; /// bytes left in a Length body
	ChunkedBodyDecoder _chunks;
	bool _complete = false;
	bool _ended = false;
	bool _timedOut = false;
	bool _malformed = false;
	bool _reused = false;
	bool _resumedTls = false;
	Poco::Net::Session::Ptr _tlsSession;
};

} // namespace AILoad

#endif

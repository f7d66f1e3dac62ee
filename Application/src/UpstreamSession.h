#ifndef AILoad_UpstreamSession_INCLUDED
#define AILoad_UpstreamSession_INCLUDED

#include "ClientWatch.h"
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/Session.h>
#include <Poco/URI.h>

namespace AILoad {

class UpstreamSession final: public Poco::Net::HTTPClientSession
	/// One connection to one upstream, over plain TCP or TLS, that reads the response body
	/// itself instead of through POCO's body streams.
	///
	/// Why not HTTPChunkedInputStream: in POCO 1.11 a chunked body cut off by the upstream
	/// reads as a normal end, and the SPEC requires the client to be able to tell the two
	/// apart. Reading here also hands over whatever bytes have arrived at once (no 4 KiB
	/// buffering of SSE events), and lets waits watch the client's socket too.
{
public:
	enum class Wait { Ready, TimedOut, ClientGone };

	UpstreamSession(const Poco::URI& apiBase, Poco::Net::Context::Ptr tls);
		/// `tls` null: plain HTTP. Connecting happens on the first request.

	bool secure() const override;

	Wait waitForData(Poco::Timespan timeout, ClientWatch& client);
		/// Waits until response bytes can be read without blocking, the timeout passes,
		/// or the client goes away.

	void beginBody(const Poco::Net::HTTPResponse& response);
		/// Call after receiveResponse(): how the body is framed.

	static const int NEED_MORE = -1;

	int readBody(char* buffer, int size);
		/// Some of the body: whatever is available, at most `size` bytes; NEED_MORE when
		/// nothing is (call waitForData() again); 0 at the end. After 0, bodyComplete()
		/// tells whether the end was the real one.

	bool bodyComplete() const;
		/// The body ended as its framing says (Content-Length reached, chunked terminator read).

	bool timedOut() const;
		/// The body ended because a read from the upstream timed out.

	bool reusable(const Poco::Net::HTTPResponse& response) const;
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
	enum class Framing { None, Length, Chunked, UntilClose };

	bool readChunkHeader();
	bool skipLine();

	Poco::Net::Context::Ptr _tls;
	Framing _framing = Framing::None;
	Poco::Int64 _remaining = 0;   /// bytes left in the body (Length) or the current chunk (Chunked)
	bool _complete = false;
	bool _ended = false;
	bool _timedOut = false;
	bool _reused = false;
	bool _resumedTls = false;
	Poco::Net::Session::Ptr _tlsSession;
};

} // namespace AILoad

#endif

#ifndef AILoad_RequestBody_INCLUDED
#define AILoad_RequestBody_INCLUDED

#include "BodyFraming.h"
#include "ChunkedBodyDecoder.h"
#include "ClientSession.h"
#include <Poco/BufferedStreamBuf.h>
#include <functional>
#include <string>

namespace AILoad {

class RequestBody final: public Poco::BufferedStreamBuf
	/// The body of a client's request as its framing delimits it, and not a byte more: what
	/// follows is the next request on the connection. A framing error or a connection that
	/// ends early ends the stream before complete(); error() says why.
{
public:
	RequestBody(ClientSession& session, const BodyFraming& framing, std::function<void()> whenComplete);
		/// `whenComplete` is called once, when the body has been read to its end (at once
		/// for an empty one).

	bool complete() const;
		/// Read to its end, as framed.
	const std::string& error() const;
		/// Why the body could not be read to its end, or "".
	bool malformed() const;
		/// It broke the framing rules (rather than the connection ending early).
	Poco::UInt64 bytesRead() const;
		/// Of the body's content (without chunk framing), so far.

protected:
	int readFromDevice(char* buffer, std::streamsize length) override;
	std::streamsize xsgetn(char* into, std::streamsize count) override;
		/// istream::read() takes the body straight into the caller's memory: the stream's
		/// own buffer (small) only serves readers that take a character at a time.

private:
	int fail(const std::string& why, bool malformed = false);
	void completed();

	ClientSession& _session;
	const BodyFraming::Kind _kind;
	Poco::UInt64 _remaining; /// of a Length body
	Poco::UInt64 _read = 0;
	ChunkedBodyDecoder _chunks;
	std::string _error;
	bool _malformed = false;
	std::function<void()> _whenComplete;
};

} // namespace AILoad

#endif

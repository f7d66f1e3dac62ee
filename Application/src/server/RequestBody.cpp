#include "RequestBody.h"

#include "FramingError.h"
#include <algorithm>
#include <cstring>

namespace AILoad {

RequestBody::RequestBody(ClientSession& session, const BodyFraming& framing, std::function<void()> whenComplete):
	// Bodies are read through xsgetn(), around this buffer: a large one would be one more
	// allocation per request (16 KiB: glibc then sweeps its small free chunks, which cost
	// more than the rest of malloc's work for the request).
	Poco::BufferedStreamBuf(256, std::ios::in),
	_session(session),
	_kind(framing.kind),
	_remaining(framing.length),
	_whenComplete(std::move(whenComplete))
{
	if (complete()) completed();
}


void RequestBody::completed()
{
	if (_whenComplete) _whenComplete();
	_whenComplete = nullptr;
}


bool RequestBody::complete() const
{
	switch (_kind)
	{
	case BodyFraming::Kind::Length: return _remaining == 0;
	case BodyFraming::Kind::Chunked: return _chunks.done();
	default: return true; // a request without Content-Length or Transfer-Encoding has none
	}
}


const std::string& RequestBody::error() const
{
	return _error;
}


bool RequestBody::malformed() const
{
	return _malformed;
}


Poco::UInt64 RequestBody::bytesRead() const
{
	return _read;
}


int RequestBody::readFromDevice(char* buffer, std::streamsize length)
{
	if (!_error.empty()) return -1;
	try
	{
		if (_kind == BodyFraming::Kind::Length)
		{
			if (_remaining == 0) return 0;
			const int n = _session.readSome(buffer, static_cast<std::streamsize>(std::min<Poco::UInt64>(_remaining, length)));
			if (n <= 0) return fail("the connection ended before the body's Content-Length");
			_read += static_cast<Poco::UInt64>(n);
			if ((_remaining -= n) == 0) completed();
			return n;
		}
		if (_kind != BodyFraming::Kind::Chunked) return 0;
		while (!_chunks.inData())
		{
			if (_chunks.done()) return 0;
			const int c = _session.nextByte();
			if (c == std::char_traits<char>::eof()) return fail("the connection ended inside the chunked body");
			_chunks.feed(static_cast<char>(c));
			if (_chunks.done())
			{
				completed();
				return 0;
			}
		}
		const int n = _session.readSome(buffer, static_cast<std::streamsize>(std::min<Poco::UInt64>(_chunks.dataLeft(), length)));
		if (n <= 0) return fail("the connection ended inside the chunked body");
		_chunks.dataRead(static_cast<std::size_t>(n));
		_read += static_cast<Poco::UInt64>(n);
		return n;
	}
	catch (FramingError& error)
	{
		return fail(error.message(), true);
	}
	catch (Poco::Exception& error)
	{
		return fail("the body could not be read: " + error.message());
	}
}


std::streamsize RequestBody::xsgetn(char* into, std::streamsize count)
{
	std::streamsize done = std::min<std::streamsize>(count, egptr() - gptr());
	if (done > 0)
	{
		std::memcpy(into, gptr(), static_cast<std::size_t>(done));
		gbump(static_cast<int>(done));
	}
	while (done < count)
	{
		const int n = readFromDevice(into + done, std::min<std::streamsize>(count - done, 1 << 30)); // it counts in an int
		if (n <= 0) break;
		done += n;
	}
	return done;
}


int RequestBody::fail(const std::string& why, bool malformed)
{
	_error = why;
	_malformed = malformed;
	return -1; // the stream ends here, before complete()
}

} // namespace AILoad

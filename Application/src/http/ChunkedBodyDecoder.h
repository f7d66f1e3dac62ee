#ifndef AILoad_ChunkedBodyDecoder_INCLUDED
#define AILoad_ChunkedBodyDecoder_INCLUDED

#include <Poco/Types.h>
#include <cstddef>

namespace AILoad {

class ChunkedBodyDecoder
	/// The chunked transfer coding (RFC 9112 section 7.1), strictly and with bounds: chunk
	/// sizes of at most 15 hex digits, extensions of at most MAX_LINE bytes per line, trailers
	/// of at most MAX_TRAILERS bytes (read and dropped), every line ended by CRLF.
	///
	/// The caller owns the bytes: it feeds the framing bytes one at a time, and reads the
	/// chunk data itself (dataLeft() bytes, then dataRead()), so data is never copied twice
	/// and nothing past the body's end is consumed. A violation throws FramingError (400).
{
public:
	static constexpr std::size_t MAX_LINE = 4096;
	static constexpr std::size_t MAX_TRAILERS = 8192;

	bool inData() const;
		/// The next bytes are chunk data: read at most dataLeft() of them.
	Poco::UInt64 dataLeft() const;
	void dataRead(std::size_t n);

	void feed(char c);
		/// One framing byte (only when neither inData() nor done()).

	bool done() const;
		/// The last chunk and the trailers are through: the body ended as it should.

private:
	enum class State
	{
		Size,
		Extension,
		SizeLF,
		Data,
		DataCR,
		DataLF,
		TrailerStart,
		Trailer,
		TrailerLF,
		EndLF,
		Done
	};

	State _state = State::Size;
	Poco::UInt64 _size = 0;
	std::size_t _digits = 0;
	std::size_t _lineBytes = 0;
	std::size_t _trailerBytes = 0;
};

} // namespace AILoad

#endif

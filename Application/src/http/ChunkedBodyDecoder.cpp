#include "ChunkedBodyDecoder.h"

#include "FramingError.h"

namespace AILoad {

namespace {

constexpr std::size_t MAX_SIZE_DIGITS = 15; // 2^60: an Int64 everywhere, never negative


int hexValue(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}


bool isLineChar(char c)
{
	const auto u = static_cast<unsigned char>(c);
	return u == '\t' || (u >= 0x20 && u != 0x7f);
}

} // namespace


bool ChunkedBodyDecoder::inData() const
{
	return _state == State::Data;
}


Poco::UInt64 ChunkedBodyDecoder::dataLeft() const
{
	return _state == State::Data ? _size : 0;
}


void ChunkedBodyDecoder::dataRead(std::size_t n)
{
	_size -= n;
	if (_size == 0) _state = State::DataCR;
}


bool ChunkedBodyDecoder::done() const
{
	return _state == State::Done;
}


void ChunkedBodyDecoder::feed(char c)
{
	switch (_state)
	{
	case State::Size:
		if (const int digit = hexValue(c); digit >= 0)
		{
			if (++_digits > MAX_SIZE_DIGITS) throw FramingError("a chunk size of more than 15 hex digits");
			_size = _size * 16 + static_cast<Poco::UInt64>(digit);
			return;
		}
		if (_digits == 0) throw FramingError("a chunk size that is not a hex number");
		if (c == '\r')
		{
			_state = State::SizeLF;
			return;
		}
		if (c != ';' && c != ' ' && c != '\t') throw FramingError("a chunk size that is not a hex number");
		_state = State::Extension;
		_lineBytes = _digits + 1;
		return;
	case State::Extension:
		if (c == '\r')
		{
			_state = State::SizeLF;
			return;
		}
		if (!isLineChar(c)) throw FramingError("a control character in a chunk extension");
		if (++_lineBytes > MAX_LINE) throw FramingError("a chunk extension longer than 4096 bytes");
		return;
	case State::SizeLF:
		if (c != '\n') throw FramingError("a chunk size line that does not end in CRLF");
		_digits = 0;
		_state = _size == 0 ? State::TrailerStart : State::Data;
		return;
	case State::DataCR:
		if (c != '\r') throw FramingError("chunk data longer than its size");
		_state = State::DataLF;
		return;
	case State::DataLF:
		if (c != '\n') throw FramingError("chunk data not followed by CRLF");
		_state = State::Size;
		return;
	case State::TrailerStart:
		if (c == '\r')
		{
			_state = State::EndLF;
			return;
		}
		_state = State::Trailer;
		[[fallthrough]];
	case State::Trailer:
		if (c == '\r')
		{
			_state = State::TrailerLF;
			return;
		}
		if (!isLineChar(c)) throw FramingError("a control character in a trailer");
		if (++_trailerBytes > MAX_TRAILERS) throw FramingError("trailers longer than 8192 bytes");
		return;
	case State::TrailerLF:
		if (c != '\n') throw FramingError("a trailer line that does not end in CRLF");
		_state = State::TrailerStart;
		return;
	case State::EndLF:
		if (c != '\n') throw FramingError("the chunked body does not end in CRLF");
		_state = State::Done;
		return;
	case State::Data:
	case State::Done:
		throw FramingError("a framing byte where none belongs");
	}
}

} // namespace AILoad

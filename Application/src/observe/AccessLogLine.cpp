#include "AccessLogLine.h"

#include "UtcCalendar.h"
#include <algorithm>
#include <cstring>

namespace AILoad {

namespace {

class LineWriter
	/// Writes into space made beforehand for the longest the line can be: no capacity check
	/// and no call per piece (every request's thread writes one line).
{
public:
	explicit LineWriter(char* at):
		_p(at)
	{}

	char* end() const { return _p; }

	template <std::size_t N>
	void literal(const char (&text)[N])
	{
		std::memcpy(_p, text, N - 1);
		_p += N - 1;
	}

	void character(char c) { *_p++ = c; }

	void digits(Poco::UInt64 value, int width = 1)
		/// `value` in decimal, zero-padded to `width`.
	{
		char buffer[24];
		char* end = buffer + sizeof(buffer);
		char* p = end;
		do
		{
			*--p = static_cast<char>('0' + value % 10);
			value /= 10;
		} while (value > 0 || end - p < width);
		std::memcpy(_p, p, static_cast<std::size_t>(end - p));
		_p += end - p;
	}

	void quoted(const std::string& value)
		/// As Poco::toJSON() writes a string: quotes, backslashes and control characters
		/// escaped, every other byte as it is.
	{
		static constexpr char hex[] = "0123456789ABCDEF";
		*_p++ = '"';
		for (const char c : value)
		{
			const auto u = static_cast<unsigned char>(c);
			if (u >= 0x20 && c != '"' && c != '\\')
			{
				*_p++ = c;
				continue;
			}
			*_p++ = '\\';
			switch (c)
			{
			case '"': *_p++ = '"'; break;
			case '\\': *_p++ = '\\'; break;
			case '\b': *_p++ = 'b'; break;
			case '\f': *_p++ = 'f'; break;
			case '\n': *_p++ = 'n'; break;
			case '\r': *_p++ = 'r'; break;
			case '\t': *_p++ = 't'; break;
			default:
				literal("u00");
				*_p++ = hex[u >> 4];
				*_p++ = hex[u & 0xf];
			}
		}
		*_p++ = '"';
	}

	void textOrNull(const std::string& value)
	{
		if (value.empty()) literal("null");
		else
			quoted(value);
	}

	void numberOrNull(Poco::Int64 value)
	{
		if (value < 0) literal("null");
		else
			digits(static_cast<Poco::UInt64>(value));
	}

	void milliseconds(Poco::Int64 micros)
		/// To a tenth of a millisecond, rounded half up.
	{
		const auto tenths = static_cast<Poco::UInt64>((std::max<Poco::Int64>(micros, 0) + 50) / 100);
		digits(tenths / 10);
		*_p++ = '.';
		digits(tenths % 10);
	}

	void utcTime(const Poco::Timestamp& at)
		/// By hand rather than gmtime_r and snprintf.
	{
		const Poco::Int64 micros = at.epochMicroseconds();
		const Poco::Int64 days = micros >= 0 ? micros / UtcCalendar::microsecondsPerDay : (micros + 1) / UtcCalendar::microsecondsPerDay - 1;
		const auto ofDay = static_cast<Poco::UInt64>(micros - days * UtcCalendar::microsecondsPerDay);
		const UtcCalendar::Date date = UtcCalendar::dateOf(days);
		*_p++ = '"';
		digits(static_cast<Poco::UInt64>(date.year), 4);
		*_p++ = '-';
		digits(static_cast<Poco::UInt64>(date.month), 2);
		*_p++ = '-';
		digits(static_cast<Poco::UInt64>(date.day), 2);
		*_p++ = 'T';
		digits(ofDay / 3600000000, 2);
		*_p++ = ':';
		digits(ofDay / 60000000 % 60, 2);
		*_p++ = ':';
		digits(ofDay / 1000000 % 60, 2);
		*_p++ = '.';
		digits(ofDay / 1000 % 1000, 3);
		literal("Z\"");
	}

private:
	char* _p;
};


std::size_t longestLine(const RequestRecord& record)
	/// An escaped byte takes at most six (\u00XX); the rest of a line is under 512 bytes,
	/// an attempt's under 96.
{
	std::size_t texts = record.requestId.size() + record.client.size() + record.address.size() + record.method.size()
		+ record.path.size() + record.model.size() + record.upstream.size() + record.error.size();
	std::size_t length = 512;
	for (const RequestRecord::Attempt& attempt : record.attempts)
	{
		texts += attempt.upstream.size() + attempt.outcome.size();
		length += 96;
	}
	return length + 6 * texts;
}

} // namespace


std::string AccessLogLine::format(const RequestRecord& record)
{
	std::string line;
	appendTo(line, record);
	return line;
}


void AccessLogLine::appendTo(std::string& line, const RequestRecord& record)
{
	// Each field's name comes with the separators around it.
	const std::size_t start = line.size();
	line.resize(start + longestLine(record));
	LineWriter out(&line[start]);
	out.literal("{\"time\":");
	out.utcTime(record.started);
	out.literal(",\"request_id\":");
	out.textOrNull(record.requestId);
	out.literal(",\"client\":");
	out.textOrNull(record.client);
	out.literal(",\"addr\":");
	out.textOrNull(record.address);
	out.literal(",\"method\":");
	out.textOrNull(record.method);
	out.literal(",\"path\":");
	out.textOrNull(record.path);
	out.literal(",\"model\":");
	out.textOrNull(record.model);
	if (record.stream) out.literal(",\"stream\":true,\"upstream\":");
	else
		out.literal(",\"stream\":false,\"upstream\":");
	out.textOrNull(record.upstream);
	out.literal(",\"attempts\":[");
	for (std::size_t i = 0; i < record.attempts.size(); ++i)
	{
		const RequestRecord::Attempt& attempt = record.attempts[i];
		if (i) out.character(',');
		out.literal("{\"upstream\":");
		out.quoted(attempt.upstream);
		out.literal(",\"outcome\":");
		out.quoted(attempt.outcome);
		out.literal(",\"status\":");
		if (attempt.status > 0) out.digits(static_cast<Poco::UInt64>(attempt.status));
		else
			out.literal("null");
		out.literal(",\"ms\":");
		out.milliseconds(static_cast<Poco::Int64>(attempt.ms * 1000.0 + 0.5));
		out.character('}');
	}
	out.literal("],\"status\":");
	out.numberOrNull(record.status);
	out.literal(",\"ttfb_ms\":");
	if (record.ttfbMicros < 0) out.literal("null");
	else
		out.milliseconds(record.ttfbMicros);
	out.literal(",\"duration_ms\":");
	out.milliseconds(record.durationMicros);
	out.literal(",\"bytes_in\":");
	out.digits(record.bytesIn);
	out.literal(",\"bytes_out\":");
	out.digits(record.bytesOut);
	out.literal(",\"prompt_tokens\":");
	out.numberOrNull(record.usage.prompt);
	out.literal(",\"completion_tokens\":");
	out.numberOrNull(record.usage.completion);
	out.literal(",\"error\":");
	out.textOrNull(record.error);
	out.character('}');
	line.resize(static_cast<std::size_t>(out.end() - line.data()));
}

} // namespace AILoad

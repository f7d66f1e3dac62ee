#include "AccessLogLine.h"

#include "UtcCalendar.h"
#include <Poco/JSONString.h>
#include <algorithm>

namespace AILoad {

namespace {

template <std::size_t N>
void literal(std::string& line, const char (&text)[N])
	/// A literal in one append, its length known when compiled.
{
	line.append(text, N - 1);
}


bool needsEscaping(const std::string& value)
{
	for (const char c : value)
	{
		const auto u = static_cast<unsigned char>(c);
		if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') return true;
	}
	return false;
}


void quoted(std::string& line, const std::string& value)
{
	// Names, ids and paths rarely need escaping: append them as they are when they do not.
	if (needsEscaping(value))
	{
		line += Poco::toJSON(value, Poco::JSON_WRAP_STRINGS);
		return;
	}
	line += '"';
	line += value;
	line += '"';
}


void textOrNull(std::string& line, const std::string& value)
{
	if (value.empty()) literal(line, "null");
	else
		quoted(line, value);
}


void digits(std::string& line, Poco::UInt64 value, int width)
	/// `value` (0 or more) in decimal, zero-padded to `width`.
{
	char buffer[24];
	char* end = buffer + sizeof(buffer);
	char* p = end;
	do
	{
		*--p = static_cast<char>('0' + value % 10);
		value /= 10;
	} while (value > 0 || end - p < width);
	line.append(p, static_cast<std::size_t>(end - p));
}


void utcTime(std::string& line, const Poco::Timestamp& at)
{
	// By hand rather than gmtime_r and snprintf: the log thread writes one per request.
	const Poco::Int64 micros = at.epochMicroseconds();
	const Poco::Int64 days = micros >= 0 ? micros / UtcCalendar::microsecondsPerDay : (micros + 1) / UtcCalendar::microsecondsPerDay - 1;
	const Poco::Int64 ofDay = micros - days * UtcCalendar::microsecondsPerDay;
	const UtcCalendar::Date date = UtcCalendar::dateOf(days);
	line += '"';
	digits(line, date.year, 4);
	line += '-';
	digits(line, date.month, 2);
	line += '-';
	digits(line, date.day, 2);
	line += 'T';
	digits(line, ofDay / 3600000000, 2);
	line += ':';
	digits(line, ofDay / 60000000 % 60, 2);
	line += ':';
	digits(line, ofDay / 1000000 % 60, 2);
	line += '.';
	digits(line, ofDay / 1000 % 1000, 3);
	line += "Z\"";
}


void milliseconds(std::string& line, Poco::Int64 micros)
	/// To a tenth of a millisecond, rounded half up.
{
	const Poco::Int64 tenths = (std::max<Poco::Int64>(micros, 0) + 50) / 100;
	digits(line, tenths / 10, 1);
	line += '.';
	digits(line, tenths % 10, 1);
}


void numberOrNull(std::string& line, Poco::Int64 value)
{
	if (value < 0) literal(line, "null");
	else
		digits(line, value, 1);
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
	// Each field's name comes with the separators around it, in one append.
	line.reserve(line.size() + 512);
	literal(line, "{\"time\":");
	utcTime(line, record.started);
	literal(line, ",\"request_id\":");
	textOrNull(line, record.requestId);
	literal(line, ",\"client\":");
	textOrNull(line, record.client);
	literal(line, ",\"addr\":");
	textOrNull(line, record.address);
	literal(line, ",\"method\":");
	textOrNull(line, record.method);
	literal(line, ",\"path\":");
	textOrNull(line, record.path);
	literal(line, ",\"model\":");
	textOrNull(line, record.model);
	if (record.stream) literal(line, ",\"stream\":true,\"upstream\":");
	else
		literal(line, ",\"stream\":false,\"upstream\":");
	textOrNull(line, record.upstream);
	literal(line, ",\"attempts\":[");
	for (std::size_t i = 0; i < record.attempts.size(); ++i)
	{
		const RequestRecord::Attempt& attempt = record.attempts[i];
		if (i) line += ',';
		literal(line, "{\"upstream\":");
		quoted(line, attempt.upstream);
		literal(line, ",\"outcome\":");
		quoted(line, attempt.outcome);
		literal(line, ",\"status\":");
		if (attempt.status) digits(line, attempt.status, 1);
		else
			literal(line, "null");
		literal(line, ",\"ms\":");
		milliseconds(line, static_cast<Poco::Int64>(attempt.ms * 1000.0 + 0.5));
		line += '}';
	}
	literal(line, "],\"status\":");
	numberOrNull(line, record.status);
	literal(line, ",\"ttfb_ms\":");
	if (record.ttfbMicros < 0) literal(line, "null");
	else
		milliseconds(line, record.ttfbMicros);
	literal(line, ",\"duration_ms\":");
	milliseconds(line, record.durationMicros);
	literal(line, ",\"bytes_in\":");
	digits(line, record.bytesIn, 1);
	literal(line, ",\"bytes_out\":");
	digits(line, record.bytesOut, 1);
	literal(line, ",\"prompt_tokens\":");
	numberOrNull(line, record.usage.prompt);
	literal(line, ",\"completion_tokens\":");
	numberOrNull(line, record.usage.completion);
	literal(line, ",\"error\":");
	textOrNull(line, record.error);
	line += '}';
}

} // namespace AILoad

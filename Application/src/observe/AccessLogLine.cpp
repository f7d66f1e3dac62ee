#include "AccessLogLine.h"

#include "UtcCalendar.h"
#include <Poco/JSONString.h>
#include <algorithm>

namespace AILoad {

namespace {

void field(std::string& line, const char* name)
{
	if (line.size() > 1) line += ',';
	line += '"';
	line += name;
	line += "\":";
}


void quoted(std::string& line, const std::string& value)
{
	// Names, ids and paths rarely need escaping: append them as they are when they do not.
	for (const char c : value)
	{
		if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\' || static_cast<unsigned char>(c) >= 0x7f)
		{
			line += Poco::toJSON(value, Poco::JSON_WRAP_STRINGS);
			return;
		}
	}
	line += '"';
	line += value;
	line += '"';
}


void text(std::string& line, const char* name, const std::string& value, bool nullWhenEmpty = true)
{
	field(line, name);
	if (nullWhenEmpty && value.empty()) line += "null";
	else
		quoted(line, value);
}


void digits(std::string& line, Poco::Int64 value, int width)
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


void number(std::string& line, const char* name, Poco::Int64 value, bool nullWhenNegative = true)
{
	field(line, name);
	if (value < 0 && nullWhenNegative) line += "null";
	else
		line += std::to_string(value);
}


} // namespace


std::string AccessLogLine::format(const RequestRecord& record)
{
	std::string line = "{";
	line.reserve(512);
	field(line, "time");
	utcTime(line, record.started);
	text(line, "request_id", record.requestId);
	text(line, "client", record.client);
	text(line, "addr", record.address);
	text(line, "method", record.method);
	text(line, "path", record.path);
	text(line, "model", record.model);
	field(line, "stream");
	line += record.stream ? "true" : "false";
	text(line, "upstream", record.upstream);
	field(line, "attempts");
	line += '[';
	for (std::size_t i = 0; i < record.attempts.size(); ++i)
	{
		const RequestRecord::Attempt& attempt = record.attempts[i];
		if (i) line += ',';
		line += "{\"upstream\":";
		quoted(line, attempt.upstream);
		line += ",\"outcome\":";
		quoted(line, attempt.outcome);
		line += ",\"status\":";
		if (attempt.status) digits(line, attempt.status, 1);
		else
			line += "null";
		line += ",\"ms\":";
		milliseconds(line, static_cast<Poco::Int64>(attempt.ms * 1000.0 + 0.5));
		line += '}';
	}
	line += ']';
	number(line, "status", record.status);
	field(line, "ttfb_ms");
	if (record.ttfbMicros < 0) line += "null";
	else
		milliseconds(line, record.ttfbMicros);
	field(line, "duration_ms");
	milliseconds(line, record.durationMicros);
	number(line, "bytes_in", static_cast<Poco::Int64>(record.bytesIn));
	number(line, "bytes_out", static_cast<Poco::Int64>(record.bytesOut));
	number(line, "prompt_tokens", record.usage.prompt);
	number(line, "completion_tokens", record.usage.completion);
	text(line, "error", record.error);
	line += '}';
	return line;
}

} // namespace AILoad

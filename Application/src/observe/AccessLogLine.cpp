#include "AccessLogLine.h"

#include <Poco/JSONString.h>
#include <cstdio>
#include <ctime>

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


std::string utcTime(const Poco::Timestamp& at)
{
	const std::time_t seconds = static_cast<std::time_t>(at.epochMicroseconds() / 1000000);
	std::tm utc{};
	::gmtime_r(&seconds, &utc);
	char buffer[64];
	std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
		utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(at.epochMicroseconds() / 1000 % 1000));
	return buffer;
}


void number(std::string& line, const char* name, Poco::Int64 value, bool nullWhenNegative = true)
{
	field(line, name);
	line += nullWhenNegative && value < 0 ? std::string("null") : std::to_string(value);
}


std::string milliseconds(double ms)
{
	char buffer[32];
	std::snprintf(buffer, sizeof(buffer), "%.1f", ms);
	return buffer;
}

} // namespace


std::string AccessLogLine::format(const RequestRecord& record)
{
	std::string line = "{";
	line.reserve(512);
	text(line, "time", utcTime(record.started));
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
		line += ",\"status\":" + (attempt.status ? std::to_string(attempt.status) : std::string("null"))
			+ ",\"ms\":" + milliseconds(attempt.ms) + "}";
	}
	line += ']';
	number(line, "status", record.status);
	field(line, "ttfb_ms");
	line += record.ttfbMicros < 0 ? std::string("null") : milliseconds(static_cast<double>(record.ttfbMicros) / 1000.0);
	field(line, "duration_ms");
	line += milliseconds(static_cast<double>(record.durationMicros) / 1000.0);
	number(line, "bytes_in", static_cast<Poco::Int64>(record.bytesIn));
	number(line, "bytes_out", static_cast<Poco::Int64>(record.bytesOut));
	number(line, "prompt_tokens", record.usage.prompt);
	number(line, "completion_tokens", record.usage.completion);
	text(line, "error", record.error);
	line += '}';
	return line;
}

} // namespace AILoad

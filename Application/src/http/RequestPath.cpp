#include "RequestPath.h"

#include <cctype>

namespace AILoad {

namespace {

int hexValue(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}


bool isUnreserved(char c)
{
	return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
}

} // namespace


bool RequestPath::normalise(std::string_view path, std::string& normalised, std::string& error)
{
	static const char* const hex = "0123456789ABCDEF";
	normalised.clear();
	normalised.reserve(path.size());
	for (std::size_t i = 0; i < path.size(); ++i)
	{
		const char c = path[i];
		if (c == '\\')
		{
			error = "The path must not contain a backslash.";
			return false;
		}
		if (c != '%')
		{
			normalised += c;
			continue;
		}
		const int high = i + 2 < path.size() ? hexValue(path[i + 1]) : -1;
		const int low = high >= 0 ? hexValue(path[i + 2]) : -1;
		if (low < 0)
		{
			error = "The path holds a % that does not start a percent-encoding.";
			return false;
		}
		const char decoded = static_cast<char>(high * 16 + low);
		if (decoded == '/' || decoded == '\\' || decoded == '\0')
		{
			error = "The path must not contain an encoded /, \\ or NUL.";
			return false;
		}
		if (isUnreserved(decoded))
			normalised += decoded;
		else
			normalised.append({'%', hex[high], hex[low]});
		i += 2;
	}
	for (std::size_t start = 0; start <= normalised.size();)
	{
		std::size_t end = normalised.find('/', start);
		if (end == std::string::npos) end = normalised.size();
		const std::string_view segment(normalised.data() + start, end - start);
		if (segment == "." || segment == "..")
		{
			error = "The path must not contain . or .. segments (also not percent-encoded).";
			return false;
		}
		start = end + 1;
	}
	return true;
}

} // namespace AILoad

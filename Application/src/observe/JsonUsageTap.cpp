#include "JsonUsageTap.h"

#include "UsageReader.h"

namespace AILoad {

void JsonUsageTap::take(const char* data, std::size_t size)
{
	if (_tooLarge) return;
	if (_body.size() + size > MAX_BODY)
	{
		// The memory a hostile upstream can make the gateway hold stays bounded.
		_tooLarge = true;
		std::string().swap(_body);
		return;
	}
	_body.append(data, size);
}


void JsonUsageTap::end(std::string_view last)
{
	if (_tooLarge) return;
	if (_body.empty())
	{
		// The whole body came in one piece, as most do: read where it is.
		if (last.size() <= MAX_BODY) _usage = UsageReader::ofBody(last);
		return;
	}
	take(last.data(), last.size());
	if (_tooLarge) return;
	_usage = UsageReader::ofBody(_body);
	std::string().swap(_body);
}


const TokenUsage& JsonUsageTap::usage() const
{
	return _usage;
}

} // namespace AILoad

#include "BodyFraming.h"

#include "FramingError.h"
#include <Poco/String.h>

namespace AILoad {

namespace {

constexpr std::size_t MAX_LENGTH_DIGITS = 18; // fits an Int64: no overflow, never negative

} // namespace


BodyFraming BodyFraming::ofRequest(const Poco::Net::HTTPRequest& request)
{
	return of(request, Kind::None, 400, 501);
}


BodyFraming BodyFraming::ofResponse(const Poco::Net::HTTPResponse& response)
{
	const int status = response.getStatus();
	if (status < 200 || status == 204 || status == 304) return BodyFraming();
	return of(response, Kind::UntilClose, 502, 502);
}


BodyFraming BodyFraming::of(const Poco::Net::HTTPMessage& message, Kind withoutHeaders, int malformedStatus, int unsupportedStatus)
{
	BodyFraming framing;
	framing.kind = withoutHeaders;
	bool hasLength = false;
	int transferEncodings = 0;
	// Names are compared by length first: most fields are neither, and icompare lowers every byte.
	for (const auto& field : message)
	{
		if (field.first.size() == 17 && Poco::icompare(field.first, "Transfer-Encoding") == 0)
		{
			if (++transferEncodings > 1 || Poco::icompare(field.second, "chunked") != 0)
				throw FramingError("Transfer-Encoding must be exactly \"chunked\"", unsupportedStatus);
			framing.kind = Kind::Chunked;
		}
		else if (field.first.size() == 14 && Poco::icompare(field.first, "Content-Length") == 0)
		{
			const std::string& digits = field.second;
			if (digits.empty() || digits.size() > MAX_LENGTH_DIGITS || digits.find_first_not_of("0123456789") != std::string::npos)
				throw FramingError("Content-Length must be a number of at most " + std::to_string(MAX_LENGTH_DIGITS) + " digits", malformedStatus);
			const Poco::UInt64 length = std::stoull(digits);
			if (hasLength && length != framing.length) throw FramingError("two different Content-Length headers", malformedStatus);
			hasLength = true;
			framing.length = length;
		}
	}
	if (hasLength && transferEncodings > 0) throw FramingError("both Content-Length and Transfer-Encoding", malformedStatus);
	if (hasLength) framing.kind = Kind::Length;
	return framing;
}

} // namespace AILoad

#ifndef AILoad_BodyFraming_INCLUDED
#define AILoad_BodyFraming_INCLUDED

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Types.h>

namespace AILoad {

class BodyFraming
	/// How a message's body is delimited (RFC 9112 section 6), decided strictly and the same
	/// way for requests and answers: Content-Length only as digits and never two different
	/// ones, Transfer-Encoding exactly "chunked" and never beside a Content-Length.
	/// Anything else throws FramingError: 400 (or 501 for another transfer coding) for a
	/// request, 502 for an answer.
{
public:
	enum class Kind
	{
		None, /// no body
		Length, /// `length` bytes
		Chunked, /// chunked transfer coding (see ChunkedBodyDecoder)
		UntilClose /// an answer without either header: the body ends when the connection does
	};

	Kind kind = Kind::None;
	Poco::UInt64 length = 0;

	static BodyFraming ofRequest(const Poco::Net::HTTPRequest& request);
		/// A request with neither header has no body.

	static BodyFraming ofResponse(const Poco::Net::HTTPResponse& response);
		/// 1xx, 204 and 304 have no body whatever their headers say.

private:
	static BodyFraming of(const Poco::Net::HTTPMessage& message, Kind withoutHeaders, int malformedStatus, int unsupportedStatus);
};

} // namespace AILoad

#endif

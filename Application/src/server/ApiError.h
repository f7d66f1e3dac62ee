#ifndef AILoad_ApiError_INCLUDED
#define AILoad_ApiError_INCLUDED

#include <Poco/Net/HTTPResponse.h>

namespace AILoad {

class ApiError
	/// The catalogue of the errors the gateway answers with: for each, its HTTP status and the
	/// OpenAI `type` and `code` of the body (docs/api.md, "Errors", lists when each is given).
	/// Every error reply takes them from here, through ErrorResponse.
{
public:
	enum Kind
	{
		InvalidApiKey, /// 401: the client's token is missing or wrong
		InvalidJson, /// 400: the body is not JSON
		InvalidRequest, /// 400: the body is not an object
		InvalidModel, /// 400: `model` is not a string
		InvalidHttp, /// 400: the request breaks the framing rules
		IncompleteBody, /// 400: the connection ended inside the body
		InvalidPath, /// 400: dot segments, encoded separators
		ModelNotFound, /// 404
		UnknownPath, /// 404
		MethodNotAllowed, /// 405
		RequestTimeout, /// 408: the request took too long to arrive
		RequestTooLarge, /// 413: settings.max_body_mb
		RateLimited, /// 429: every candidate is rate-limited or cooling down
		InternalError, /// 500
		UnsupportedTransferEncoding, /// 501
		UpstreamUnavailable, /// 502: no upstream could answer
		Overloaded, /// 503: every thread taken, or the body budget spent
		TooManyConnections, /// 503: the client's address holds its cap of connections
		ShuttingDown, /// 503
		UpstreamTimeout, /// 504: the last upstream tried did not answer in time
		HttpVersionNotSupported, /// 505
		LoopDetected, /// 508: the request came back through this gateway
		UpstreamDisconnected /// (mid-stream only) the upstream broke off its answer
	};

	static Poco::Net::HTTPResponse::HTTPStatus status(Kind kind);
	static const char* type(Kind kind);
	static const char* code(Kind kind);
	static bool retrySoon(Kind kind);
		/// A client may retry in a second (the answer carries Retry-After: 1).
};

} // namespace AILoad

#endif

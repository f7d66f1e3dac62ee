#ifndef AILoad_RequestRecord_INCLUDED
#define AILoad_RequestRecord_INCLUDED

#include "TokenUsage.h"
#include <Poco/Timestamp.h>
#include <Poco/Types.h>
#include <string>
#include <vector>

namespace AILoad {

struct RequestRecord
	/// What one client request did, filled in along its way and read when it ends: the
	/// access log line, the request metrics and the usage counts are made from it
	/// (docs/observability.md). Never holds a key, a token, a prompt or a completion.
{
	struct Attempt
	{
		std::string upstream;
		std::string outcome; /// an `aiload_upstream_attempts_total` outcome: ok, rate_limited, ...
		int status = 0; /// the upstream's HTTP status, 0 when it gave none
		double ms = 0; /// from sending the request to the end of the attempt
	};

	Poco::Timestamp started;
	std::string requestId; /// the client's X-Request-Id when acceptable, else generated
	std::string client; /// the client's name; "" until it is authenticated
	std::string address; /// the client's address (settings.trusted_proxies applied)
	std::string method;
	std::string path; /// without the query
	std::string model; /// as the client asked for it, "" when it named none
	bool modelKnown = false; /// `model` is a routable name of the config (metrics label it, else "unknown")
	bool stream = false;
	std::string upstream; /// the one whose answer the client got, "" when none
	std::vector<Attempt> attempts;
	int status = 0; /// the HTTP status sent to the client
	Poco::Int64 ttfbMicros = -1; /// until the answer's head went to the client
	Poco::Int64 durationMicros = 0; /// until the answer's last byte went to the client
	Poco::UInt64 bytesIn = 0; /// the request as received: head and body
	Poco::UInt64 bytesOut = 0; /// the response as sent
	TokenUsage usage;
	std::string error; /// the error `code` when the gateway answered an error
};

} // namespace AILoad

#endif

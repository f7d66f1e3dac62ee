#ifndef AILoad_ResponseRelay_INCLUDED
#define AILoad_ResponseRelay_INCLUDED

#include "ApiError.h"
#include "UpstreamConfig.h"
#include "UpstreamSession.h"
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <functional>

namespace AILoad {

class ResponseRelay
	/// Sends an upstream's answer to the client: its status and headers (hop-by-hop
	/// removed, X-Model and X-AILoad-Upstream added), then the body piece by piece, each
	/// piece written and flushed as soon as it arrives (SSE tokens are never held back).
	///
	/// An upstream that breaks off after the first byte cannot be retried; the client is
	/// told by an SSE error event (for event streams) and by a response cut off without
	/// its chunked terminator or before its Content-Length, never by a clean end.
{
public:
	enum class Outcome { Complete, UpstreamBroke, UpstreamTimedOut, ClientGone };

	ResponseRelay(UpstreamSession& upstream, ClientWatch& client, const Poco::Net::StreamSocket& clientSocket, Poco::Timespan readTimeout,
		std::function<bool()> gatewayStopping);
		/// `gatewayStopping` tells a client cut off by a shutdown from one that left.

	Outcome relay(const Poco::Net::HTTPResponse& upstreamResponse, Poco::Net::HTTPServerResponse& response,
		const UpstreamConfig& upstreamConfig, const std::function<void()>& upstreamDone);
		/// `upstreamDone` is called once the upstream's body has been read to its end, before
		/// its last piece goes to the client; the relay does not use the session after it.

private:
	void breakOff(std::ostream& out, bool eventStream, ApiError::Kind kind, const std::string& message);
	Outcome clientGone(std::ostream& out, bool eventStream, Poco::Net::HTTPServerResponse& response);
		/// Ends the client's connection: a client that stopped reading or left gets no
		/// chunked terminator and no next request on it. One cut off by a shutdown is told
		/// why first.

	UpstreamSession& _upstream;
	ClientWatch& _client;
	Poco::Net::StreamSocket _clientSocket;
	Poco::Timespan _readTimeout;
	std::function<bool()> _gatewayStopping;
};

} // namespace AILoad

#endif

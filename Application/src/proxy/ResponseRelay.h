#ifndef AILoad_ResponseRelay_INCLUDED
#define AILoad_ResponseRelay_INCLUDED

#include "ApiError.h"
#include "JsonUsageTap.h"
#include "StreamUsageFilter.h"
#include "TokenUsage.h"
#include "UpstreamConfig.h"
#include "UpstreamSession.h"
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <functional>
#include <string>
#include <string_view>

namespace AILoad {

class ResponseRelay
	/// Sends an upstream's answer to the client: its status and headers (hop-by-hop
	/// removed, X-Model and X-AILoad-Upstream added), then the body piece by piece, each
	/// piece written and flushed as soon as it arrives (SSE tokens are never held back; only
	/// while it removes usage the gateway asked for does an event's incomplete end wait for
	/// the rest of its event).
	///
	/// An upstream that breaks off after the first byte cannot be retried; the client is
	/// told by an SSE error event (for event streams) and by a response cut off without
	/// its chunked terminator or before its Content-Length, never by a clean end.
	///
	/// On the way it reads the upstream's usage (docs/observability.md, "Usage"): from the
	/// events of an event stream (StreamUsageFilter), from a JSON answer's body (JsonUsageTap).
{
public:
	enum class Outcome { Complete, UpstreamBroke, UpstreamTimedOut, ClientGone };

	ResponseRelay(UpstreamSession& upstream, ClientWatch& client, const Poco::Net::StreamSocket& clientSocket, Poco::Timespan readTimeout,
		std::function<bool()> gatewayStopping);
		/// `gatewayStopping` tells a client cut off by a shutdown from one that left.

	void startWith(std::string bytes);
		/// The beginning of the upstream's body, read before relay() (FirstEvent): relayed
		/// first, then what follows it.

	void nameErrorsWith(const std::string& requestId);
		/// The request id the SSE error event of a broken-off stream names.

	void removeUnaskedUsage();
		/// The gateway asked the upstream for usage the client did not ask for: an event
		/// stream's events lose what that added (StreamUsageFilter). Their length changes, so
		/// an event stream with a Content-Length goes to the client chunked (HTTP/1.1) or
		/// delimited by the connection's end (HTTP/1.0). Called before relay().

	Outcome relay(const Poco::Net::HTTPResponse& upstreamResponse, Poco::Net::HTTPServerResponse& response,
		const UpstreamConfig& upstreamConfig, const std::function<void()>& upstreamDone);
		/// `upstreamDone` is called once the upstream's body has been read to its end, before
		/// its last piece goes to the client; the relay does not use the session after it.

	const TokenUsage& usage() const;
		/// The usage the upstream's answer reported, as far as it was relayed; unknown (-1)
		/// where it reported none, or nothing readable. Valid after relay().

private:
	bool write(std::ostream& out, std::string_view bytes);
		/// Writes and flushes; false if the client is gone.
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
	bool _removeUnaskedUsage = false;
	std::string _start;      /// see startWith()
	std::string _requestId;
	bool _eventStream = false;
	StreamUsageFilter _events;
	JsonUsageTap _json;
};

} // namespace AILoad

#endif

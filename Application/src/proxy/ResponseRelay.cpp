#include "ResponseRelay.h"

#include "ErrorResponse.h"
#include "HeaderForwarding.h"
#include <Poco/String.h>

namespace AILoad {

ResponseRelay::ResponseRelay(UpstreamSession& upstream, ClientWatch& client, const Poco::Net::StreamSocket& clientSocket, Poco::Timespan readTimeout,
	std::function<bool()> gatewayStopping):
	_upstream(upstream),
	_client(client),
	_clientSocket(clientSocket),
	_readTimeout(readTimeout),
	_gatewayStopping(std::move(gatewayStopping))
{
}


void ResponseRelay::startWith(std::string bytes)
{
	_start = std::move(bytes);
}


void ResponseRelay::nameErrorsWith(const std::string& requestId)
{
	_requestId = requestId;
}


void ResponseRelay::removeUnaskedUsage()
{
	_removeUnaskedUsage = true;
	_events.removeInjectedUsage();
}


ResponseRelay::Outcome ResponseRelay::relay(const Poco::Net::HTTPResponse& upstreamResponse, Poco::Net::HTTPServerResponse& response,
	const UpstreamConfig& upstreamConfig, const std::function<void()>& upstreamDone)
{
	response.setStatusAndReason(upstreamResponse.getStatus(), upstreamResponse.getReason());
	HeaderForwarding::copyResponseHeaders(upstreamResponse, response);
	response.set("X-Model", upstreamConfig.model);
	response.set("X-AILoad-Upstream", upstreamConfig.name);
	const std::string& contentType = upstreamResponse.getContentType();
	const bool eventStream = Poco::icompare(contentType, 0, 17, "text/event-stream") == 0;
	const bool jsonBody = !eventStream && Poco::toLower(contentType).find("json") != std::string::npos;
	_eventStream = eventStream;
	// Events that lose what the gateway's include_usage added are shorter than the upstream
	// said: its Content-Length cannot be passed on.
	const bool fixedLength = upstreamResponse.hasContentLength() && !upstreamResponse.getChunkedTransferEncoding()
		&& !(eventStream && _removeUnaskedUsage);
	if (fixedLength)
		response.setContentLength64(upstreamResponse.getContentLength64());
	else if (response.getVersion() == Poco::Net::HTTPMessage::HTTP_1_1)
		response.setChunkedTransferEncoding(true);
	else
		response.setKeepAlive(false);  // an HTTP/1.0 client reads to the end of the connection

	std::ostream& out = response.send();
	// A stream's head goes out at once. A Content-Length answer's head stays in the stream's
	// buffer and leaves with the first piece of the body: one write and one packet, not two.
	if (!fixedLength) out.flush();
	if (!out) return clientGone(out, eventStream, response);

	char buffer[16384];
	bool fromStart = !_start.empty();
	for (;;)
	{
		std::string_view piece;
		if (fromStart)
		{
			// What was read before the head went out (FirstEvent) goes first.
			piece = _start;
			fromStart = false;
		}
		else
		{
			if (!_upstream.bodyComplete())
			{
				switch (_upstream.waitForData(_readTimeout, _client))
				{
				case UpstreamSession::Wait::ClientGone:
					return clientGone(out, eventStream, response);
				case UpstreamSession::Wait::TimedOut:
					breakOff(out, eventStream, ApiError::UpstreamTimeout, "upstream " + upstreamConfig.name + " sent nothing for too long");
					return Outcome::UpstreamTimedOut;
				case UpstreamSession::Wait::Ready:
					break;
				}
			}
			const int n = _upstream.readBody(buffer, sizeof(buffer));
			if (n == UpstreamSession::NEED_MORE) continue;
			if (n == 0 && !_upstream.bodyComplete())
			{
				if (_upstream.timedOut())
				{
					breakOff(out, eventStream, ApiError::UpstreamTimeout, "upstream " + upstreamConfig.name + " sent nothing for too long");
					return Outcome::UpstreamTimedOut;
				}
				breakOff(out, eventStream, ApiError::UpstreamDisconnected, "upstream " + upstreamConfig.name + (_upstream.malformed() ? " sent a malformed body" : " broke off the response"));
				return Outcome::UpstreamBroke;
			}
			piece = std::string_view(buffer, static_cast<std::size_t>(n));
		}
		// What goes to the client: the piece itself, unless the filter removes usage from it.
		if (eventStream) piece = _events.pass(piece.data(), piece.size());
		else if (jsonBody) _json.take(piece.data(), piece.size());
		if (!_upstream.bodyComplete())
		{
			if (!write(out, piece)) return clientGone(out, eventStream, response);
			continue;
		}

		// The last piece: the upstream is done before the client has it all, so its
		// connection can be back in the pool before the client's next request comes.
		upstreamDone();
		if (jsonBody) _json.end();
		out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
		const std::string_view held = _events.finish();  // after the piece: it may be in the same buffer
		out.write(held.data(), static_cast<std::streamsize>(held.size()));
		out.flush();
		return out ? Outcome::Complete : clientGone(out, eventStream, response);
	}
}


const TokenUsage& ResponseRelay::usage() const
{
	return _eventStream ? _events.usage() : _json.usage();
}


bool ResponseRelay::write(std::ostream& out, std::string_view bytes)
{
	if (bytes.empty()) return true;  // all held back, until its event is complete
	out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
	out.flush();
	return static_cast<bool>(out);
}


ResponseRelay::Outcome ResponseRelay::clientGone(std::ostream& out, bool eventStream, Poco::Net::HTTPServerResponse& response)
{
	response.setKeepAlive(false);
	if (_gatewayStopping())
	{
		breakOff(out, eventStream, ApiError::ShuttingDown, "The gateway is shutting down.");
		return Outcome::ClientGone;
	}
	try
	{
		// Also keeps the response stream's close from waiting a send timeout more to
		// write a terminator nobody reads.
		_clientSocket.shutdown();
	}
	catch (Poco::Exception&)
	{
	}
	return Outcome::ClientGone;
}


void ResponseRelay::breakOff(std::ostream& out, bool eventStream, ApiError::Kind kind, const std::string& message)
{
	// An incomplete event held back goes out as it came, as it would have without the filter.
	const std::string_view held = _events.finish();
	out.write(held.data(), static_cast<std::streamsize>(held.size()));
	if (eventStream)
	{
		out << "data: " << ErrorResponse::body(kind, message, _requestId) << "\n\n";
		out.flush();
	}
	// Cutting the connection keeps POCO from writing the chunked terminator when the
	// response stream is closed: the client sees a truncated body, not a finished one.
	try
	{
		_clientSocket.shutdown();
	}
	catch (Poco::Exception&)
	{
	}
}

} // namespace AILoad

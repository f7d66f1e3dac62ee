#ifndef AILoad_ResponseRelay_INCLUDED
#define AILoad_ResponseRelay_INCLUDED

#include "ApiError.h"
#include "ClientSession.h"
#include "EventLoop.h"
#include "GatewayResponse.h"
#include "JsonUsageTap.h"
#include "StreamUsageFilter.h"
#include "TokenUsage.h"
#include "UpstreamConfig.h"
#include "UpstreamSession.h"
#include <Poco/Net/HTTPResponse.h>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace AILoad {

class ResponseRelay
	/// Sends an upstream's answer to the client: its status and headers (hop-by-hop
	/// removed, X-Model and X-AILoad-Upstream added), then the body piece by piece, each
	/// piece written as soon as it arrives (SSE tokens are never held back; only while it
	/// removes usage the gateway asked for does an event's incomplete end wait for the rest
	/// of its event).
	///
	/// It never waits: pump() moves what can be moved without blocking and says what it
	/// waits for. The worker that chose the upstream calls it first (an answer that is all
	/// there, as most plain completions are, ends on that thread); what is left is relayed
	/// by the connection's event loop (attach()), woken by either socket
	/// (docs/performance.md, "Serving core").
	///
	/// An upstream that breaks off after the first byte cannot be retried; the client is
	/// told by an SSE error event (for event streams) and by a response cut off without
	/// its chunked terminator or before its Content-Length, never by a clean end.
	///
	/// On the way it reads the upstream's usage (docs/observability.md, "Usage"): from the
	/// events of an event stream (StreamUsageFilter), from a JSON answer's body (JsonUsageTap).
{
public:
	enum class Outcome
	{
		Complete,
		UpstreamBroke,
		UpstreamTimedOut,
		ClientGone
	};
	enum class Step
	{
		WaitUpstream,
		WaitClient,
		Done
	};

	using UpstreamDone = std::function<void(std::unique_ptr<UpstreamSession>, bool keepAlive)>;
		/// Takes the upstream connection back once its answer is read to the end, with
		/// whether the answer allows another request on it; before the last piece goes to
		/// the client.
	using Finished = std::function<void(Outcome, const TokenUsage&)>;
		/// Called once, when the relay is done.

	ResponseRelay(std::unique_ptr<UpstreamSession> upstream, ClientSession& client, Poco::Timespan readTimeout, Poco::Timespan sendTimeout);
		/// The session's reads must not wait (UpstreamSession::setNonBlocking(), which
		/// ProxyRequestHandler sets once the request is out).
	~ResponseRelay();

	void startWith(std::string bytes);
		/// The beginning of the upstream's body, read before (FirstEvent): relayed first,
		/// then what follows it.
	void nameErrorsWith(const std::string& requestId);
		/// The request id the SSE error event of a broken-off stream names.
	void removeUnaskedUsage();
		/// The gateway asked the upstream for usage the client did not ask for: an event
		/// stream's events lose what that added (StreamUsageFilter). Their length changes, so
		/// an event stream with a Content-Length goes to the client chunked (HTTP/1.1) or
		/// delimited by the connection's end (HTTP/1.0).
	void whenUpstreamDone(UpstreamDone done);
	void whenFinished(Finished finished);

	Step begin(const Poco::Net::HTTPResponse& upstreamResponse, GatewayResponse& response, const UpstreamConfig& upstreamConfig);
		/// Puts the answer's head on `response` and starts relaying (pump()).
	Step pump();
		/// Relays what can be relayed without waiting.

	bool done() const;
	bool keepAlive() const;
		/// The client's connection can carry another request.

	void attach(EventLoop& loop, EventLoop::Watcher& watcher, unsigned clientEvents);
		/// From now on the loop wakes `watcher` for the upstream's socket (slot 1) and the
		/// client's (slot 0, registered for `clientEvents` now; the relay sets them from
		/// here on): call ready() with them.
	unsigned clientEvents() const;
		/// What the client's socket is registered for, as the relay left it.
	Step ready(int slot, unsigned events);
	EventLoop::Clock::time_point deadline() const;
		/// When the upstream has been silent, or the client has not taken data, too long.
	Step expire();
	Step cutByShutdown();
		/// The gateway stops and cannot wait for the end: the client is told why.

private:
	Step step();
	void upstreamEnded();
	void giveUpstreamBack(bool reusable);
	void emit(std::string_view piece);
		/// Frames a piece of the body for the client and writes it, behind what is queued.
	void queue(std::string_view piece);
		/// Frames a piece and queues it, to go with what follows.
	bool send();
		/// Writes what is queued; true once all of it is out.
	void write(std::initializer_list<std::string_view> after);
		/// One sendmsg() of the queue and then `after`; what the client cannot take now is
		/// queued, and the client counts as stalled from then on.
	bool stalled() const;
	void breakOff(Outcome outcome, ApiError::Kind kind, const std::string& message);
	Step clientGone();
	Step finish(Outcome outcome);

	std::unique_ptr<UpstreamSession> _upstream;
	ClientSession& _client;
	const int _clientFd;
	const Poco::Timespan _readTimeout;
	const Poco::Timespan _sendTimeout;
	UpstreamDone _upstreamDone;
	Finished _finished;
	std::string _start; /// see startWith()
	std::string _requestId;
	std::string _upstreamName;
	bool _removeUnaskedUsage = false;
	bool _eventStream = false;
	bool _jsonBody = false;
	bool _chunked = false;
	bool _keepAlive = true;
	bool _upstreamKeepAlive = false;
	bool _cutAfterFlush = false; /// broken off: once the queue is out, shut the client's connection
	bool _done = false;
	bool _clientFailed = false; /// a write failed: the client is gone
	Outcome _outcome = Outcome::Complete;
	std::string _out; /// bytes the client could not take yet
	StreamUsageFilter _events;
	JsonUsageTap _json;

	EventLoop* _loop = nullptr;
	EventLoop::Watcher* _watcher = nullptr;
	unsigned _clientEvents = 0;
	unsigned _upstreamEvents = 0;
	bool _watchingClient = true; /// its readability means it left; not once it sent more (pipelining)
	EventLoop::Clock::time_point _upstreamActive;
	EventLoop::Clock::time_point _clientStalled; /// since when bytes wait for the client; zero: none do
};

} // namespace AILoad

#endif

#ifndef AILoad_FirstEvent_INCLUDED
#define AILoad_FirstEvent_INCLUDED

#include "UpstreamSession.h"
#include <Poco/Timespan.h>
#include <string>
#include <string_view>

namespace AILoad {

class FirstEvent
	/// Reads an event stream's beginning, up to its first event that carries `choices` or
	/// `error`, before anything goes to the client: an upstream that answers 200 and then
	/// puts its error in the stream can still be failed over (docs/quotas.md, "An error in
	/// the first event of a stream"). Comments and other events before it are kept and relayed.
{
public:
	enum class Kind
	{
		Choices, /// the stream has begun well: relay `bytes`, then the rest
		Error, /// its first event is an error: `error` holds that event's data
		Undecided, /// it ended, or said [DONE], or grew beyond maximumBytes, before either: relay it as it is
		Broke, /// the upstream broke off or sent a malformed body before the first event
		TimedOut, /// nothing decisive within the timeout
		ClientGone
	};

	struct Result
	{
		Kind kind = Kind::Undecided;
		std::string bytes; /// the body read so far, to be relayed first
		std::string error; /// the error event's data (JSON)
	};

	static bool readAvailable(UpstreamSession& upstream, Result& result);
		/// Reads what the upstream has sent, without waiting (the session does not block:
		/// UpstreamSession::setNonBlocking()): true once `result` is decided, false when
		/// more must come first. A caller that waits too long sets Kind::TimedOut itself, one
		/// whose client left Kind::ClientGone.

	static Kind classify(std::string_view events, std::string& error);
		/// Of the complete events in `events`: Choices or Error for the first that decides,
		/// else Undecided (also for `data: [DONE]`, which decides nothing to fail over for).

	static constexpr std::size_t maximumBytes = 64 * 1024;
};

} // namespace AILoad

#endif

#ifndef AILoad_StreamUsageFilter_INCLUDED
#define AILoad_StreamUsageFilter_INCLUDED

#include "JsonScanner.h"
#include "TokenUsage.h"
#include <cstddef>
#include <string>
#include <string_view>

namespace AILoad {

class StreamUsageFilter
	/// Reads the upstream's usage from a server-sent event stream as it is relayed and, when
	/// the gateway added `"stream_options":{"include_usage":true}` on its own, removes what
	/// that adds, so that the client gets the events it would have got without it, byte for
	/// byte (docs/observability.md, "Usage"):
	///
	///   - the usage-only event: `choices` `[]` and `usage` an object;
	///   - the top-level `"usage":null` member of every other event, with one comma.
	///
	/// Events end with an empty line (LF, CRLF or CR line ends, as the SSE specification
	/// has them) and may be split anywhere between pieces. Only an event that holds
	/// `"usage"` and has one `data:` line is scanned. What cannot be read surely is relayed
	/// as it came: an event the filter cannot parse is not edited, and past an event of
	/// MAX_EVENT bytes the filter gives up for the rest of the stream (usage unknown), so
	/// that a hostile upstream gets it to hold no more than that.
{
public:
	static constexpr std::size_t MAX_EVENT = 1 << 20;

	StreamUsageFilter();
		/// Taps only: pass() returns the bytes it is given.

	void removeInjectedUsage();
		/// Removes what the gateway's include_usage adds. Called before the first piece.

	std::string_view pass(const char* data, std::size_t size);
		/// The next piece of the body, as it arrived; returns what goes to the client now,
		/// valid until the next call. Tapping: the piece itself. Removing: every event the
		/// piece completes, edited; the incomplete event at its end is held back.

	std::string_view finish();
		/// What is held back, as it came: an incomplete last event, at the end of the body
		/// or where it broke off.

	const TokenUsage& usage() const;
		/// The last `usage` object of an event; unknown when none came (or the filter gave up).

private:
	bool endsEvent(char c);
		/// Follows the line ends: true when `c` ends the empty line that ends an event.
	void eventComplete(std::string_view event);
	void emit(std::string_view bytes);
		/// Appends to what goes to the client (when removing), less the LF that ended a removed event.
	void giveUp(std::string_view rest);
		/// Past MAX_EVENT: the held bytes and `rest` go out as they came, and so does the rest of the stream.
	void startOutput(const char* data, std::size_t size);
		/// What goes to the client starts empty; `data` is the piece being passed.
	std::string_view output(const char* data, std::size_t size) const;
	void clearEvent();

	static bool onlyDataLine(std::string_view event, std::size_t& begin, std::size_t& end);
		/// The value of the event's only `data:` field: [begin, end) in `event`.
	static bool isUsageOnly(std::string_view json, const JsonScanner::Result& scanned);
		/// `choices` is an empty array: the event include_usage adds.

	bool _removing = false;
	bool _gaveUp = false;
	bool _atLineStart = true;
	bool _afterCR = false;
	bool _eventAfterCR = false; /// the event before the current one ended with a CR: an LF first is the end of its CRLF
	bool _dropLF = false; /// the event removed last ended with a CR: an LF next is the end of its CRLF
	std::string _event; /// the current event's bytes so far: held back when removing, a copy when tapping
	std::string_view _piece; /// the piece being passed
	std::size_t _pieceEmitted = 0; /// its bytes emitted from its start, uncut, while nothing is copied
	bool _copied = false; /// what goes out is in _out
	std::string _out;
	TokenUsage _usage;
};

} // namespace AILoad

#endif

#ifndef AILoad_ModelRewriter_INCLUDED
#define AILoad_ModelRewriter_INCLUDED

#include "JsonScanner.h"
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace AILoad {

class ModelRewriter
	/// Produces the body sent upstream: the client's bytes with only the top-level
	/// `model` value replaced, and `"stream_options":{"include_usage":true}` added when the
	/// gateway asks for usage (docs/observability.md, "Usage"). Every other byte (numbers,
	/// escapes, key order, spacing, nested "model" keys) stays as the client wrote it.
{
public:
	struct Splice
		/// The body to send, without a copy of the client's: spans of the client's bytes
		/// with inserts[i] between spans[i] and spans[i + 1].
	{
		std::vector<std::pair<std::size_t, std::size_t>> spans; /// offset and length in the client's body
		std::vector<std::string> inserts; /// one fewer than spans

		std::size_t size() const;
		void writeTo(std::ostream& out, std::string_view body) const;
		void appendTo(std::string& out, std::string_view body) const;
	};

	static Splice splice(std::string_view body, const JsonScanner::Result& scanned, const std::string& model, bool askForUsage = false);
		/// `scanned` must be the scan of `body` and describe a valid object. Every top-level
		/// `model` member is replaced; without one, `"model":"..."` is inserted first.
		/// With `askForUsage`, `"stream_options":{"include_usage":true}` is added as the last
		/// member (the caller has made sure there is no `stream_options`: mustAskForUsage()).

	static std::string rewrite(std::string_view body, const JsonScanner::Result& scanned, const std::string& model, bool askForUsage = false);
		/// The splice's bytes as one string.

	static bool mustAskForUsage(std::string_view pathAfterV1, bool stream, std::string_view body, const JsonScanner::Result& scanned);
		/// True for a streamed completion (`pathAfterV1` "/chat/completions" or "/completions",
		/// `stream` true) whose body has no top-level `stream_options`: only then does the
		/// upstream send no usage unless asked, and the gateway asks for it (and removes what
		/// that adds from the answer, see StreamUsageFilter). A client's own `stream_options`
		/// is left as it is, with or without include_usage: the client chose what it gets.
		/// `scanned` must be the scan of `body`.

	static constexpr std::string_view USAGE_OPTION = R"("stream_options":{"include_usage":true})";
		/// The member added when the gateway asks for usage.
};

} // namespace AILoad

#endif

#ifndef AILoad_RequestPath_INCLUDED
#define AILoad_RequestPath_INCLUDED

#include <string>
#include <string_view>

namespace AILoad {

class RequestPath
	/// A request's path, normalised as RFC 3986 section 6.2.2 says before it is routed and
	/// sent upstream: percent-encoded unreserved characters decoded, other percent-encodings
	/// in upper case. What could make an upstream serve something outside its API base is
	/// refused: dot segments (also encoded, such as %2e%2e), encoded "/" and "\", a raw "\",
	/// and an encoded NUL.
{
public:
	static bool normalise(std::string_view path, std::string& normalised, std::string& error);
		/// The path without its query. False, with `error` saying why, when it is refused.
};

} // namespace AILoad

#endif

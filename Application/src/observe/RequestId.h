#ifndef AILoad_RequestId_INCLUDED
#define AILoad_RequestId_INCLUDED

#include <string>

namespace AILoad {

class RequestId
	/// The id that follows a request upstream, back to its client, into the access log and
	/// into its error messages (docs/observability.md, "Request ids").
{
public:
	static std::string accept(const std::string& fromClient);
		/// The client's X-Request-Id when it is 1-128 characters of [A-Za-z0-9._:-], else a
		/// new one: a hostile value is replaced, never echoed.

	static std::string generate();
		/// 24 hex digits: a random prefix drawn once per process, then a counter, so ids are
		/// unique without a system call each.

	static bool acceptable(const std::string& id);
};

} // namespace AILoad

#endif

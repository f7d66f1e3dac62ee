#ifndef AILoad_JsonUsageTap_INCLUDED
#define AILoad_JsonUsageTap_INCLUDED

#include "TokenUsage.h"
#include <cstddef>
#include <string>
#include <string_view>

namespace AILoad {

class JsonUsageTap
	/// The usage of a plain JSON answer (docs/observability.md, "Usage"), read from the
	/// bytes the relay passes on: a copy of the body, at most MAX_BODY bytes, scanned once it
	/// is complete. A larger body, or one that is not a JSON object, has unknown usage.
{
public:
	static constexpr std::size_t MAX_BODY = 1 << 20;

	void take(const char* data, std::size_t size);
		/// The next piece of the body.

	void end(std::string_view last = {});
		/// The body is complete, `last` its last piece (not given to take()): reads its usage.
		/// A body that is all in `last` is read in place. Not called for a body cut off.

	const TokenUsage& usage() const;

private:
	std::string _body;
	bool _tooLarge = false;
	TokenUsage _usage;
};

} // namespace AILoad

#endif

#ifndef AILoad_RequestContext_INCLUDED
#define AILoad_RequestContext_INCLUDED

#include <string>

namespace AILoad {

struct RequestContext
	/// What a strategy may know of one client request. Any field may be empty; a strategy
	/// must work without it.
{
	std::string affinityKey; /// the `X-AILoad-Affinity` header, or else the client address
	std::string clientAddress; /// the client's IP address; behind a trusted proxy, the one it forwarded
	std::string requestedModel; /// the body's `model` as the client wrote it ("auto" when absent): a group, a name or a model
	bool stream = false; /// the body asks for a streamed answer (`"stream": true`)
};

} // namespace AILoad

#endif

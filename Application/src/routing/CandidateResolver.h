#ifndef AILoad_CandidateResolver_INCLUDED
#define AILoad_CandidateResolver_INCLUDED

#include "GatewayConfig.h"
#include <string>
#include <vector>

namespace AILoad {

class CandidateResolver
	/// Turns the request's `model` into the enabled upstreams that may serve it.
	/// The first rule that matches wins: "auto" (or absent) = every enabled upstream;
	/// a group name = its members; a model `name`; an upstream `model` = every entry with it.
{
public:
	static std::vector<const UpstreamConfig*> resolve(const GatewayConfig& config, const std::string& requested);
		/// Empty when nothing enabled matches.
};

} // namespace AILoad

#endif

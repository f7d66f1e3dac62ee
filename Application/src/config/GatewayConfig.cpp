#include "GatewayConfig.h"

#include <set>

namespace AILoad {

std::vector<std::string> GatewayConfig::groupNames() const
{
	std::set<std::string> names;
	for (const auto& upstream : upstreams)
		names.insert(upstream.groups.begin(), upstream.groups.end());
	return {names.begin(), names.end()};
}

const std::string& GatewayConfig::adminTokenInForce() const
{
	return adminToken.empty() ? authToken : adminToken;
}

} // namespace AILoad

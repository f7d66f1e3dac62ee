#include "UpstreamConfig.h"

#include <algorithm>

namespace AILoad {

bool UpstreamConfig::inGroup(const std::string& group) const
{
	return std::find(groups.begin(), groups.end(), group) != groups.end();
}


std::string UpstreamConfig::endpointPathAndQuery(const std::string& pathAfterV1) const
{
	std::string path = apiBase.getPath() + pathAfterV1;
	const std::string& query = apiBase.getRawQuery();
	if (!query.empty()) path += '?' + query;
	return path;
}

} // namespace AILoad

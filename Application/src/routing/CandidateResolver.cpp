#include "CandidateResolver.h"

namespace AILoad {

std::vector<const UpstreamConfig*> CandidateResolver::resolve(const GatewayConfig& config, const std::string& requested)
{
	using Rule = bool (*)(const UpstreamConfig&, const std::string&);
	static const Rule rules[] = {
		[](const UpstreamConfig&, const std::string& name) { return name == "auto" || name.empty(); },
		[](const UpstreamConfig& upstream, const std::string& name) { return upstream.inGroup(name); },
		[](const UpstreamConfig& upstream, const std::string& name) { return upstream.name == name; },
		[](const UpstreamConfig& upstream, const std::string& name) { return upstream.model == name; },
	};
	std::vector<const UpstreamConfig*> candidates;
	candidates.reserve(config.upstreams.size());
	for (Rule rule : rules)
	{
		for (const auto& upstream : config.upstreams)
		{
			if (upstream.enabled && rule(upstream, requested)) candidates.push_back(&upstream);
		}
		if (!candidates.empty()) break;
	}
	return candidates;
}

} // namespace AILoad

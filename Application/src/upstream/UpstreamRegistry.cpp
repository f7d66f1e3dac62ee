#include "UpstreamRegistry.h"

#include <mutex>
#include <set>

namespace AILoad {

UpstreamRegistry::UpstreamRegistry(const Clock& clock):
	_clock(clock)
{
}


void UpstreamRegistry::sync(const GatewayConfig& config)
{
	std::set<std::string> configured;
	for (const UpstreamConfig& upstream : config.upstreams) configured.insert(upstream.name);

	std::unique_lock<std::shared_mutex> lock(_mutex);
	for (auto it = _states.begin(); it != _states.end();)
	{
		if (configured.count(it->first)) ++it;
		else
			it = _states.erase(it);
	}
	for (const std::string& name : configured)
	{
		if (!_states.count(name)) _states.emplace(name, std::make_shared<UpstreamState>(name, _clock));
	}
}


UpstreamState::Ptr UpstreamRegistry::find(const std::string& name) const
{
	std::shared_lock<std::shared_mutex> lock(_mutex);
	const auto found = _states.find(name);
	return found == _states.end() ? nullptr : found->second;
}


UpstreamState::Ptr UpstreamRegistry::of(const std::string& name) const
{
	UpstreamState::Ptr state = find(name);
	return state ? state : std::make_shared<UpstreamState>(name, _clock);
}


std::vector<std::string> UpstreamRegistry::names() const
{
	std::shared_lock<std::shared_mutex> lock(_mutex);
	std::vector<std::string> names;
	names.reserve(_states.size());
	for (const auto& entry : _states) names.push_back(entry.first);
	return names;
}


const Clock& UpstreamRegistry::clock() const
{
	return _clock;
}

} // namespace AILoad

// Tiers and groups as Envoy orders its endpoints (priority levels, then localities inside a
// level, then hosts inside a locality): the best tier that has candidates takes the traffic,
// and inside it each group (a provider, a pool of keys) gets an equal share, whatever its
// size. The share is kept with the smooth round-robin of RoundRobinStrategy.cpp, with every
// group at weight 1, by group name. A group whose members all have weight 0 is only a
// failover path, like such a model.
#include "GroupStrategy.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace AILoad {

void GroupStrategy::configure(const StrategyConfig& config)
{
	// A reload is when groups come and go; those gone would otherwise stay for ever. An
	// order() still running on the config before may bring one back: the next reload drops
	// it again.
	std::lock_guard<std::mutex> lock(_mutex);
	_priority = config.groupPriority;
	for (auto it = _currentWeights.begin(); it != _currentWeights.end();)
	{
		if (it->first.empty() || config.groupNames.count(it->first)) ++it;
		else
			it = _currentWeights.erase(it);
	}
}


void GroupStrategy::order(CandidateOrder& order, const RequestContext& request)
{
	const std::size_t tied = std::min(order.tied, order.candidates.size());
	if (tied < 2) return;
	const auto begin = order.candidates.begin();
	const auto end = begin + static_cast<std::ptrdiff_t>(tied);
	if (std::all_of(begin, end, [&](const Candidate* candidate) { return candidate->inGroup(request.requestedModel); })) return;

	// Best tier first; inside a tier the order stays as it came.
	std::stable_sort(begin, end, [](const Candidate* a, const Candidate* b) { return a->priority() < b->priority(); });
	const int tier = order.candidates.front()->priority();
	const auto tierEnd = std::find_if(begin, end, [&](const Candidate* candidate) { return candidate->priority() != tier; });

	struct Band
	{
		std::string group; /// "" for the entries without a group
		std::vector<const Candidate*> members;
		bool weighted = false;
	};
	std::vector<Band> bands;
	auto join = [&bands](const std::string& group, const Candidate* candidate) {
		auto band = std::find_if(bands.begin(), bands.end(), [&](const Band& b) { return b.group == group; });
		if (band == bands.end()) band = bands.insert(bands.end(), Band{group, {}, false});
		band->members.push_back(candidate);
		band->weighted = band->weighted || candidate->weight() > 0;
	};

	std::lock_guard<std::mutex> lock(_mutex);
	for (auto it = begin; it != tierEnd; ++it)
	{
		const Candidate* candidate = *it;
		if (candidate->groups().empty()) join("", candidate);
		for (const std::string& group : candidate->groups())
		{
			const auto priority = _priority.find(group);
			if ((priority == _priority.end() ? 0 : priority->second) == tier) join(group, candidate);
		}
	}
	if (bands.size() < 2)
	{
		order.tied = static_cast<std::size_t>(tierEnd - begin);
		return;
	}

	const bool anyWeighted = std::any_of(bands.begin(), bands.end(), [](const Band& band) { return band.weighted; });
	Band* chosen = nullptr;
	long long total = 0;
	long long* best = nullptr;
	for (Band& band : bands)
	{
		if (anyWeighted && !band.weighted) continue;
		long long& current = _currentWeights[band.group];
		current += 1;
		total += 1;
		if (!best || current > *best)
		{
			best = &current;
			chosen = &band;
		}
	}
	*best -= total;

	// The chosen group's members first, then the rest of the tier, then the tiers below.
	std::stable_partition(begin, tierEnd, [&](const Candidate* candidate) {
		return std::find(chosen->members.begin(), chosen->members.end(), candidate) != chosen->members.end();
	});
	order.tied = chosen->members.size();
}


std::size_t GroupStrategy::size() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _currentWeights.size();
}


} // namespace AILoad

#include "CandidateSet.h"

namespace AILoad {
namespace Test {

void CandidateSet::add(const std::string& name, int weight, const std::vector<std::string>& groups, int priority)
{
	_entries.push_back({name, name + "-model", groups});
	const Entry& entry = _entries.back();
	_views.emplace_back(entry.name, entry.model, entry.groups, weight, priority);
}


CandidateOrder CandidateSet::order() const
{
	CandidateOrder order;
	for (const Candidate& view : _views) order.candidates.push_back(&view);
	order.tied = order.candidates.size();
	return order;
}


std::vector<std::string> CandidateSet::names(const CandidateOrder& order)
{
	std::vector<std::string> names;
	for (const Candidate* candidate : order.candidates) names.push_back(candidate->name());
	return names;
}

} // namespace Test
} // namespace AILoad

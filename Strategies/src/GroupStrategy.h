#ifndef AILoad_GroupStrategy_INCLUDED
#define AILoad_GroupStrategy_INCLUDED

#include "AILoad/Strategy.h"
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace AILoad {

class GroupStrategy final: public Strategy
	/// `group`: orders the tied candidates by tier (`groups.<name>.priority`, lower first), so
	/// that a backup group is tried only after the tier above, and spreads requests evenly
	/// over the groups of the best tier before the models inside them: of a group with five
	/// members and one with one, each gets half. It leaves the members of the group it chose
	/// tied, for the next strategy (round-robin) to pick among.
	///
	/// Entries without a group count as one group of their own. A request that names a group
	/// is left as it is: it asked for that group.
{
public:
	void configure(const StrategyConfig& config) override;
		/// Also forgets the groups not in `config.groupNames` and keeps the current weights of
		/// the others (see RoundRobinStrategy). The share of the entries without a group, which
		/// is no name, is kept.

	void order(CandidateOrder& order, const RequestContext& request) override;

	std::size_t size() const;
		/// The number of groups with a current weight.

private:
	mutable std::mutex _mutex;
	std::map<std::string, int> _priority;
	std::unordered_map<std::string, long long> _currentWeights; /// by group name ("" for no group): smooth round-robin over the groups
};

} // namespace AILoad

#endif

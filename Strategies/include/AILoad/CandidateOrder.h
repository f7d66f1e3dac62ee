#ifndef AILoad_CandidateOrder_INCLUDED
#define AILoad_CandidateOrder_INCLUDED

#include "AILoad/Candidate.h"
#include <algorithm>
#include <cstddef>
#include <vector>

namespace AILoad {

struct CandidateOrder
	/// The candidates of one request in order of preference, handed from one strategy of
	/// the chain to the next. The first is tried first; the rest, in order, are the
	/// failover path.
	///
	/// `tied` is how far the strategies before have left the choice open: the first `tied`
	/// candidates are equally good so far. A strategy that picks (round-robin, latency)
	/// chooses among those and leaves the rest where they are, so that it refines the
	/// order before it instead of undoing it (the `group` strategy leaves one group of
	/// its best tier tied; the chain starts with every candidate tied).
{
	std::vector<const Candidate*> candidates;
	std::size_t tied = 0;

	void choose(std::size_t index)
		/// Puts candidates[index] first, keeps the others in their order, and ends the tie:
		/// the choice is made.
	{
		std::rotate(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(index), candidates.begin() + static_cast<std::ptrdiff_t>(index) + 1);
		tied = candidates.empty() ? 0 : 1;
	}

	std::size_t find(const std::string& name) const
		/// The position of the candidate with that name, or candidates.size() when absent.
	{
		std::size_t index = 0;
		while (index < candidates.size() && candidates[index]->name() != name) ++index;
		return index;
	}
};

} // namespace AILoad

#endif

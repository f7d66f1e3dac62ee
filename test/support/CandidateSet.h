#ifndef AILoad_Test_CandidateSet_INCLUDED
#define AILoad_Test_CandidateSet_INCLUDED

#include "AILoad/CandidateOrder.h"
#include <deque>
#include <string>
#include <vector>

namespace AILoad {
namespace Test {

class CandidateSet
	/// Upstream entries for calling a strategy directly, without a gateway: owns what the
	/// Candidate views refer to.
{
public:
	void add(const std::string& name, int weight = 1, const std::vector<std::string>& groups = {}, int priority = 0);

	CandidateOrder order() const;
		/// Every entry, in the order added, all tied (as the chain starts).

	static std::vector<std::string> names(const CandidateOrder& order);

private:
	struct Entry
	{
		std::string name;
		std::string model;
		std::vector<std::string> groups;
	};

	std::deque<Entry> _entries; // a deque: the views keep pointing at its elements
	std::deque<Candidate> _views;
};

} // namespace Test
} // namespace AILoad

#endif

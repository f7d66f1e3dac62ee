#ifndef AILoad_Candidate_INCLUDED
#define AILoad_Candidate_INCLUDED

#include <algorithm>
#include <string>
#include <vector>

namespace AILoad {

class Candidate final
	/// A read-only view of one upstream entry (`models[]` of data/config.json) that may serve
	/// the request. It carries what a strategy may order by, and nothing secret: no key, no
	/// URL, no headers.
	///
	/// A view refers to the gateway's config: it is valid only during the call that received
	/// it. Keep state by name(), which stays the same across config reloads.
{
public:
	Candidate(const std::string& name, const std::string& model, const std::vector<std::string>& groups, int weight, int priority):
		_name(&name),
		_model(&model),
		_groups(&groups),
		_weight(weight),
		_priority(priority)
	{
	}

	const std::string& name() const
		/// `models[].name`: unique within a config.
	{
		return *_name;
	}

	const std::string& model() const
		/// `models[].model`: the upstream's model name.
	{
		return *_model;
	}

	const std::vector<std::string>& groups() const
		/// `models[].group`: the groups the entry belongs to, maybe none.
	{
		return *_groups;
	}

	bool inGroup(const std::string& group) const
	{
		return std::find(_groups->begin(), _groups->end(), group) != _groups->end();
	}

	int weight() const
		/// `models[].weight`: share of traffic relative to the others; 0 = only as failover.
	{
		return _weight;
	}

	int priority() const
		/// The entry's tier: the lowest `groups.<name>.priority` of its groups (0 when a group
		/// has none, and for an entry without groups). Lower is tried first.
	{
		return _priority;
	}

private:
	const std::string* _name;
	const std::string* _model;
	const std::vector<std::string>* _groups;
	int _weight;
	int _priority;
};

} // namespace AILoad

#endif

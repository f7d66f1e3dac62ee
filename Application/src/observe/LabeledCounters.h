#ifndef AILoad_LabeledCounters_INCLUDED
#define AILoad_LabeledCounters_INCLUDED

#include <Poco/Types.h>
#include <atomic>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace AILoad {

class LabeledCounters
	/// A family of counters told apart by their labels, e.g. `client="a",code="200"`. Adding
	/// to a label set that exists takes a shared lock and an atomic add, so requests never
	/// wait for each other here; only the first use of a label set takes the lock alone.
{
public:
	void add(const std::string& labels, Poco::UInt64 amount = 1);
		/// `labels` as Prometheus writes them between the braces, values escaped.

	std::atomic<Poco::UInt64>& counter(const std::string& labels);
		/// The counter of `labels`, made at 0 when new. It stays where it is for the
		/// family's life, so a caller may keep it and add to it without a lookup.

	Poco::UInt64 get(const std::string& labels) const;

	std::vector<std::pair<std::string, Poco::UInt64>> snapshot() const;
		/// Every label set and its count, sorted by the labels.

private:
	mutable std::shared_mutex _mutex;
	std::unordered_map<std::string, std::unique_ptr<std::atomic<Poco::UInt64>>> _counters;
};

} // namespace AILoad

#endif

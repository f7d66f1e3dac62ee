#include "LabeledCounters.h"

#include <algorithm>
#include <mutex>

namespace AILoad {

void LabeledCounters::add(const std::string& labels, Poco::UInt64 amount)
{
	counter(labels).fetch_add(amount, std::memory_order_relaxed);
}


std::atomic<Poco::UInt64>& LabeledCounters::counter(const std::string& labels)
{
	{
		std::shared_lock<std::shared_mutex> lock(_mutex);
		const auto found = _counters.find(labels);
		if (found != _counters.end()) return *found->second;
	}
	std::unique_lock<std::shared_mutex> lock(_mutex);
	auto& counter = _counters[labels];
	if (!counter) counter = std::make_unique<std::atomic<Poco::UInt64>>(0);
	return *counter;
}


Poco::UInt64 LabeledCounters::get(const std::string& labels) const
{
	std::shared_lock<std::shared_mutex> lock(_mutex);
	const auto found = _counters.find(labels);
	return found == _counters.end() ? 0 : found->second->load(std::memory_order_relaxed);
}


std::vector<std::pair<std::string, Poco::UInt64>> LabeledCounters::snapshot() const
{
	std::vector<std::pair<std::string, Poco::UInt64>> result;
	{
		std::shared_lock<std::shared_mutex> lock(_mutex);
		result.reserve(_counters.size());
		for (const auto& counter : _counters) result.emplace_back(counter.first, counter.second->load(std::memory_order_relaxed));
	}
	std::sort(result.begin(), result.end());
	return result;
}

} // namespace AILoad

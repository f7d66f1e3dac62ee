#include "Histogram.h"

#include <algorithm>

namespace AILoad {

constexpr std::array<double, 14> Histogram::bounds;


void Histogram::observe(Poco::Timespan duration)
{
	const Poco::Int64 micros = std::max<Poco::Int64>(0, duration.totalMicroseconds());
	const double seconds = static_cast<double>(micros) / 1e6;
	const auto bucket = static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
	if (bucket < _buckets.size()) ++_buckets[bucket];
	++_count;
	_sumMicros += micros;
}


Poco::UInt64 Histogram::cumulative(std::size_t bucket) const
{
	Poco::UInt64 total = 0;
	for (std::size_t i = 0; i <= bucket && i < _buckets.size(); ++i) total += _buckets[i];
	return total;
}


Poco::UInt64 Histogram::count() const
{
	return _count;
}


double Histogram::sumSeconds() const
{
	return static_cast<double>(_sumMicros) / 1e6;
}

} // namespace AILoad

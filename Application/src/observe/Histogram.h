#ifndef AILoad_Histogram_INCLUDED
#define AILoad_Histogram_INCLUDED

#include <Poco/Timespan.h>
#include <Poco/Types.h>
#include <array>

namespace AILoad {

class Histogram
	/// Durations counted into the fixed buckets of a Prometheus histogram, from 5 ms to
	/// 5 minutes (a reasoning model's first token can take minutes). A value: its owner
	/// guards it (UpstreamState holds two under its mutex).
{
public:
	static constexpr std::array<double, 14> bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
		/// The upper bounds in seconds (`le`); +Inf is count().

	void observe(Poco::Timespan duration);

	Poco::UInt64 cumulative(std::size_t bucket) const;
		/// How many were at most bounds[bucket].
	Poco::UInt64 count() const;
	double sumSeconds() const;

private:
	std::array<Poco::UInt64, bounds.size()> _buckets{}; /// not cumulative: each value in one bucket
	Poco::UInt64 _count = 0;
	Poco::Int64 _sumMicros = 0;
};

} // namespace AILoad

#endif

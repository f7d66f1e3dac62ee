#ifndef AILoad_ProcessStats_INCLUDED
#define AILoad_ProcessStats_INCLUDED

#include <Poco/Types.h>

namespace AILoad {

struct ProcessStats
	/// The process's own figures for the standard `process_*` metrics, read from /proc
	/// (Linux); a figure it cannot read is -1.
{
	double cpuSeconds = -1; /// user and system
	double startTimeSeconds = -1; /// since the epoch
	Poco::Int64 residentBytes = -1;
	Poco::Int64 openFds = -1;
	Poco::Int64 threads = -1;

	static ProcessStats read();
};

} // namespace AILoad

#endif

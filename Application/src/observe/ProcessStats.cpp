#include "ProcessStats.h"

#include <dirent.h>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace AILoad {

namespace {

double bootTimeSeconds()
{
	std::ifstream stat("/proc/stat");
	std::string key;
	double value = 0;
	while (stat >> key)
	{
		if (key == "btime" && stat >> value) return value;
		stat.ignore(1 << 20, '\n');
	}
	return -1;
}

} // namespace


ProcessStats ProcessStats::read()
{
	ProcessStats stats;
	const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
	const long pageSize = ::sysconf(_SC_PAGESIZE);

	std::ifstream file("/proc/self/stat");
	const std::string line((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
	// Fields after the command, which is in parentheses and may hold spaces.
	const std::string::size_type close = line.rfind(')');
	if (close != std::string::npos && ticks > 0)
	{
		std::istringstream rest(line.substr(close + 1));
		std::vector<std::string> fields((std::istream_iterator<std::string>(rest)), std::istream_iterator<std::string>());
		// fields[0] is field 3 (state): field N is fields[N - 3].
		if (fields.size() > 21)
		{
			stats.cpuSeconds = (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
			stats.threads = std::stoll(fields[17]);
			const double boot = bootTimeSeconds();
			if (boot >= 0) stats.startTimeSeconds = boot + std::stod(fields[19]) / ticks;
			stats.residentBytes = std::stoll(fields[21]) * pageSize;
		}
	}

	if (DIR* fds = ::opendir("/proc/self/fd"))
	{
		Poco::Int64 count = 0;
		while (const dirent* entry = ::readdir(fds))
			if (entry->d_name[0] != '.') ++count;
		::closedir(fds);
		stats.openFds = count - 1; // not the one opendir() holds
	}
	return stats;
}

} // namespace AILoad

#ifndef AILoad_Test_ChildProcess_INCLUDED
#define AILoad_Test_ChildProcess_INCLUDED

#include <Poco/Timespan.h>
#include <string>
#include <vector>

namespace AILoad {
namespace Test {

class ChildProcess
	/// Runs a command to its end and collects what it printed (stdout and stderr together).
{
public:
	struct Result
	{
		int exitCode = -1;
		std::string output;
		bool killed = false;   /// it was still running at the deadline and was killed

		std::string describe(const std::string& what) const;
			/// For failure messages: what ran, its exit code and output.
	};

	static Result run(const std::string& command, const std::vector<std::string>& args, const std::string& directory, Poco::Timespan timeout);
};

} } // namespace AILoad::Test

#endif

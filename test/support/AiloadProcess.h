#ifndef AILoad_Test_AiloadProcess_INCLUDED
#define AILoad_Test_AiloadProcess_INCLUDED

#include "ChildProcess.h"
#include <Poco/Types.h>

namespace AILoad {
namespace Test {

class TempDirectory;

class AiloadProcess: public ChildProcess
	/// The aiload binary of this build, run as a user would: started in a folder (which
	/// relative paths are taken from) with exactly the given options.
{
public:
	AiloadProcess(const std::vector<std::string>& options, const std::string& directory);

	bool healthy(Poco::UInt16 port, Poco::Timespan timeout);
		/// Polls GET /health on 127.0.0.1:port until it answers 200 (true), the process
		/// ends or the time is up (false).

	static std::string shippedProperties();
		/// The source tree's etc/aiload.properties.

	static std::string writeProperties(const TempDirectory& directory, const std::string& configPath, const std::string& name = "aiload.properties");
		/// Writes a copy of the shipped properties file that differs only in aiload.config
		/// into the directory, and returns its path; tests of what the file says use the
		/// real one, not one of their own.

	static Poco::UInt16 freePort();
		/// A port nothing listens on right now: the kernel picks it, and it is released again.
};

} // namespace Test
} // namespace AILoad

#endif

#ifndef AILoad_Test_MockUpstreamProcess_INCLUDED
#define AILoad_Test_MockUpstreamProcess_INCLUDED

#include "ChildProcess.h"
#include <Poco/Types.h>

namespace AILoad {
namespace Test {

class MockUpstreamProcess: public ChildProcess
	/// The aiload-mock binary of this build, listening on a port of its choosing: the
	/// upstream of an aiload process (one in the test's own process would stop with the test
	/// while aiload is still being watched).
{
public:
	MockUpstreamProcess(const std::vector<std::string>& options, const std::string& directory);
		/// Starts it with --port=0 and the options, and waits until it says where it
		/// listens; throws if it does not within 10 s.

	Poco::UInt16 port() const;

private:
	Poco::UInt16 _port = 0;
};

} // namespace Test
} // namespace AILoad

#endif

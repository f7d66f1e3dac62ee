#include "MockUpstreamProcess.h"

#include <Poco/Exception.h>

#ifndef AILOAD_MOCK_BINARY
#error "AILOAD_MOCK_BINARY must name the aiload-mock executable"
#endif

namespace AILoad {
namespace Test {

namespace {

std::vector<std::string> withPortZero(const std::vector<std::string>& options)
{
	std::vector<std::string> args{"--port=0"};
	args.insert(args.end(), options.begin(), options.end());
	return args;
}

} // namespace


MockUpstreamProcess::MockUpstreamProcess(const std::vector<std::string>& options, const std::string& directory):
	ChildProcess(AILOAD_MOCK_BINARY, withPortZero(options), directory)
{
	const std::string port = waitForLine("listening on 127.0.0.1:", Poco::Timespan(10, 0));
	if (port.empty()) throw Poco::RuntimeException("aiload-mock did not start", output());
	_port = static_cast<Poco::UInt16>(std::stoi(port));
}


Poco::UInt16 MockUpstreamProcess::port() const
{
	return _port;
}

} // namespace Test
} // namespace AILoad

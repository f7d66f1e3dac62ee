#include "ChildProcess.h"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace AILoad {
namespace Test {

std::string ChildProcess::Result::describe(const std::string& what) const
{
	return what + (killed ? " was killed at its deadline" : " exited with " + std::to_string(exitCode)) + ":\n" + output;
}


ChildProcess::Result ChildProcess::run(const std::string& command, const std::vector<std::string>& args, const std::string& directory, Poco::Timespan timeout)
{
	Poco::Pipe output;  // stdout and stderr both, in the order written
	Poco::ProcessHandle handle = Poco::Process::launch(command, args, directory, nullptr, &output, &output);

	Result result;
	std::mutex mutex;
	std::condition_variable ended;
	bool outputEnded = false;
	std::thread watchdog([&]
	{
		std::unique_lock<std::mutex> lock(mutex);
		if (!ended.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [&] { return outputEnded; }))
		{
			result.killed = true;
			Poco::Process::kill(handle);
		}
	});
	Poco::PipeInputStream in(output);
	Poco::StreamCopier::copyToString(in, result.output);
	{
		std::lock_guard<std::mutex> lock(mutex);
		outputEnded = true;
	}
	ended.notify_all();
	watchdog.join();
	result.exitCode = handle.wait();
	return result;
}

} } // namespace AILoad::Test

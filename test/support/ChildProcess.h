#ifndef AILoad_Test_ChildProcess_INCLUDED
#define AILoad_Test_ChildProcess_INCLUDED

#include <Poco/Pipe.h>
#include <Poco/Process.h>
#include <Poco/Timespan.h>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace AILoad {
namespace Test {

class ChildProcess
	/// A launched command whose stdout and stderr are read in full by two threads, so that
	/// it never blocks on a full pipe and a test can wait for a line it prints. The
	/// destructor kills it if it still runs.
{
public:
	struct Result
	{
		int exitCode = -1;
		std::string output;
		bool killed = false; /// it was still running at the deadline and was killed

		std::string describe(const std::string& what) const;
			/// For failure messages: what ran, its exit code and output.
	};

	static Result run(const std::string& command, const std::vector<std::string>& args, const std::string& directory, Poco::Timespan timeout);
		/// Runs a command to its end and collects what it printed (stdout and stderr
		/// together, in the order written).

	ChildProcess(const std::string& command, const std::vector<std::string>& args, const std::string& directory);
		/// Starts the command in the directory, its stdout and stderr apart.

	virtual ~ChildProcess();
		/// Kills the process if it still runs, and waits for it.

	ChildProcess(const ChildProcess&) = delete;
	ChildProcess& operator=(const ChildProcess&) = delete;

	Poco::ProcessHandle::PID id() const;

	void signal(int number);
		/// Sends the signal; throws if the process has exited already.

	bool waitForExit(Poco::Timespan timeout);
		/// True if the process ended within the timeout (at once for 0); exitCode() then
		/// holds its code, and out() and err() all it printed.

	bool running();
		/// True if it has not exited yet.

	int exitCode() const;
		/// -1 until waitForExit() saw it end.

	std::string waitForLine(const std::string& part, Poco::Timespan timeout);
		/// The rest of the first output line (stdout or stderr) that contains `part`, once
		/// the line is complete; "" if none came in time or the output ended.

	std::string out() const;
	std::string err() const;

	std::string output() const;
		/// Exit code (once exited) and both streams, for failure messages and leak checks.

private:
	ChildProcess(const std::string& command, const std::vector<std::string>& args, const std::string& directory, bool merged);
		/// With merged, stdout and stderr share one pipe, read into out().

	void read(Poco::Pipe& pipe, std::string& into);
	void joinReaders();

	Poco::Pipe _inPipe;
	Poco::Pipe _outPipe;
	Poco::Pipe _errPipe;
	Poco::ProcessHandle _handle;
	int _readers;
	std::thread _outReader;
	std::thread _errReader;
	mutable std::mutex _mutex;
	std::condition_variable _changed;
	std::string _out;
	std::string _err;
	int _readersDone = 0;
	bool _exited = false;
	int _exitCode = -1;
};

} // namespace Test
} // namespace AILoad

#endif

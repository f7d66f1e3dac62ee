//
// DaemonTest.cpp
//
// Tests of aiload as a daemon, run as a child process.
//


#include "DaemonTest.h"
#include "TestClient.h"
#include <Poco/File.h>
#include <Poco/Timestamp.h>
#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

CPPUNIT_TEST_SUITE_REGISTRATION(DaemonTest);


using namespace AILoad::Test;


namespace {


void pause(int milliseconds)
	/// The step of a poll that has its own deadline.
{
	std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
}


bool processGone(int pid)
	/// No such process, or only its zombie (a daemon's parent is init, which may reap late).
{
	std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
	std::string line;
	if (!std::getline(stat, line)) return true;
	const std::size_t state = line.rfind(')');
	return state != std::string::npos && line.compare(state, 3, ") Z") == 0;
}


class DaemonGuard
	/// Kills a daemon that a failed test left running.
{
public:
	int pid = 0;

	~DaemonGuard()
	{
		if (pid > 0 && !processGone(pid)) ::kill(pid, SIGKILL);
	}
};


} // namespace


void DaemonTest::testDaemonWithPidfile()
{
	MockUpstreamProcess mock({"--name=m1"}, directory().path());
	const Poco::UInt16 port = AiloadProcess::freePort();
	const std::string configPath = directory().write("config.json", config(port, mock.port()));
	const std::string pidPath = path("run/aiload.pid");
	Poco::File(path("run")).createDirectories();

	// The launching process ends at once; the daemon it forked writes its pid and serves.
	AiloadProcess launcher(withProperties(configPath, {"--daemon", "--pidfile=" + pidPath}), directory().path());
	CPPUNIT_ASSERT_MESSAGE(launcher.output(), launcher.waitForExit(Poco::Timespan(10, 0)));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(launcher.output(), 0, launcher.exitCode());

	DaemonGuard daemon;
	TestClient client(port, TOKEN);
	client.setTimeout(Poco::Timespan(2, 0));
	HttpAnswer answer;
	const Poco::Timestamp deadline = Poco::Timestamp() + Poco::Timespan(15, 0);
	while (answer.status != 200 && Poco::Timestamp() < deadline)
	{
		try
		{
			if (daemon.pid == 0 && Poco::File(pidPath).exists()) daemon.pid = std::stoi(directory().read(pidPath));
			answer = client.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
		}
		catch (std::exception&)
		{
			pause(50); // not listening yet, or the pid file half written
		}
	}
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 200, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("mock-model"), answer.header("X-Model"));
	CPPUNIT_ASSERT_MESSAGE("no pid in " + pidPath, daemon.pid > 0);
	CPPUNIT_ASSERT(daemon.pid != launcher.id());
	CPPUNIT_ASSERT(!processGone(daemon.pid));

	// SIGTERM stops the daemon, which removes its pid file.
	CPPUNIT_ASSERT_EQUAL(0, ::kill(daemon.pid, SIGTERM));
	const Poco::Timestamp stopDeadline = Poco::Timestamp() + Poco::Timespan(10, 0);
	while (!processGone(daemon.pid) && Poco::Timestamp() < stopDeadline) pause(20);
	CPPUNIT_ASSERT_MESSAGE("the daemon still runs 10 s after SIGTERM", processGone(daemon.pid));
	CPPUNIT_ASSERT(!Poco::File(pidPath).exists());
}

//
// ApplicationTest.cpp
//
// Tests of the aiload process (GatewayApplication), run as a child process.
//


#include "ApplicationTest.h"
#include "ConfigFile.h"
#include "ConfigLoader.h"
#include "JsonScanner.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Path.h>
#include <Poco/Pipe.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Timestamp.h>
#include <cppunit/TestAssert.h>
#include <cppunit/TestCaller.h>
#include <cppunit/TestSuite.h>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <vector>


#ifndef AILOAD_BINARY
#error "AILOAD_BINARY must name the aiload executable"
#endif
#ifndef AILOAD_MOCK_BINARY
#error "AILOAD_MOCK_BINARY must name the aiload-mock executable"
#endif
#ifndef AILOAD_SOURCE_DIR
#error "AILOAD_SOURCE_DIR must name the source tree"
#endif


namespace {


const std::string TOKEN = "sk-apptest0123456789abcdefghijABCDEFGHIJ0123456789";
const std::string UPSTREAM_KEY = "sk-upstream-secret-key";


void pause(int milliseconds)
	/// The step of a poll that has its own deadline.
{
	std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
}


class Child
	/// A launched process whose stdout and stderr are read in full by two threads (so it
	/// never blocks on a full pipe). The destructor kills it if it is still running.
{
public:
	Child(const std::string& command, const std::vector<std::string>& args, const std::string& directory):
		_handle(Poco::Process::launch(command, args, directory, &_inPipe, &_outPipe, &_errPipe))
	{
		_inPipe.close();
		_outReader = std::thread([this] { read(_outPipe, _out); });
		_errReader = std::thread([this] { read(_errPipe, _err); });
	}

	~Child()
	{
		if (!_exited)
		{
			try
			{
				Poco::Process::kill(_handle);
				_handle.wait();
			}
			catch (Poco::Exception&)
			{
			}
		}
		joinReaders();
	}

	Child(const Child&) = delete;
	Child& operator = (const Child&) = delete;

	Poco::ProcessHandle::PID id() const
	{
		return _handle.id();
	}

	void signal(int number)
	{
		CPPUNIT_ASSERT_MESSAGE("process already exited", !_exited);
		CPPUNIT_ASSERT_EQUAL(0, ::kill(_handle.id(), number));
	}

	bool waitForExit(Poco::Timespan timeout)
		/// True if the process ended within the timeout; exitCode() then holds its code.
	{
		const Poco::Timestamp deadline = Poco::Timestamp() + timeout;
		while (!_exited)
		{
			const int code = _handle.tryWait();
			if (code != -1)
			{
				_exited = true;
				_exitCode = code;
				joinReaders();
			}
			else if (Poco::Timestamp() >= deadline) return false;
			else pause(10);
		}
		return true;
	}

	bool running()
	{
		return !waitForExit(0);
	}

	int exitCode() const
	{
		return _exitCode;
	}

	std::string waitForLine(const std::string& prefix, Poco::Timespan timeout)
		/// The rest of the first output line (stdout or stderr) that contains the prefix, once
		/// the line is complete; "" if none came in time or the output ended.
	{
		std::unique_lock<std::mutex> lock(_mutex);
		std::string rest;
		_changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [&]
		{
			for (const std::string* text: {&_out, &_err})
			{
				const std::size_t at = text->find(prefix);
				const std::size_t end = at == std::string::npos ? at : text->find('\n', at);
				if (end != std::string::npos)
				{
					rest = text->substr(at + prefix.size(), end - at - prefix.size());
					return true;
				}
			}
			return _readersDone == 2;
		});
		return rest;
	}

	std::string out() const
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _out;
	}

	std::string err() const
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _err;
	}

	std::string output() const
		/// Both streams, for failure messages and leak checks.
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return "[stdout]\n" + _out + "[stderr]\n" + _err;
	}

private:
	void read(Poco::Pipe& pipe, std::string& into)
	{
		char buffer[4096];
		for (;;)
		{
			int n = 0;
			try
			{
				n = pipe.readBytes(buffer, sizeof(buffer));
			}
			catch (Poco::Exception&)
			{
				n = 0;
			}
			std::lock_guard<std::mutex> lock(_mutex);
			if (n <= 0)
			{
				++_readersDone;
				_changed.notify_all();
				return;
			}
			into.append(buffer, static_cast<std::size_t>(n));
			_changed.notify_all();
		}
	}

	void joinReaders()
	{
		if (_outReader.joinable()) _outReader.join();
		if (_errReader.joinable()) _errReader.join();
	}

	Poco::Pipe _inPipe;
	Poco::Pipe _outPipe;
	Poco::Pipe _errPipe;
	Poco::ProcessHandle _handle;
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


struct Run
	/// A finished run of a short-lived command.
{
	int exitCode = -1;
	std::string out;
	std::string err;

	std::string output() const
	{
		return "exit " + std::to_string(exitCode) + "\n[stdout]\n" + out + "[stderr]\n" + err;
	}
};


Run run(const std::string& directory, const std::vector<std::string>& args)
	/// Runs aiload to its end; one that is still running after 20 s fails the test.
{
	Child child(AILOAD_BINARY, args, directory);
	if (!child.waitForExit(Poco::Timespan(20, 0)))
		CPPUNIT_FAIL("aiload did not exit within 20 s:\n" + child.output());
	return Run{child.exitCode(), child.out(), child.err()};
}


std::string readFile(const std::string& path)
{
	std::string text;
	Poco::FileInputStream in(path);
	Poco::StreamCopier::copyToString(in, text);
	return text;
}


void writeFile(const std::string& path, const std::string& text, mode_t mode = 0600)
{
	{
		Poco::FileOutputStream out(path);
		out << text;
	}
	::chmod(path.c_str(), mode);
}


bool contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}


std::size_t count(const std::string& text, const std::string& part)
{
	std::size_t n = 0;
	for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
	return n;
}


std::vector<std::string> linesStartingWith(const std::string& text, const std::string& prefix)
{
	std::vector<std::string> lines;
	std::istringstream in(text);
	std::string line;
	while (std::getline(in, line))
	{
		if (line.compare(0, prefix.size(), prefix) == 0) lines.push_back(line);
	}
	return lines;
}


Poco::UInt16 freePort()
	/// A port nothing listens on right now: the kernel picks it, and it is released again.
{
	Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
	return socket.address().port();
}


std::string config(Poco::UInt16 port, Poco::UInt16 mockPort, const std::string& settings = "\"timeout\": 30")
{
	return "{\n"
		"  \"auth_token\": \"" + TOKEN + "\",\n"
		"  \"models\": [\n"
		"    { \"model\": \"mock-model\", \"base_url\": \"http://127.0.0.1:" + std::to_string(mockPort) + "/v1/chat/completions\", \"api_key\": \"" + UPSTREAM_KEY + "\" }\n"
		"  ],\n"
		"  \"server\": { \"host\": \"127.0.0.1\", \"port\": " + std::to_string(port) + " },\n"
		"  \"settings\": { " + settings + " }\n"
		"}\n";
}


struct Answer
{
	int status = 0;
	std::string body;
	Poco::Net::NameValueCollection headers;
};


Answer request(Poco::Net::HTTPClientSession& session, const std::string& method, const std::string& path, const std::string& body = "", const std::string& token = TOKEN)
{
	Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
	if (!token.empty()) request.set("Authorization", "Bearer " + token);
	if (method == Poco::Net::HTTPRequest::HTTP_POST)
	{
		request.setContentType("application/json");
		request.setContentLength(static_cast<std::streamsize>(body.size()));
	}
	session.sendRequest(request) << body;
	Poco::Net::HTTPResponse response;
	std::istream& in = session.receiveResponse(response);
	Answer answer;
	answer.status = response.getStatus();
	for (const auto& header: response) answer.headers.add(header.first, header.second);
	Poco::StreamCopier::copyToString(in, answer.body);
	return answer;
}


bool waitForHealth(Child& gateway, Poco::UInt16 port, Poco::Timespan timeout)
	/// Polls GET /health until it answers 200, the process ends or the time is up.
{
	const Poco::Timestamp deadline = Poco::Timestamp() + timeout;
	while (Poco::Timestamp() < deadline && gateway.running())
	{
		try
		{
			Poco::Net::HTTPClientSession session("127.0.0.1", port);
			session.setTimeout(Poco::Timespan(1, 0));
			if (request(session, Poco::Net::HTTPRequest::HTTP_GET, "/health", "", "").status == 200) return true;
		}
		catch (Poco::Exception&)
		{
		}
		pause(50);
	}
	return false;
}


Poco::UInt16 startMock(std::unique_ptr<Child>& mock, const std::string& directory, const std::vector<std::string>& options)
	/// Starts aiload-mock on a port of its choosing and returns the port it printed.
{
	std::vector<std::string> args{"--port=0"};
	args.insert(args.end(), options.begin(), options.end());
	mock = std::make_unique<Child>(AILOAD_MOCK_BINARY, args, directory);
	const std::string port = mock->waitForLine("listening on 127.0.0.1:", Poco::Timespan(10, 0));
	CPPUNIT_ASSERT_MESSAGE("aiload-mock did not start:\n" + mock->output(), !port.empty());
	return static_cast<Poco::UInt16>(std::stoi(port));
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


bool dechunk(const std::string& response, std::string& head, std::string& body)
	/// Splits a raw chunked HTTP response; true if it ended with the terminating chunk.
{
	const std::size_t headEnd = response.find("\r\n\r\n");
	if (headEnd == std::string::npos) return false;
	head = response.substr(0, headEnd + 2);
	std::size_t at = headEnd + 4;
	for (;;)
	{
		const std::size_t lineEnd = response.find("\r\n", at);
		if (lineEnd == std::string::npos) return false;
		const std::size_t size = std::stoul(response.substr(at, lineEnd - at), nullptr, 16);
		at = lineEnd + 2;
		if (size == 0) return response.compare(at, 2, "\r\n") == 0;
		if (at + size + 2 > response.size()) return false;
		body.append(response, at, size);
		at += size + 2;
	}
}


} // namespace


void ApplicationTest::setUp()
{
	_dir = Poco::TemporaryFile::tempName();
	Poco::File(_dir).createDirectories();
}


void ApplicationTest::tearDown()
{
	if (!_dir.empty() && Poco::File(_dir).exists()) Poco::File(_dir).remove(true);
}


std::string ApplicationTest::path(const std::string& name) const
{
	return Poco::Path(_dir).makeDirectory().append(name).toString();
}


std::string ApplicationTest::writeProperties(const std::string& configPath, const std::string& name) const
	/// A copy of the shipped properties file that differs only in aiload.config.
{
	std::istringstream shipped(readFile(std::string(AILOAD_SOURCE_DIR) + "/etc/aiload.properties"));
	std::string text;
	std::string line;
	bool replaced = false;
	while (std::getline(shipped, line))
	{
		if (line.compare(0, 13, "aiload.config") == 0 && (line.size() == 13 || line[13] == ' ' || line[13] == '='))
		{
			line = "aiload.config = " + configPath;
			replaced = true;
		}
		text += line + "\n";
	}
	CPPUNIT_ASSERT_MESSAGE("etc/aiload.properties has no aiload.config line", replaced);
	const std::string properties = path(name);
	writeFile(properties, text, 0644);
	return properties;
}


void ApplicationTest::testHelp()
{
	const std::string properties = writeProperties(path("config.json"));
	const Run help = run(_dir, {"--properties=" + properties, "--help"});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(help.output(), 0, help.exitCode);
	for (const char* option: {"--help", "--version", "--check-config", "--properties", "--define", "--daemon", "--pidfile"})
		CPPUNIT_ASSERT_MESSAGE(std::string(option) + " missing from --help:\n" + help.output(), contains(help.out, option));
	// It says which properties file this run uses.
	CPPUNIT_ASSERT_MESSAGE(help.output(), contains(help.out, properties));
}


void ApplicationTest::testVersion()
{
	const std::string properties = writeProperties(path("config.json"));
	const Run version = run(_dir, {"--properties=" + properties, "--version"});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(version.output(), 0, version.exitCode);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(version.output(), std::string("aiload 0.1.0\n"), version.out);
	// No config is needed, so none is created.
	CPPUNIT_ASSERT(!Poco::File(path("config.json")).exists());
}


void ApplicationTest::testCheckConfigValid()
{
	const std::string configPath = path("config.json");
	std::string withoutToken = config(freePort(), 9, "\"timeout\": 30, \"colour\": \"red\"");
	withoutToken.replace(withoutToken.find(TOKEN), TOKEN.size(), "");
	writeFile(configPath, withoutToken);

	const Run check = run(_dir, {"--properties=" + writeProperties(configPath), "--check-config"});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), 0, check.exitCode);
	CPPUNIT_ASSERT_MESSAGE(check.output(), contains(check.out, "config OK"));
	// The unknown key is only a warning, naming the file and the path.
	CPPUNIT_ASSERT_MESSAGE(check.output(), contains(check.out + check.err, configPath + ": settings.colour"));
	// Checking changes nothing: no token is generated into the file.
	CPPUNIT_ASSERT_EQUAL(withoutToken, readFile(configPath));
}


void ApplicationTest::testCheckConfigProblems()
{
	const std::string configPath = path("config.json");
	writeFile(configPath,
		"{\n"
		"  \"auth_token\": \"" + TOKEN + "\",\n"
		"  \"models\": [ { \"model\": \"m\", \"base_url\": \"ftp://x\" } ],\n"
		"  \"server\": { \"port\": 70000 }\n"
		"}\n");
	const Run check = run(_dir, {"--properties=" + writeProperties(configPath), "--check-config"});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), 1, check.exitCode);
	CPPUNIT_ASSERT_MESSAGE(check.output(), !contains(check.out, "config OK"));
	// One line per problem, each naming the file and the JSON path.
	const std::vector<std::string> lines = linesStartingWith(check.out + check.err, configPath + ": ");
	CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), std::size_t(2), lines.size());
	CPPUNIT_ASSERT_MESSAGE(check.output(), linesStartingWith(check.err, configPath + ": models[0].base_url: ").size() == 1);
	CPPUNIT_ASSERT_MESSAGE(check.output(), linesStartingWith(check.err, configPath + ": server.port: ").size() == 1);
}


void ApplicationTest::testCheckConfigSyntaxError()
{
	const std::string configPath = path("config.json");
	writeFile(configPath, "{\n  \"models\": [\n    {\"model\": \"a\",}\n  ]\n}\n");
	const Run check = run(_dir, {"--properties=" + writeProperties(configPath), "--check-config"});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), 1, check.exitCode);
	CPPUNIT_ASSERT_MESSAGE(check.output(), linesStartingWith(check.err, configPath + ":3:19: invalid JSON: ").size() == 1);
}


void ApplicationTest::testDefineOverridesProperties()
{
	const std::string valid = path("valid.json");
	const std::string invalid = path("invalid.json");
	writeFile(valid, config(freePort(), 9));
	writeFile(invalid, "{ \"models\": [ { \"model\": \"m\", \"base_url\": \"https://h/v1\", \"weight\": -1 } ] }");

	// The properties file names the invalid config; -D points at the valid one.
	Run check = run(_dir, {"--properties=" + writeProperties(invalid, "invalid.properties"), "--check-config", "-Daiload.config=" + valid});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), 0, check.exitCode);
	CPPUNIT_ASSERT_MESSAGE(check.output(), contains(check.out, "config OK"));

	// And the other way round, with the long form, so the override is what decides.
	check = run(_dir, {"--properties=" + writeProperties(valid, "valid.properties"), "--check-config", "--define=aiload.config=" + invalid});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), 1, check.exitCode);
	CPPUNIT_ASSERT_MESSAGE(check.output(), linesStartingWith(check.err, invalid + ": models[0].weight: ").size() == 1);

	// A relative path is taken from the directory the process started in.
	Poco::File(path("sub")).createDirectories();
	writeFile(path("sub/relative.json"), config(freePort(), 9));
	check = run(_dir, {"--properties=" + writeProperties(invalid, "invalid.properties"), "--check-config", "-Daiload.config=sub/relative.json"});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), 0, check.exitCode);
	CPPUNIT_ASSERT_MESSAGE(check.output(), contains(check.out, "config OK"));
}


void ApplicationTest::testSeedsMissingConfig()
{
	// The shipped relative path data/config.json, resolved against the start directory;
	// neither data/ nor the file exists yet.
	const std::string configPath = path("data/config.json");
	const std::string properties = writeProperties("data/config.json");

	// The seed listens on 0.0.0.0:2081. If something else holds that port, start-up fails
	// after the config chores; those are still checked, the clean shutdown is not.
	bool portFree = true;
	try
	{
		Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("0.0.0.0", 2081));
	}
	catch (Poco::Exception&)
	{
		portFree = false;
	}

	Child gateway(AILOAD_BINARY, {"--properties=" + properties}, _dir);
	const std::string listening = gateway.waitForLine("listening on", Poco::Timespan(15, 0));
	if (portFree) CPPUNIT_ASSERT_MESSAGE("aiload did not start:\n" + gateway.output(), !listening.empty());

	CPPUNIT_ASSERT_MESSAGE(gateway.output(), Poco::File(configPath).exists());
	const std::string text = readFile(configPath);
	const AILoad::JsonScanner::Result scanned = AILoad::JsonScanner::scan(text);
	CPPUNIT_ASSERT_MESSAGE(text, scanned.valid && scanned.find("auth_token"));
	const AILoad::JsonScanner::Member& member = *scanned.find("auth_token");
	const std::string token = AILoad::JsonScanner::decodeString(text.substr(member.valueBegin, member.valueEnd - member.valueBegin));
	CPPUNIT_ASSERT_MESSAGE(token, std::regex_match(token, std::regex("^sk-[A-Za-z0-9]{40,}$")));
	// The seed's models, every byte but the token as seeded.
	std::string withoutToken = text;
	withoutToken.erase(member.valueBegin + 1, token.size());
	CPPUNIT_ASSERT_EQUAL(AILoad::ConfigFile::seed(), withoutToken);
	struct stat status;
	CPPUNIT_ASSERT_EQUAL(0, ::stat(configPath.c_str(), &status));
	CPPUNIT_ASSERT_EQUAL(mode_t(0600), status.st_mode & 07777);

	if (portFree)
	{
		// SIGINT (what Poco::Process::requestTermination sends) stops it like SIGTERM.
		Poco::Process::requestTermination(gateway.id());
		CPPUNIT_ASSERT_MESSAGE("no exit within 10 s after SIGINT:\n" + gateway.output(), gateway.waitForExit(Poco::Timespan(10, 0)));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(gateway.output(), 0, gateway.exitCode());
	}
	else
	{
		CPPUNIT_ASSERT(gateway.waitForExit(Poco::Timespan(10, 0)));
	}

	// It says that a token was generated and where, never the token.
	const std::string output = gateway.output();
	CPPUNIT_ASSERT_MESSAGE(output, !contains(output, token));
	CPPUNIT_ASSERT_MESSAGE(output, contains(output, "token") && contains(output, configPath));
}


void ApplicationTest::testInvalidConfigDoesNotServe()
{
	const std::string configPath = path("config.json");
	const Poco::UInt16 port = freePort();
	const std::string text =
		"{\n"
		"  \"auth_token\": \"\",\n"
		"  \"models\": [ { \"model\": \"m\", \"base_url\": \"http://127.0.0.1:9/v1\", \"weight\": -1 } ],\n"
		"  \"server\": { \"host\": \"127.0.0.1\", \"port\": " + std::to_string(port) + " }\n"
		"}\n";
	writeFile(configPath, text);

	Child gateway(AILOAD_BINARY, {"--properties=" + writeProperties(configPath)}, _dir);
	CPPUNIT_ASSERT_MESSAGE("aiload kept running on an invalid config:\n" + gateway.output(), gateway.waitForExit(Poco::Timespan(15, 0)));
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), gateway.exitCode() != 0);
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), linesStartingWith(gateway.err(), configPath + ": models[0].weight: ").size() == 1);
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), !contains(gateway.output(), "listening on"));
	// An invalid file is left as it is: no token is written into it.
	CPPUNIT_ASSERT_EQUAL(text, readFile(configPath));
}


void ApplicationTest::testServesAndStopsOnSigterm()
{
	std::unique_ptr<Child> mock;
	const Poco::UInt16 mockPort = startMock(mock, _dir, {"--name=m1"});
	const Poco::UInt16 port = freePort();
	const std::string configPath = path("config.json");
	// Readable by others on purpose: start-up must warn about it.
	writeFile(configPath, config(port, mockPort), 0644);

	Child gateway(AILOAD_BINARY, {"--properties=" + writeProperties(configPath)}, _dir);
	CPPUNIT_ASSERT_MESSAGE("GET /health never answered:\n" + gateway.output(), waitForHealth(gateway, port, Poco::Timespan(15, 0)));

	// The session stays open (an idle keep-alive connection) across the SIGTERM below.
	Poco::Net::HTTPClientSession session("127.0.0.1", port);
	session.setTimeout(Poco::Timespan(10, 0));
	Answer health = request(session, Poco::Net::HTTPRequest::HTTP_GET, "/health", "", "");
	CPPUNIT_ASSERT_EQUAL(200, health.status);
	Poco::JSON::Object::Ptr healthJson = Poco::JSON::Parser().parse(health.body).extract<Poco::JSON::Object::Ptr>();
	CPPUNIT_ASSERT_EQUAL(std::string("ok"), healthJson->getValue<std::string>("status"));

	Answer denied = request(session, Poco::Net::HTTPRequest::HTTP_POST, "/v1/chat/completions", "{\"model\":\"auto\",\"messages\":[]}", "sk-wrong");
	CPPUNIT_ASSERT_EQUAL_MESSAGE(denied.body, 401, denied.status);

	Answer answer = request(session, Poco::Net::HTTPRequest::HTTP_POST, "/v1/chat/completions",
		"{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body + "\n" + gateway.output(), 200, answer.status);
	Poco::JSON::Object::Ptr json = Poco::JSON::Parser().parse(answer.body).extract<Poco::JSON::Object::Ptr>();
	// The mock echoes the model it was sent: the body's "auto" was rewritten.
	CPPUNIT_ASSERT_EQUAL(std::string("mock-model"), json->getValue<std::string>("model"));
	CPPUNIT_ASSERT_EQUAL(std::string("mock-model"), answer.headers.get("X-AILoad-Upstream", ""));
	CPPUNIT_ASSERT_EQUAL(std::string("mock-model"), answer.headers.get("X-Model", ""));

	gateway.signal(SIGTERM);
	CPPUNIT_ASSERT_MESSAGE("no exit within 5 s after SIGTERM:\n" + gateway.output(), gateway.waitForExit(Poco::Timespan(5, 0)));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(gateway.output(), 0, gateway.exitCode());

	const std::string output = gateway.output();
	CPPUNIT_ASSERT_MESSAGE(output, contains(output, configPath) && contains(output, "readable"));
	CPPUNIT_ASSERT_MESSAGE(output, !contains(output, TOKEN));
	CPPUNIT_ASSERT_MESSAGE(output, !contains(output, UPSTREAM_KEY));
}


void ApplicationTest::testDaemonWithPidfile()
{
	std::unique_ptr<Child> mock;
	const Poco::UInt16 mockPort = startMock(mock, _dir, {"--name=m1"});
	const Poco::UInt16 port = freePort();
	const std::string configPath = path("config.json");
	writeFile(configPath, config(port, mockPort));
	const std::string pidPath = path("run/aiload.pid");
	Poco::File(path("run")).createDirectories();

	// The launching process ends at once; the daemon it forked writes its pid and serves.
	Child launcher(AILOAD_BINARY, {"--daemon", "--pidfile=" + pidPath, "--properties=" + writeProperties(configPath)}, _dir);
	CPPUNIT_ASSERT_MESSAGE(launcher.output(), launcher.waitForExit(Poco::Timespan(10, 0)));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(launcher.output(), 0, launcher.exitCode());

	DaemonGuard daemon;
	Answer answer;
	const Poco::Timestamp deadline = Poco::Timestamp() + Poco::Timespan(15, 0);
	while (answer.status != 200 && Poco::Timestamp() < deadline)
	{
		try
		{
			if (daemon.pid == 0 && Poco::File(pidPath).exists()) daemon.pid = std::stoi(readFile(pidPath));
			Poco::Net::HTTPClientSession session("127.0.0.1", port);
			session.setTimeout(Poco::Timespan(2, 0));
			answer = request(session, Poco::Net::HTTPRequest::HTTP_POST, "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
		}
		catch (std::exception&)
		{
			pause(50);  // not listening yet, or the pid file half written
		}
	}
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 200, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("mock-model"), answer.headers.get("X-Model", ""));
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


void ApplicationTest::testSigtermLetsStreamFinish()
{
	std::unique_ptr<Child> mock;
	const Poco::UInt16 mockPort = startMock(mock, _dir, {"--name=slow", "--interval-ms=200", "--events=10"});
	const Poco::UInt16 port = freePort();
	const std::string configPath = path("config.json");
	writeFile(configPath, config(port, mockPort, "\"timeout\": 60"));

	Child gateway(AILOAD_BINARY, {"--properties=" + writeProperties(configPath)}, _dir);
	CPPUNIT_ASSERT_MESSAGE("GET /health never answered:\n" + gateway.output(), waitForHealth(gateway, port, Poco::Timespan(15, 0)));

	// A streaming request on a raw connection, read by a thread until the server closes it.
	std::mutex mutex;
	std::condition_variable changed;
	std::string received;
	bool closed = false;
	std::string failure;
	std::thread client([&]
	{
		try
		{
			const std::string body = "{\"model\":\"auto\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
			Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
			const std::string head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
				+ "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
			const std::string bytes = head + body;
			socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
			socket.setReceiveTimeout(Poco::Timespan(0, 200000));
			const Poco::Timestamp deadline = Poco::Timestamp() + Poco::Timespan(20, 0);
			char buffer[4096];
			while (Poco::Timestamp() < deadline)
			{
				int n = 0;
				try
				{
					n = socket.receiveBytes(buffer, sizeof(buffer));
				}
				catch (Poco::TimeoutException&)
				{
					continue;
				}
				std::lock_guard<std::mutex> lock(mutex);
				if (n <= 0) break;
				received.append(buffer, static_cast<std::size_t>(n));
				changed.notify_all();
			}
		}
		catch (Poco::Exception& exc)
		{
			std::lock_guard<std::mutex> lock(mutex);
			failure = exc.displayText();
		}
		std::lock_guard<std::mutex> lock(mutex);
		closed = true;
		changed.notify_all();
	});

	std::size_t eventsBeforeSignal = 0;
	bool firstEvent = false;
	{
		std::unique_lock<std::mutex> lock(mutex);
		firstEvent = changed.wait_for(lock, std::chrono::seconds(10), [&] { return closed || contains(received, "data: {"); }) && !closed;
		eventsBeforeSignal = count(received, "data: {");
	}
	if (firstEvent) gateway.signal(SIGTERM);
	client.join();

	CPPUNIT_ASSERT_MESSAGE("no first event (" + failure + "):\n" + received + "\n" + gateway.output(), firstEvent);
	// The signal really came while the stream was running.
	CPPUNIT_ASSERT_MESSAGE(received, eventsBeforeSignal < 10);
	CPPUNIT_ASSERT_MESSAGE(failure, failure.empty());

	std::string head;
	std::string body;
	CPPUNIT_ASSERT_MESSAGE("the stream did not end with the chunked terminator:\n" + received, dechunk(received, head, body));
	CPPUNIT_ASSERT_MESSAGE(head, contains(head, "HTTP/1.1 200"));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(body, std::size_t(10), count(body, "data: {"));
	CPPUNIT_ASSERT_MESSAGE(body, contains(body, "\"content\":\"tok9 \""));
	CPPUNIT_ASSERT_MESSAGE(body, body.size() >= 14 && body.compare(body.size() - 14, 14, "data: [DONE]\n\n") == 0);

	CPPUNIT_ASSERT_MESSAGE("no exit within 10 s after the stream:\n" + gateway.output(), gateway.waitForExit(Poco::Timespan(10, 0)));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(gateway.output(), 0, gateway.exitCode());
}


void ApplicationTest::testReloadsOnChangeAndSighup()
{
	std::unique_ptr<Child> mock;
	const Poco::UInt16 mockPort = startMock(mock, _dir, {"--name=m1"});
	const Poco::UInt16 port = freePort();
	const std::string configPath = path("config.json");
	const std::string original = config(port, mockPort);
	writeFile(configPath, original);
	Child gateway(AILOAD_BINARY, {"--properties=" + writeProperties(configPath)}, _dir);
	CPPUNIT_ASSERT_MESSAGE("GET /health never answered:\n" + gateway.output(), waitForHealth(gateway, port, Poco::Timespan(15, 0)));

	auto statusWith = [&](const std::string& token) {
		Poco::Net::HTTPClientSession session("127.0.0.1", port);
		session.setTimeout(Poco::Timespan(5, 0));
		return request(session, Poco::Net::HTTPRequest::HTTP_POST, "/v1/chat/completions", "{}", token).status;
	};
	auto waitFor = [&](const std::function<bool()>& condition) {
		const Poco::Timestamp start;
		while (!condition())
		{
			if (start.elapsed() > 8000000) return false;
			pause(50);
		}
		return true;
	};

	// A changed file takes effect without a signal.
	const std::string newToken = "sk-reloaded-token-abcdefghijklmnopqrstuvwxyz0123";
	std::string changed = original;
	changed.replace(changed.find(TOKEN), TOKEN.size(), newToken);
	writeFile(configPath, changed);
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), waitFor([&] { return statusWith(newToken) == 200; }));
	CPPUNIT_ASSERT_EQUAL(401, statusWith(TOKEN));

	// An invalid file is refused with the start-up messages, and the running config stays.
	writeFile(configPath, "{\"models\": [}\n");
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), waitFor([&] { return contains(gateway.output(), "refused"); }));
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), contains(gateway.output(), configPath + ":1:13: invalid JSON"));
	CPPUNIT_ASSERT_EQUAL(200, statusWith(newToken));

	// SIGHUP reloads too.
	writeFile(configPath, changed);
	CPPUNIT_ASSERT(waitFor([&] { return count(gateway.output(), "Reloaded") >= 2; }));
	gateway.signal(SIGHUP);
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), waitFor([&] { return contains(gateway.output(), "(SIGHUP)"); }));
	CPPUNIT_ASSERT_EQUAL(200, statusWith(newToken));
	CPPUNIT_ASSERT(!contains(gateway.output(), newToken));
}


void ApplicationTest::testSigtermCutsStreamsAfterDrain()
{
	std::unique_ptr<Child> mock;
	const Poco::UInt16 mockPort = startMock(mock, _dir, {"--name=endless", "--interval-ms=100", "--events=600"});
	const Poco::UInt16 port = freePort();
	const std::string configPath = path("config.json");
	writeFile(configPath, config(port, mockPort, "\"timeout\": 60"));

	Child gateway(AILOAD_BINARY, {"--properties=" + writeProperties(configPath), "-Daiload.shutdown.drainSeconds=1"}, _dir);
	CPPUNIT_ASSERT_MESSAGE("GET /health never answered:\n" + gateway.output(), waitForHealth(gateway, port, Poco::Timespan(15, 0)));

	const std::string body = "{\"model\":\"auto\",\"stream\":true}";
	Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
	const std::string bytes = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
		+ "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
	socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));

	// Read until the server closes the connection (or 10 s pass), signalling after the first event.
	std::string received;
	bool signalled = false;
	Poco::Timestamp signalledAt;
	const Poco::Timestamp start;
	char buffer[4096];
	while (start.elapsed() < 10000000 && socket.poll(Poco::Timespan(1, 0), Poco::Net::Socket::SELECT_READ))
	{
		int n = 0;
		try { n = socket.receiveBytes(buffer, sizeof(buffer)); } catch (Poco::Exception&) { break; }
		if (n <= 0) break;
		received.append(buffer, static_cast<std::size_t>(n));
		if (!signalled && contains(received, "data: {"))
		{
			gateway.signal(SIGTERM);
			signalled = true;
			signalledAt.update();
		}
	}
	CPPUNIT_ASSERT_MESSAGE(received + gateway.output(), signalled);
	CPPUNIT_ASSERT_MESSAGE("no exit after the drain time:\n" + gateway.output(), gateway.waitForExit(Poco::Timespan(5, 0)));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(gateway.output(), 0, gateway.exitCode());
	CPPUNIT_ASSERT_MESSAGE(std::to_string(signalledAt.elapsed()), signalledAt.elapsed() < 4000000);
	// The stream was cut, visibly: no [DONE], no terminating chunk.
	std::string head, events;
	CPPUNIT_ASSERT_MESSAGE(received, !dechunk(received, head, events));
	CPPUNIT_ASSERT(!contains(received, "[DONE]"));
	CPPUNIT_ASSERT(contains(gateway.output(), "Drain time over"));
}


CppUnit::Test* ApplicationTest::suite()
{
	auto* pSuite = new CppUnit::TestSuite("ApplicationTest");
	pSuite->addTest(new CppUnit::TestCaller<ApplicationTest>("testHelp", &ApplicationTest::testHelp));
	pSuite->addTest(new CppUnit::TestCaller<ApplicationTest>("testSigtermCutsStreamsAfterDrain", &ApplicationTest::testSigtermCutsStreamsAfterDrain));
	pSuite->addTest(new CppUnit::TestCaller<ApplicationTest>("testReloadsOnChangeAndSighup", &ApplicationTest::testReloadsOnChangeAndSighup));
	pSuite->addTest(new CppUnit::TestCaller<ApplicationTest>("testVersion", &ApplicationTest::testVersion));
	pSuite->addTest(new CppUnit::TestCaller<ApplicationTest>("testCheckConfigValid", &ApplicationTest::testCheckConfigValid));
	pSuite->addTest(new CppUnit::TestCaller<ApplicationTest>("testCheckConfigProblems", &ApplicationTest::testCheckConfigProblems));
	pSuite->addTest(new CppUnit::TestCaller<ApplicationTest>("testCheckConfigSyntaxError", &ApplicationTest::testCheckConfigSyntaxError));
	pSuite->addTest(new CppUnit::TestCaller<ApplicationTest>("testDefineOverridesProperties", &ApplicationTest::testDefineOverridesProperties));
	pSuite->addTest(new CppUnit::TestCaller<ApplicationTest>("testSeedsMissingConfig", &ApplicationTest::testSeedsMissingConfig));
	pSuite->addTest(new CppUnit::TestCaller<ApplicationTest>("testInvalidConfigDoesNotServe", &ApplicationTest::testInvalidConfigDoesNotServe));
	pSuite->addTest(new CppUnit::TestCaller<ApplicationTest>("testServesAndStopsOnSigterm", &ApplicationTest::testServesAndStopsOnSigterm));
	pSuite->addTest(new CppUnit::TestCaller<ApplicationTest>("testSigtermLetsStreamFinish", &ApplicationTest::testSigtermLetsStreamFinish));
	pSuite->addTest(new CppUnit::TestCaller<ApplicationTest>("testDaemonWithPidfile", &ApplicationTest::testDaemonWithPidfile));
	return pSuite;
}

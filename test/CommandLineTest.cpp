//
// CommandLineTest.cpp
//
// Tests of the aiload process before it serves, run as a child process.
//


#include "CommandLineTest.h"
#include "ConfigFile.h"
#include "JsonScanner.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Process.h>
#include <regex>
#include <sys/stat.h>

CPPUNIT_TEST_SUITE_REGISTRATION(CommandLineTest);


using namespace AILoad::Test;


void CommandLineTest::testHelp()
{
	const std::string properties = writeProperties(path("config.json"));
	AiloadProcess help({"--properties=" + properties, "--help"}, directory().path());
	finish(help);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(help.output(), 0, help.exitCode());
	for (const char* option : {"--help", "--version", "--check-config", "--properties", "--define", "--daemon", "--pidfile"})
		CPPUNIT_ASSERT_MESSAGE(std::string(option) + " missing from --help:\n" + help.output(), contains(help.out(), option));
	// It says which properties file this run uses.
	CPPUNIT_ASSERT_MESSAGE(help.output(), contains(help.out(), properties));
}


void CommandLineTest::testVersion()
{
	AiloadProcess version(withProperties(path("config.json"), {"--version"}), directory().path());
	finish(version);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(version.output(), 0, version.exitCode());
	CPPUNIT_ASSERT_EQUAL_MESSAGE(version.output(), std::string("aiload 0.1.0\n"), version.out());
	// No config is needed, so none is created.
	CPPUNIT_ASSERT(!Poco::File(path("config.json")).exists());
}


void CommandLineTest::testCheckConfigValid()
{
	std::string withoutToken = config(AiloadProcess::freePort(), 9, "\"timeout\": 30, \"colour\": \"red\"");
	withoutToken.replace(withoutToken.find(TOKEN), TOKEN.size(), "");
	const std::string configPath = directory().write("config.json", withoutToken);

	AiloadProcess check(withProperties(configPath, {"--check-config"}), directory().path());
	finish(check);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), 0, check.exitCode());
	CPPUNIT_ASSERT_MESSAGE(check.output(), contains(check.out(), "config OK"));
	// The unknown key is only a warning, naming the file and the path.
	CPPUNIT_ASSERT_MESSAGE(check.output(), contains(check.out() + check.err(), configPath + ": settings.colour"));
	// Checking changes nothing: no token is generated into the file.
	CPPUNIT_ASSERT_EQUAL(withoutToken, directory().read(configPath));
}


void CommandLineTest::testCheckConfigProblems()
{
	const std::string configPath = directory().write("config.json",
		"{\n"
		"  \"auth_token\": \""
			+ TOKEN + "\",\n"
					  "  \"models\": [ { \"model\": \"m\", \"base_url\": \"ftp://x\" } ],\n"
					  "  \"server\": { \"port\": 70000 }\n"
					  "}\n");
	AiloadProcess check(withProperties(configPath, {"--check-config"}), directory().path());
	finish(check);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), 1, check.exitCode());
	CPPUNIT_ASSERT_MESSAGE(check.output(), !contains(check.out(), "config OK"));
	// One line per problem, each naming the file and the JSON path.
	const std::vector<std::string> lines = linesStartingWith(check.out() + check.err(), configPath + ": ");
	CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), std::size_t(2), lines.size());
	CPPUNIT_ASSERT_MESSAGE(check.output(), linesStartingWith(check.err(), configPath + ": models[0].base_url: ").size() == 1);
	CPPUNIT_ASSERT_MESSAGE(check.output(), linesStartingWith(check.err(), configPath + ": server.port: ").size() == 1);
}


void CommandLineTest::testCheckConfigSyntaxError()
{
	const std::string configPath = directory().write("config.json", "{\n  \"models\": [\n    {\"model\": \"a\",}\n  ]\n}\n");
	AiloadProcess check(withProperties(configPath, {"--check-config"}), directory().path());
	finish(check);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), 1, check.exitCode());
	CPPUNIT_ASSERT_MESSAGE(check.output(), linesStartingWith(check.err(), configPath + ":3:19: invalid JSON: ").size() == 1);
}


void CommandLineTest::testDefineOverridesProperties()
{
	const std::string valid = directory().write("valid.json", config(AiloadProcess::freePort(), 9));
	const std::string invalid = directory().write("invalid.json", "{ \"models\": [ { \"model\": \"m\", \"base_url\": \"https://h/v1\", \"weight\": -1 } ] }");

	// The properties file names the invalid config; -D points at the valid one.
	{
		AiloadProcess check({"--properties=" + writeProperties(invalid, "invalid.properties"), "--check-config", "-Daiload.config=" + valid}, directory().path());
		finish(check);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), 0, check.exitCode());
		CPPUNIT_ASSERT_MESSAGE(check.output(), contains(check.out(), "config OK"));
	}

	// And the other way round, with the long form, so the override is what decides.
	{
		AiloadProcess check({"--properties=" + writeProperties(valid, "valid.properties"), "--check-config", "--define=aiload.config=" + invalid}, directory().path());
		finish(check);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), 1, check.exitCode());
		CPPUNIT_ASSERT_MESSAGE(check.output(), linesStartingWith(check.err(), invalid + ": models[0].weight: ").size() == 1);
	}

	// A relative path is taken from the directory the process started in.
	Poco::File(path("sub")).createDirectories();
	directory().write("sub/relative.json", config(AiloadProcess::freePort(), 9));
	AiloadProcess check({"--properties=" + writeProperties(invalid, "invalid.properties"), "--check-config", "-Daiload.config=sub/relative.json"}, directory().path());
	finish(check);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(check.output(), 0, check.exitCode());
	CPPUNIT_ASSERT_MESSAGE(check.output(), contains(check.out(), "config OK"));
}


void CommandLineTest::testSeedsMissingConfig()
{
	// The shipped relative path data/config.json, resolved against the start directory;
	// neither data/ nor the file exists yet.
	const std::string configPath = path("data/config.json");

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

	AiloadProcess gateway(withProperties("data/config.json"), directory().path());
	const std::string listening = gateway.waitForLine("listening on", Poco::Timespan(15, 0));
	if (portFree) CPPUNIT_ASSERT_MESSAGE("aiload did not start:\n" + gateway.output(), !listening.empty());

	CPPUNIT_ASSERT_MESSAGE(gateway.output(), Poco::File(configPath).exists());
	const std::string text = directory().read(configPath);
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


void CommandLineTest::testInvalidConfigDoesNotServe()
{
	const Poco::UInt16 port = AiloadProcess::freePort();
	const std::string text = "{\n"
							 "  \"auth_token\": \"\",\n"
							 "  \"models\": [ { \"model\": \"m\", \"base_url\": \"http://127.0.0.1:9/v1\", \"weight\": -1 } ],\n"
							 "  \"server\": { \"host\": \"127.0.0.1\", \"port\": "
		+ std::to_string(port) + " }\n"
								 "}\n";
	const std::string configPath = directory().write("config.json", text);

	AiloadProcess gateway(withProperties(configPath), directory().path());
	CPPUNIT_ASSERT_MESSAGE("aiload kept running on an invalid config:\n" + gateway.output(), gateway.waitForExit(Poco::Timespan(15, 0)));
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), gateway.exitCode() != 0);
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), linesStartingWith(gateway.err(), configPath + ": models[0].weight: ").size() == 1);
	CPPUNIT_ASSERT_MESSAGE(gateway.output(), !contains(gateway.output(), "listening on"));
	// An invalid file is left as it is: no token is written into it.
	CPPUNIT_ASSERT_EQUAL(text, directory().read(configPath));
}

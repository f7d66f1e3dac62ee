#include "StrategyPluginTest.h"
#include <cppunit/extensions/HelperMacros.h>

#include "AILoad/StrategySignature.h"
#include "CandidateSet.h"
#include "CapturingChannel.h"
#include "ChildProcess.h"
#include "GatewayFixture.h"
#include "MockUpstream.h"
#include "StrategyChain.h"
#include "StrategyHost.h"
#include "UpstreamTally.h"
#include <Poco/FileStream.h>
#include <Poco/Path.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/TemporaryFile.h>
#include <algorithm>
#include <dlfcn.h>
#include <functional>
#include <sys/stat.h>

using namespace AILoad::Test;

namespace {

std::string config(const std::string& settings)
{
	return "{\"auth_token\": \"sk-strategy-plugin-test-0123456789abcdefghij\", \"server\": {\"host\": \"127.0.0.1\", \"port\": 0},"
		   " \"models\": [{\"name\": \"a\", \"model\": \"m\", \"base_url\": \"http://127.0.0.1:9/v1\"}], \"settings\": {"
		+ settings + "}}";
}


bool contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}


std::string messageOf(const std::string& configJson, const std::string& pluginPath = GatewayFixture::builtInPlugins())
	/// What starting a gateway with that config throws ("" when it starts).
{
	try
	{
		GatewayFixture gateway(configJson, AILoad::Gateway::ServerSettings(), pluginPath);
	}
	catch (Poco::Exception& exc)
	{
		return exc.message();
	}
	return "";
}


class StartDirectory
	/// A fresh directory with a config.json, from which `aiload` is started (and removed after).
{
public:
	explicit StartDirectory(const std::string& configJson)
	{
		_directory.createDirectories();
		Poco::FileOutputStream(configPath()) << configJson;
		::chmod(configPath().c_str(), 0600);
	}

	std::string configPath() const
	{
		return Poco::Path(Poco::Path::forDirectory(_directory.path()), "config.json").toString();
	}

	ChildProcess::Result run(const std::vector<std::string>& options) const
		/// Runs aiload with the config and the options to its end.
	{
		std::vector<std::string> args{"-Daiload.config=" + configPath()};
		args.insert(args.end(), options.begin(), options.end());
		return ChildProcess::run(AILOAD_BINARY, args, _directory.path(), Poco::Timespan(20, 0));
	}

private:
	Poco::TemporaryFile _directory;
};


bool loaded(const std::string& library)
{
	void* handle = ::dlopen(library.c_str(), RTLD_LAZY | RTLD_NOLOAD);
	if (handle) ::dlclose(handle);
	return handle != nullptr;
}

} // namespace


void StrategyPluginTest::testMissingPluginStopsStartup()
{
	const std::string missing = config("\"strategy\": [\"group\", \"no-such-strategy\"]");
	const std::string file = Poco::Path(Poco::Path::forDirectory(GatewayFixture::builtInPlugins()), "no-such-strategy.so").toString();
	const std::string message = messageOf(missing);
	CPPUNIT_ASSERT_MESSAGE(message, contains(message, "settings.strategy[1] \"no-such-strategy\": " + file + ": no such file"));
	CPPUNIT_ASSERT_MESSAGE(message, contains(message, "aiload.plugins.path"));

	const StartDirectory directory(missing);
	ChildProcess::Result result = directory.run({});
	CPPUNIT_ASSERT_MESSAGE(result.describe("aiload"), !result.killed && result.exitCode != 0);
	CPPUNIT_ASSERT_MESSAGE(result.output, contains(result.output, directory.configPath() + ": settings.strategy[1] \"no-such-strategy\": " + file + ": no such file"));
	CPPUNIT_ASSERT(!contains(result.output, "listening"));

	result = directory.run({"--check-config"});
	CPPUNIT_ASSERT_EQUAL_MESSAGE(result.output, 1, result.exitCode);
	CPPUNIT_ASSERT_MESSAGE(result.output, contains(result.output, file + ": no such file"));
}


void StrategyPluginTest::testPluginOfAnotherApiVersionStopsStartup()
{
	const std::string file = Poco::Path(Poco::Path::forDirectory(AILOAD_TEST_PLUGIN_DIR), "previous-api.so").toString();
	const std::string reason = file + ": built for strategy API version 0, but this AILoad needs version " + std::to_string(AILOAD_STRATEGY_API_VERSION);
	const std::string message = messageOf(config("\"strategy\": [\"previous-api\"]"), AILOAD_TEST_PLUGIN_DIR);
	CPPUNIT_ASSERT_MESSAGE(message, contains(message, reason));

	const StartDirectory directory(config("\"strategy\": [\"previous-api\"]"));
	const ChildProcess::Result result = directory.run({"-Daiload.plugins.path=" AILOAD_TEST_PLUGIN_DIR});
	CPPUNIT_ASSERT_MESSAGE(result.describe("aiload"), !result.killed && result.exitCode != 0);
	CPPUNIT_ASSERT_MESSAGE(result.output, contains(result.output, reason));
}


void StrategyPluginTest::testPluginOfAnotherAbiStopsStartup()
{
	// Same API version, but libstdc++'s old ABI (test/CMakeLists.txt): only the signature shows it.
	const std::string file = Poco::Path(Poco::Path::forDirectory(AILOAD_TEST_PLUGIN_DIR), "other-abi.so").toString();
	const std::string own = AILoad::StrategySignature::build().str();
	CPPUNIT_ASSERT_MESSAGE(own, contains(own, "aiload-strategy " + std::to_string(AILOAD_STRATEGY_API_VERSION) + "; POCO ") && contains(own, "; Itanium C++ ABI; libstdc++ cxx11-abi"));
	std::string theirs = own;
	theirs.replace(theirs.find("cxx11-abi"), 9, "old-abi");
	const std::string reason = file + ": built for \"" + theirs + "\" but this AILoad is \"" + own + "\"";
	const std::string message = messageOf(config("\"strategy\": [\"other-abi\"]"), AILOAD_TEST_PLUGIN_DIR);
	CPPUNIT_ASSERT_MESSAGE(message, contains(message, "settings.strategy[0] \"other-abi\": " + reason));
	CPPUNIT_ASSERT(!loaded(file));

	const StartDirectory directory(config("\"strategy\": [\"other-abi\"]"));
	const ChildProcess::Result result = directory.run({"-Daiload.plugins.path=" AILOAD_TEST_PLUGIN_DIR});
	CPPUNIT_ASSERT_MESSAGE(result.describe("aiload"), !result.killed && result.exitCode != 0);
	CPPUNIT_ASSERT_MESSAGE(result.output, contains(result.output, reason));
}


void StrategyPluginTest::testBrokenPluginRefused()
{
	Poco::TemporaryFile folder;
	folder.createDirectories();
	const std::string file = Poco::Path(Poco::Path::forDirectory(folder.path()), "broken.so").toString();
	Poco::FileOutputStream(file) << "not a shared library\n";
	AILoad::StrategyHost host(folder.path());
	auto refusal = [&host](const std::string& name) {
		try
		{
			host.create(name);
		}
		catch (Poco::LibraryLoadException& exc)
		{
			return exc.message();
		}
		return std::string();
	};
	const std::string message = refusal("broken");
	CPPUNIT_ASSERT_MESSAGE(message, contains(message, file + ": cannot be loaded: "));
	// A name is a file in the folder, never a path out of it.
	CPPUNIT_ASSERT(contains(refusal("../round-robin"), "is not a plugin name"));
	CPPUNIT_ASSERT(contains(refusal(""), "is not a plugin name"));
}


void StrategyPluginTest::testRefusedOptionsStopStartup()
{
	std::string message = messageOf(config("\"strategy_options\": {\"ip-affinity\": {\"max_keys\": \"many\"}}"));
	CPPUNIT_ASSERT_MESSAGE(message, contains(message, "settings.strategy_options.ip-affinity.max_keys: expected an integer from 1 to 100000000"));
	message = messageOf(config("\"strategy_options\": {\"group\": 5}"));
	CPPUNIT_ASSERT_MESSAGE(message, contains(message, "settings.strategy_options.group: expected an object"));
	message = messageOf(config("\"strategy\": [\"round-robin\", \"round-robin\"]"));
	CPPUNIT_ASSERT_MESSAGE(message, contains(message, "settings.strategy[1] \"round-robin\": named twice"));
}


void StrategyPluginTest::testOptionGettersNameThePath()
{
	Poco::JSON::Object::Ptr object = Poco::JSON::Parser().parse("{\"n\": 5.0, \"x\": 0.5, \"s\": \"b\", \"b\": true, \"l\": [\"p\", \"q\"],"
																" \"bad\": \"many\", \"empty\": [\"\"]}")
										 .extract<Poco::JSON::Object::Ptr>();
	const AILoad::StrategyOptions options(object, "settings.strategy_options.mine");
	auto refusal = [](const std::function<void()>& get) {
		try
		{
			get();
		}
		catch (Poco::InvalidArgumentException& exc)
		{
			return exc.message();
		}
		return std::string();
	};

	CPPUNIT_ASSERT_EQUAL(5, options.getInt("n", 1, 0, 10));
	CPPUNIT_ASSERT_EQUAL(7, options.getInt("absent", 7, 0, 10));
	CPPUNIT_ASSERT_EQUAL(0.5, options.getDouble("x", 1, 0, 1));
	CPPUNIT_ASSERT_EQUAL(std::string("b"), options.getString("s", "a"));
	CPPUNIT_ASSERT_EQUAL(std::string("b"), options.getString("s", "a", {"a", "b"}));
	CPPUNIT_ASSERT(options.getBool("b", false));
	CPPUNIT_ASSERT((options.getStringList("l", {}) == std::vector<std::string>{"p", "q"}));

	CPPUNIT_ASSERT_EQUAL(std::string("settings.strategy_options.mine.x: expected an integer from 0 to 10"), refusal([&] { options.getInt("x", 1, 0, 10); }));
	CPPUNIT_ASSERT_EQUAL(std::string("settings.strategy_options.mine.n: expected an integer from 6 to 10"), refusal([&] { options.getInt("n", 6, 6, 10); }));
	CPPUNIT_ASSERT_EQUAL(std::string("settings.strategy_options.mine.bad: expected a number from 0.01 to 1"), refusal([&] { options.getDouble("bad", 1, 0.01, 1); }));
	CPPUNIT_ASSERT_EQUAL(std::string("settings.strategy_options.mine.n: expected a number from 10 to 3600000"), refusal([&] { options.getDouble("n", 1, 10, 3600000); }));
	CPPUNIT_ASSERT_EQUAL(std::string("settings.strategy_options.mine.n: expected true or false"), refusal([&] { options.getBool("n", false); }));
	CPPUNIT_ASSERT_EQUAL(std::string("settings.strategy_options.mine.n: expected a string"), refusal([&] { options.getString("n", ""); }));
	CPPUNIT_ASSERT_EQUAL(std::string("settings.strategy_options.mine.bad: expected \"a\", \"b\" or \"c\""), refusal([&] { options.getString("bad", "a", {"a", "b", "c"}); }));
	CPPUNIT_ASSERT_EQUAL(std::string("settings.strategy_options.mine.empty: expected an array of non-empty strings"), refusal([&] { options.getStringList("empty", {}); }));
	CPPUNIT_ASSERT_EQUAL(std::string("settings.strategy_options.mine.n: expected less than x"), refusal([&] { options.refuse("n", "expected less than x"); }));

	// Every key was asked for but one, which is unknown to the strategy; reading the object
	// itself leaves the keys to the strategy.
	object->set("typo", 1);
	CPPUNIT_ASSERT((options.unknownKeys() == std::vector<std::string>{"typo"}));
	options.object();
	CPPUNIT_ASSERT(options.unknownKeys().empty());
	CPPUNIT_ASSERT((AILoad::StrategyOptions().unknownKeys().empty()));
}


void StrategyPluginTest::testUnknownOptionsWarned()
{
	// install() reaches only the loggers that exist (POCO keeps no root before the first).
	Poco::Logger::get("AILoad.Strategy");
	CapturingChannel::Ptr log = CapturingChannel::install();
	const std::string message = messageOf(config("\"strategy_options\": {\"round-robin\": {\"weigth\": 1}, \"ip-affinity\": {\"max_keys\": 5}}"));
	const std::vector<std::string> lines = log->lines();
	log->uninstall();
	CPPUNIT_ASSERT_EQUAL(std::string(), message);
	const auto warnings = std::count_if(lines.begin(), lines.end(), [](const std::string& line) { return contains(line, "unknown key"); });
	CPPUNIT_ASSERT_EQUAL(std::ptrdiff_t(1), static_cast<std::ptrdiff_t>(warnings));
	CPPUNIT_ASSERT(std::find(lines.begin(), lines.end(), "AILoad.Strategy: settings.strategy_options.round-robin.weigth: unknown key, ignored") != lines.end());
}


void StrategyPluginTest::testReloadKeepsStrategiesOrIsRefused()
{
	MockUpstream a("a"), b("b");
	a.start();
	b.start();
	auto configWith = [&](const std::string& settings) {
		return "{\"auth_token\": \"x\", \"models\": [" + GatewayFixture::modelEntry("a", a.apiBase()) + "," + GatewayFixture::modelEntry("b", b.apiBase())
			+ "], \"settings\": {" + settings + "}}";
	};
	GatewayFixture gateway(configWith(""));
	auto& chain = dynamic_cast<AILoad::StrategyChain&>(gateway.gateway().router());
	CPPUNIT_ASSERT((chain.names() == std::vector<std::string>{"group", "round-robin", "ip-affinity"}));
	UpstreamTally tally(gateway.client());
	const std::string placed = tally.send();

	// Options the strategy refuses, or a plugin that is not there: the reload is refused whole.
	CPPUNIT_ASSERT_THROW(gateway.setConfig(configWith("\"strategy_options\": {\"ip-affinity\": {\"max_keys\": 0}}")), Poco::InvalidArgumentException);
	CPPUNIT_ASSERT_THROW(gateway.setConfig(configWith("\"strategy\": [\"group\", \"no-such-strategy\"]")), Poco::LibraryLoadException);
	CPPUNIT_ASSERT((chain.names() == std::vector<std::string>{"group", "round-robin", "ip-affinity"}));

	// Options it takes: the strategies stay, and so does what they learnt.
	gateway.setConfig(configWith("\"strategy_options\": {\"ip-affinity\": {\"max_keys\": 10}}"));
	for (int i = 0; i < 4; ++i) CPPUNIT_ASSERT_EQUAL(placed, tally.send());

	// Another list: the chain is rebuilt to it.
	gateway.setConfig(configWith("\"strategy\": [\"round-robin\"]"));
	CPPUNIT_ASSERT((chain.names() == std::vector<std::string>{"round-robin"}));
	CPPUNIT_ASSERT((tally.count(4) == std::map<std::string, int>{{"a", 2}, {"b", 2}}));
}


void StrategyPluginTest::testStrategyKeepsItsLibraryLoaded()
{
	const std::string library = Poco::Path(Poco::Path::forDirectory(GatewayFixture::builtInPlugins()), "round-robin.so").toString();
	CPPUNIT_ASSERT(!loaded(library));
	AILoad::Strategy::Ptr strategy;
	{
		AILoad::StrategyHost host(GatewayFixture::builtInPlugins());
		strategy = host.create("round-robin");
	}
	// The host (and its class loader) are gone; the strategy still runs on its library.
	CPPUNIT_ASSERT(loaded(library));
	CandidateSet set;
	set.add("a");
	set.add("b");
	AILoad::CandidateOrder order = set.order();
	strategy->order(order, AILoad::RequestContext());
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), order.tied);
	strategy.reset();
	CPPUNIT_ASSERT(!loaded(library));
}


CPPUNIT_TEST_SUITE_REGISTRATION(StrategyPluginTest);

#include "StrategyPluginTest.h"

#include "CandidateSet.h"
#include "ChildProcess.h"
#include "GatewayFixture.h"
#include "MockUpstream.h"
#include "StrategyChain.h"
#include "StrategyHost.h"
#include "UpstreamTally.h"
#include <Poco/FileStream.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>
#include <dlfcn.h>
#include <sys/stat.h>

using namespace AILoad::Test;

namespace {

std::string config(const std::string& settings)
{
	return "{\"auth_token\": \"sk-strategy-plugin-test-0123456789abcdefghij\", \"server\": {\"host\": \"127.0.0.1\", \"port\": 0},"
		" \"models\": [{\"name\": \"a\", \"model\": \"m\", \"base_url\": \"http://127.0.0.1:9/v1\"}], \"settings\": {" + settings + "}}";
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


void StrategyPluginTest::testBrokenPluginRefused()
{
	Poco::TemporaryFile folder;
	folder.createDirectories();
	const std::string file = Poco::Path(Poco::Path::forDirectory(folder.path()), "broken.so").toString();
	Poco::FileOutputStream(file) << "not a shared library\n";
	AILoad::StrategyHost host(folder.path());
	auto refusal = [&host](const std::string& name)
	{
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
	CPPUNIT_ASSERT_MESSAGE(message, contains(message, "settings.strategy_options.ip-affinity: max_keys: expected an integer"));
	message = messageOf(config("\"strategy_options\": {\"group\": 5}"));
	CPPUNIT_ASSERT_MESSAGE(message, contains(message, "settings.strategy_options.group: expected an object"));
	message = messageOf(config("\"strategy\": [\"round-robin\", \"round-robin\"]"));
	CPPUNIT_ASSERT_MESSAGE(message, contains(message, "settings.strategy[1] \"round-robin\": named twice"));
}


void StrategyPluginTest::testReloadKeepsStrategiesOrIsRefused()
{
	MockUpstream a("a"), b("b");
	a.start();
	b.start();
	auto configWith = [&](const std::string& settings)
	{
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

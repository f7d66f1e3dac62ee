#include "PluginSdkTest.h"
#include <cppunit/extensions/HelperMacros.h>

#include "ChildProcess.h"
#include "GatewayFixture.h"
#include "MockUpstream.h"
#include "UpstreamTally.h"
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>
#include <sys/stat.h>

using namespace AILoad::Test;

namespace {

std::string inside(const std::string& directory, const std::string& relative)
{
	return Poco::Path(Poco::Path::forDirectory(directory), relative).toString();
}


void runStep(const std::string& what, const std::string& command, const std::vector<std::string>& args, const std::string& directory)
{
	const ChildProcess::Result result = ChildProcess::run(command, args, directory, Poco::Timespan(240, 0));
	CPPUNIT_ASSERT_MESSAGE(result.describe(what), !result.killed && result.exitCode == 0);
}

} // namespace


void PluginSdkTest::testThirdPartyPluginBuildsAndRoutes()
{
	Poco::TemporaryFile work;
	work.createDirectories();
	const std::string prefix = inside(work.path(), "prefix/");
	const std::string build = inside(work.path(), "latency-build/");
	const std::string cmake = AILOAD_CMAKE_COMMAND;

	runStep("cmake --install (AILoad)", cmake, {"--install", AILOAD_BINARY_DIR, "--prefix", prefix}, work.path());
	runStep("cmake (configure the plugin)", cmake, {"-S", inside(AILOAD_SOURCE_DIR, "Plugins/latency/"), "-B", build, "-DCMAKE_PREFIX_PATH=" + prefix}, work.path());
	runStep("cmake --build (the plugin)", cmake, {"--build", build}, work.path());
	runStep("cmake --install (the plugin)", cmake, {"--install", build}, work.path());
	const std::string plugins = inside(prefix, "lib/aiload/plugins/");
	CPPUNIT_ASSERT(Poco::File(inside(plugins, "latency.so")).exists());

	// The installed aiload finds it in its own plugin folder, beside the built-in ones.
	const std::string configPath = inside(work.path(), "config.json");
	Poco::FileOutputStream(configPath) << "{\"auth_token\": \"sk-plugin-sdk-test-0123456789abcdefghijklmn\", \"models\": ["
										  "{\"model\": \"m\", \"base_url\": \"http://127.0.0.1:9/v1\"}], \"settings\": {\"strategy\": [\"group\", \"latency\"]}}";
	::chmod(configPath.c_str(), 0600);
	const ChildProcess::Result check = ChildProcess::run(inside(prefix, "bin/aiload"), {"--check-config", "-Daiload.config=" + configPath}, work.path(), Poco::Timespan(20, 0));
	CPPUNIT_ASSERT_MESSAGE(check.describe("aiload --check-config"), check.exitCode == 0 && check.output.find("config OK") != std::string::npos);

	// Its options go through the SDK's getters: a wrong one is named by its JSON path.
	Poco::FileOutputStream(configPath) << "{\"auth_token\": \"sk-plugin-sdk-test-0123456789abcdefghijklmn\", \"models\": ["
										  "{\"model\": \"m\", \"base_url\": \"http://127.0.0.1:9/v1\"}], \"settings\": {\"strategy\": [\"latency\"],"
										  " \"strategy_options\": {\"latency\": {\"alpha\": 2}}}}";
	const ChildProcess::Result refused = ChildProcess::run(inside(prefix, "bin/aiload"), {"--check-config", "-Daiload.config=" + configPath}, work.path(), Poco::Timespan(20, 0));
	CPPUNIT_ASSERT_MESSAGE(refused.describe("aiload --check-config"), refused.exitCode == 1 && refused.output.find(configPath + ": settings.strategy_options.latency.alpha: expected a number from 0.01 to 1") != std::string::npos);

	// And it routes: the upstream that answers sooner gets nearly every request.
	MockUpstream fast("fast"), slow("slow");
	MockBehaviour sluggish;
	sluggish.headDelay = Poco::Timespan(0, 150000);
	slow.setBehaviour(sluggish);
	fast.start();
	slow.start();
	GatewayFixture gateway("{\"auth_token\": \"x\", \"models\": [" + GatewayFixture::modelEntry("fast", fast.apiBase()) + ","
			+ GatewayFixture::modelEntry("slow", slow.apiBase()) + "], \"settings\": {\"strategy\": [\"latency\"]}}",
		AILoad::Gateway::ServerSettings(), plugins);
	UpstreamTally(gateway.client()).count(30);
	CPPUNIT_ASSERT_MESSAGE(std::to_string(slow.requestCount()) + " requests went to the slow upstream", slow.requestCount() <= 3);
	CPPUNIT_ASSERT_EQUAL(std::size_t(30), fast.requestCount() + slow.requestCount());
}


CPPUNIT_TEST_SUITE_REGISTRATION(PluginSdkTest);

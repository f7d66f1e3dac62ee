#include "GatewayFixture.h"

#include "ConfigLoader.h"
#include "StrategyChain.h"
#include <Poco/Exception.h>

namespace AILoad {
namespace Test {

namespace {

GatewayConfig::Ptr testConfig(const std::string& configJson)
{
	ConfigLoader::Result loaded = ConfigLoader::parse(configJson, "test-config.json");
	if (!loaded.config)
	{
		std::string problems;
		for (const auto& problem : loaded.problems) problems += problem + "\n";
		throw Poco::DataFormatException("test config is invalid", problems);
	}
	auto config = std::make_shared<GatewayConfig>(*loaded.config);
	config->authToken = GatewayFixture::token();
	config->serverHost = "127.0.0.1";
	config->serverPort = 0;
	return config;
}

} // namespace


GatewayFixture::GatewayFixture(const std::string& configJson, const Gateway::ServerSettings& settings, const std::string& pluginPath)
{
	_gateway = std::make_unique<Gateway>(testConfig(configJson), settings, std::make_unique<StrategyChain>(pluginPath));
	_gateway->start();
}


void GatewayFixture::setConfig(const std::string& configJson)
{
	_gateway->setConfig(testConfig(configJson));
}


GatewayFixture::~GatewayFixture()
{
	_gateway->stop(Poco::Timespan(0));
}


Poco::UInt16 GatewayFixture::port() const
{
	return _gateway->port();
}


Gateway& GatewayFixture::gateway()
{
	return *_gateway;
}


TestClient GatewayFixture::client() const
{
	return TestClient(port(), token());
}


const std::string& GatewayFixture::builtInPlugins()
{
	static const std::string path = AILOAD_PLUGIN_DIR;
	return path;
}


const std::string& GatewayFixture::token()
{
	static const std::string value = "sk-test-client-token-0123456789";
	return value;
}


std::string GatewayFixture::modelEntry(const std::string& name, const std::string& baseUrl, const std::string& extra)
{
	return "{\"name\": \"" + name + "\", \"model\": \"" + name + "-model\", \"base_url\": \"" + baseUrl
		+ "\", \"api_key\": \"sk-key-" + name + "\"" + (extra.empty() ? "" : ", " + extra) + "}";
}

} // namespace Test
} // namespace AILoad

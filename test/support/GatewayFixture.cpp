#include "GatewayFixture.h"

#include "ConfigLoader.h"
#include "RoundRobinRouter.h"
#include <Poco/Exception.h>

namespace AILoad {
namespace Test {

GatewayFixture::GatewayFixture(const std::string& configJson, const Gateway::ServerSettings& settings)
{
	ConfigLoader::Result loaded = ConfigLoader::parse(configJson, "test-config.json");
	if (!loaded.config)
	{
		std::string problems;
		for (const auto& problem : loaded.problems) problems += problem + "\n";
		throw Poco::DataFormatException("test config is invalid", problems);
	}
	auto config = std::make_shared<GatewayConfig>(*loaded.config);
	config->authToken = token();
	config->serverHost = "127.0.0.1";
	config->serverPort = 0;
	_gateway = std::make_unique<Gateway>(config, settings, std::make_unique<RoundRobinRouter>());
	_gateway->start();
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

} } // namespace AILoad::Test

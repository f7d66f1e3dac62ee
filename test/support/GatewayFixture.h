#ifndef AILoad_Test_GatewayFixture_INCLUDED
#define AILoad_Test_GatewayFixture_INCLUDED

#include "Gateway.h"
#include "TestClient.h"
#include <memory>
#include <string>

namespace AILoad {
namespace Test {

class GatewayFixture
	/// A Gateway running in the test's process on 127.0.0.1 and an ephemeral port,
	/// routing with the strategy chain of the config (plugins from the build, unless told
	/// otherwise) and a config given as JSON text (which must be valid).
	/// The config's auth_token is replaced by token() and its server address by 127.0.0.1:0.
{
public:
	explicit GatewayFixture(const std::string& configJson, const Gateway::ServerSettings& settings = Gateway::ServerSettings(),
		const std::string& pluginPath = builtInPlugins());
	~GatewayFixture();

	void setConfig(const std::string& configJson);
		/// Reloads the gateway with another config, changed as the constructor's is.

	Poco::UInt16 port() const;
	Gateway& gateway();
	TestClient client() const;
		/// A client that sends token().

	static const std::string& token();

	static const std::string& builtInPlugins();
		/// The folder the build put the built-in strategy plugins in.

	static std::string modelEntry(const std::string& name, const std::string& baseUrl, const std::string& extra = "");
		/// `{"name": ..., "model": "<name>-model", "base_url": ..., "api_key": "sk-key-<name>" <extra>}`.

private:
	std::unique_ptr<Gateway> _gateway;
};

} // namespace Test
} // namespace AILoad

#endif

#ifndef AILoad_GatewayConfig_INCLUDED
#define AILoad_GatewayConfig_INCLUDED

#include "UpstreamConfig.h"
#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace AILoad {

struct GatewayConfig
	/// data/config.json, validated once when loaded; the request path only reads it.
	/// A loaded config is immutable and shared (a reload swaps in a new one).
{
	using Ptr = std::shared_ptr<const GatewayConfig>;

	std::string authToken;
	std::string adminToken; /// "" : authToken guards the admin endpoints
	std::vector<UpstreamConfig> upstreams;

	std::string serverHost = "0.0.0.0";
	int serverPort = 2081;

	Poco::Timespan readTimeout = Poco::Timespan(120, 0); /// settings.timeout
	Poco::Timespan connectTimeout = Poco::Timespan(10, 0); /// settings.connect_timeout
	int maxAttempts = 3;
	bool ipAffinity = true;
	int ipAffinityTtlSeconds = 300;
	std::vector<std::string> strategy; /// defaults applied
	Poco::JSON::Object::Ptr strategyOptions; /// never null
	std::size_t maxBodyBytes = 32u * 1024 * 1024;
	std::vector<std::string> trustedProxies;
	std::map<std::string, int> groupPriority; /// groups.<name>.priority
	bool metricsPublic = false; /// settings.metrics_public: /metrics without the admin token
	Poco::Timespan quotaCooldown = Poco::Timespan(3600, 0); /// settings.quota_cooldown: an upstream out of credit
	Poco::Timespan probeInterval = Poco::Timespan(15, 0); /// settings.probe_interval: 0 turns probes off

	const std::string& adminTokenInForce() const;
		/// admin_token, or auth_token when there is none (docs/observability.md).

	std::vector<std::string> groupNames() const;
		/// Every group named by an upstream, sorted.
};

} // namespace AILoad

#endif

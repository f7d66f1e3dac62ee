#ifndef AILoad_UpstreamConfig_INCLUDED
#define AILoad_UpstreamConfig_INCLUDED

#include <Poco/URI.h>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace AILoad {

struct UpstreamConfig
	/// One entry of `models[]` in data/config.json, validated and with its defaults applied.
{
	std::string name; /// unique id: logs, headers, routing by name
	std::string model; /// the upstream's model name; the request's `model` is rewritten to it
	Poco::URI apiBase; /// e.g. https://host/v1 (a `/chat/completions` base_url is cut back to this)
	std::string apiKey; /// empty: no Authorization header is sent
	std::vector<std::string> groups;
	int weight = 1; /// 0: only as failover
	bool enabled = true;
	std::optional<int> rpm;
	std::optional<int> rpd;
	std::optional<int> tpm; /// tokens per minute, counted from usage (docs/quotas.md)
	std::vector<std::pair<std::string, std::string>> headers;
	bool verifyTls = true;

	bool inGroup(const std::string& group) const;
		/// True if the entry lists the group.

	std::string endpointPathAndQuery(const std::string& pathAfterV1) const;
		/// The upstream request URI for a client path below /v1 (e.g. "/chat/completions"):
		/// the API base's path with the suffix appended, and the base's query kept.
};

} // namespace AILoad

#endif

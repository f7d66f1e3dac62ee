#include "UpstreamTally.h"

#include <Poco/Exception.h>

namespace AILoad {
namespace Test {

UpstreamTally::UpstreamTally(const TestClient& client):
	_client(client)
{
}


std::string UpstreamTally::send(const std::string& model, const Headers& headers) const
{
	const HttpAnswer answer = _client.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[]}", headers);
	if (answer.status != 200)
		throw Poco::AssertionViolationException("expected 200, got " + std::to_string(answer.status) + ": " + answer.body);
	return answer.header("X-AILoad-Upstream");
}


std::map<std::string, int> UpstreamTally::count(int requests, const std::string& model, const Headers& headers) const
{
	std::map<std::string, int> counts;
	for (int i = 0; i < requests; ++i) ++counts[send(model, headers)];
	return counts;
}

} // namespace Test
} // namespace AILoad

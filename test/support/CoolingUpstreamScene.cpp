#include "CoolingUpstreamScene.h"

#include <cppunit/TestAssert.h>

namespace AILoad {
namespace Test {

CoolingUpstreamScene::CoolingUpstreamScene():
	_alpha("alpha"),
	_bravo("bravo")
{
	MockBehaviour rateLimited;
	rateLimited.status = 429;
	rateLimited.headers.emplace_back("Retry-After", std::to_string(RETRY_AFTER_SECONDS));
	_bravo.setBehaviour(rateLimited);
	MockBehaviour reportsLimits;
	reportsLimits.headers = {{"x-ratelimit-remaining-requests", "42"}, {"x-ratelimit-remaining-tokens", "9000"}};
	_alpha.setBehaviour(reportsLimits);
	_alpha.start();
	_bravo.start();
	_gateway = std::make_unique<GatewayFixture>("{\"auth_token\": \"x\", \"models\": ["
		+ GatewayFixture::modelEntry("alpha", _alpha.apiBase(), "\"rpm\": 60, \"rpd\": 1000") + ", "
		+ GatewayFixture::modelEntry("bravo", _bravo.apiBase())
		+ "], \"settings\": {\"ip_affinity\": false}}");
}


void CoolingUpstreamScene::coolBravo()
{
	for (int sent = 0; sent < 4 && _bravo.requestCount() == 0; ++sent)
	{
		const HttpAnswer answer = chat("auto");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 200, answer.status);
		CPPUNIT_ASSERT_EQUAL(std::string("alpha"), answer.header("X-AILoad-Upstream"));
	}
	CPPUNIT_ASSERT_EQUAL_MESSAGE("bravo got no request", std::size_t(1), _bravo.requestCount());
}


HttpAnswer CoolingUpstreamScene::chat(const std::string& model, bool stream)
{
	const HttpAnswer answer = _gateway->client().post("/v1/chat/completions", "{\"model\": \"" + model + "\", \"stream\": " + (stream ? "true" : "false") + ", \"messages\": [{\"role\": \"user\", \"content\": \"How are you?\"}]}");
	if (answer.status == 200) ++_successes;
	return answer;
}


int CoolingUpstreamScene::successes() const
{
	return _successes;
}


GatewayFixture& CoolingUpstreamScene::gateway()
{
	return *_gateway;
}


MockUpstream& CoolingUpstreamScene::alpha()
{
	return _alpha;
}


MockUpstream& CoolingUpstreamScene::bravo()
{
	return _bravo;
}

} // namespace Test
} // namespace AILoad

#include "TlsTest.h"

#include "GatewayFixture.h"
#include "MockUpstream.h"
#include "TestCertificates.h"

CPPUNIT_TEST_SUITE_REGISTRATION(TlsTest);

using namespace AILoad::Test;

namespace {

const std::string chat = "/v1/chat/completions";

std::string config(const std::string& models)
{
	return "{\"auth_token\": \"x\", \"models\": [" + models + "], \"settings\": {\"max_attempts\": 1}}";
}


AILoad::Gateway::ServerSettings trusting(const TestCertificates& certificates)
{
	AILoad::Gateway::ServerSettings settings;
	settings.extraCaLocation = certificates.caCertFile();
	return settings;
}


const TestCertificates& certificates()
{
	static const TestCertificates made;
	return made;
}

} // namespace


void TlsTest::testTrustedCertificate()
{
	MockUpstream a("a", certificates().serverContext(true));
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())), trusting(certificates()));
	HttpAnswer answer = gateway.client().post(chat, R"({"model":"auto"})");
	CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 200, answer.status);
	CPPUNIT_ASSERT(answer.body.find("Hello from a") != std::string::npos);
	CPPUNIT_ASSERT_EQUAL(std::string("{\"model\":\"a-model\"}"), a.received().front().body);

	answer = gateway.client().post(chat, R"({"model":"auto","stream":true})");
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	CPPUNIT_ASSERT(answer.body.find("data: [DONE]") != std::string::npos);
}


void TlsTest::testUntrustedCertificateRefused()
{
	MockUpstream a("a", certificates().serverContext(false));
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())), trusting(certificates()));
	const HttpAnswer answer = gateway.client().post(chat, R"({"model":"auto"})");
	CPPUNIT_ASSERT_EQUAL(502, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), a.requestCount());
}


void TlsTest::testVerifyTlsFalseAcceptsAnyCertificate()
{
	MockUpstream a("a", certificates().serverContext(false));
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase(), "\"verify_tls\": false")), trusting(certificates()));
	const HttpAnswer answer = gateway.client().post(chat, R"({"model":"auto"})");
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.requestCount());
}

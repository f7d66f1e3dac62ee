#include "UpstreamConnector.h"

#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/String.h>
#include <mutex>
#include <openssl/ssl.h>

namespace AILoad {

namespace {

Poco::Net::Context::Ptr makeClientContext(bool verify, const std::string& extraCaLocation)
{
	Poco::Net::Context::Params params;
	params.verificationMode = verify ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE;
	params.loadDefaultCAs = verify;
	if (verify) params.caLocation = extraCaLocation;
	params.cipherList = "HIGH:!aNULL:!MD5";
	Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
	// OpenSSL 3 reports a peer that closes without close_notify as an error; the HTTP
	// framing, checked by UpstreamSession, is what tells a cut-off body.
	SSL_CTX_set_options(context->sslContext(), SSL_OP_IGNORE_UNEXPECTED_EOF);
	context->enableSessionCache(true); // lets UpstreamPool offer the last session to the next handshake
	return context;
}

} // namespace


UpstreamConnector::UpstreamConnector(const std::string& extraCaLocation)
{
	static std::once_flag sslManagerReady;
	std::call_once(sslManagerReady, [] {
		Poco::Net::initializeSSL();
		// Without this POCO would ask on the console what to do with a bad certificate.
		Poco::Net::SSLManager::InvalidCertificateHandlerPtr reject(new Poco::Net::RejectCertificateHandler(false));
		Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, makeClientContext(true, ""));
	});
	_verifying = makeClientContext(true, extraCaLocation);
	_trusting = makeClientContext(false, "");
}


std::unique_ptr<UpstreamSession> UpstreamConnector::open(const UpstreamConfig& upstream, const GatewayConfig& config) const
{
	Poco::Net::Context::Ptr tls;
	if (Poco::icompare(upstream.apiBase.getScheme(), "https") == 0) tls = upstream.verifyTls ? _verifying : _trusting;
	auto session = std::make_unique<UpstreamSession>(upstream.apiBase, tls);
	session->setTimeout(config.connectTimeout, config.readTimeout, config.readTimeout);
	return session;
}

} // namespace AILoad

//
// TestCertificates.cpp
//
// Library: AILoad test support
// Package: TLS
// Module:  TestCertificates
//


#include "TestCertificates.h"
#include "ChildProcess.h"
#include "Poco/Exception.h"
#include "Poco/FileStream.h"
#include "Poco/Net/RejectCertificateHandler.h"
#include "Poco/Net/SSLManager.h"
#include "Poco/Random.h"
#include "Poco/String.h"


namespace AILoad {
namespace Test {


namespace {
const std::string CIPHERS("ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH");
const std::string DAYS("3650");

// Our own configuration, so that the result does not depend on the system's openssl.cnf.
const char* const CONFIG = "[ req ]\n"
						   "distinguished_name = dn\n"
						   "prompt = no\n"
						   "[ dn ]\n"
						   "CN = placeholder\n"
						   "[ ca_ext ]\n"
						   "basicConstraints = critical, CA:true\n"
						   "keyUsage = critical, keyCertSign, cRLSign\n"
						   "subjectKeyIdentifier = hash\n"
						   "[ server_ext ]\n"
						   "basicConstraints = critical, CA:false\n"
						   "keyUsage = critical, digitalSignature, keyEncipherment\n"
						   "extendedKeyUsage = serverAuth\n"
						   "subjectAltName = DNS:localhost, IP:127.0.0.1\n"
						   "subjectKeyIdentifier = hash\n"
						   "authorityKeyIdentifier = keyid, issuer\n"
						   "[ untrusted_ext ]\n"
						   "basicConstraints = critical, CA:false\n"
						   "keyUsage = critical, digitalSignature, keyEncipherment\n"
						   "extendedKeyUsage = serverAuth\n"
						   "subjectAltName = DNS:localhost, IP:127.0.0.1\n"
						   "subjectKeyIdentifier = hash\n";


std::string randomSerial()
{
	// x509 -req would otherwise write a serial file next to the CA.
	Poco::Random random;
	random.seed();
	const Poco::UInt64 serial = (static_cast<Poco::UInt64>(random.next() & 0x7FFFFFFF) << 32) | random.next();
	return std::to_string(serial);
}
} // namespace


TestCertificates::TestCertificates()
{
	writeConfig();
	const std::string config = path("openssl.cnf");

	for (const char* key : {"ca.key", "server.key", "untrusted.key"})
	{
		openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path(key)});
	}
	openssl({"req", "-new", "-x509", "-config", config, "-extensions", "ca_ext",
		"-key", path("ca.key"), "-sha256", "-days", DAYS, "-subj", "/CN=AILoad Test CA", "-out", caCertFile()});
	openssl({"req", "-new", "-config", config,
		"-key", serverKeyFile(), "-subj", "/CN=localhost", "-out", path("server.csr")});
	openssl({"x509", "-req", "-in", path("server.csr"), "-CA", caCertFile(), "-CAkey", path("ca.key"),
		"-set_serial", randomSerial(), "-sha256", "-days", DAYS,
		"-extfile", config, "-extensions", "server_ext", "-out", serverCertFile()});
	openssl({"req", "-new", "-x509", "-config", config, "-extensions", "untrusted_ext",
		"-key", untrustedKeyFile(), "-sha256", "-days", DAYS, "-subj", "/CN=localhost", "-out", untrustedCertFile()});
}


const std::string& TestCertificates::directory() const
{
	return _directory.path();
}


std::string TestCertificates::caCertFile() const
{
	return path("ca.crt");
}


std::string TestCertificates::serverCertFile() const
{
	return path("server.crt");
}


std::string TestCertificates::serverKeyFile() const
{
	return path("server.key");
}


std::string TestCertificates::untrustedCertFile() const
{
	return path("untrusted.crt");
}


std::string TestCertificates::untrustedKeyFile() const
{
	return path("untrusted.key");
}


Poco::Net::Context::Ptr TestCertificates::serverContext(bool trusted) const
{
	return new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE,
		trusted ? serverKeyFile() : untrustedKeyFile(),
		trusted ? serverCertFile() : untrustedCertFile(),
		"", Poco::Net::Context::VERIFY_NONE, 9, false, CIPHERS);
}


Poco::Net::Context::Ptr TestCertificates::clientContext() const
{
	Poco::Net::Context::Params params;
	params.caLocation = caCertFile();
	params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
	params.verificationDepth = 9;
	params.loadDefaultCAs = false;
	params.cipherList = CIPHERS;
	return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
}


void TestCertificates::installRejectingCertificateHandler()
{
	// Without it SSLManager may build its default handler from the application
	// configuration, which can be a console prompt.
	Poco::Net::SSLManager::InvalidCertificateHandlerPtr pHandler(new Poco::Net::RejectCertificateHandler(false));
	Poco::Net::SSLManager::instance().initializeClient(nullptr, pHandler, nullptr);
}


std::string TestCertificates::path(const std::string& fileName) const
{
	return _directory.file(fileName);
}


void TestCertificates::openssl(const std::vector<std::string>& args) const
{
	const ChildProcess::Result result = ChildProcess::run("openssl", args, _directory.path(), Poco::Timespan(60, 0));
	if (result.exitCode != 0 || result.killed)
		throw Poco::RuntimeException(result.describe("openssl " + Poco::cat(std::string(" "), args.begin(), args.end())));
}


void TestCertificates::writeConfig() const
{
	Poco::FileOutputStream out(path("openssl.cnf"));
	out << CONFIG;
	out.close();
	if (!out) throw Poco::WriteFileException(path("openssl.cnf"));
}


} // namespace Test
} // namespace AILoad

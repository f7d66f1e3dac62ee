//
// TestCertificates.h
//
// Library: AILoad test support
// Package: TLS
// Module:  TestCertificates
//
// Definition of the TestCertificates class.
//


#ifndef AILoad_Test_TestCertificates_INCLUDED
#define AILoad_Test_TestCertificates_INCLUDED


#include "TempDirectory.h"
#include "Poco/Net/Context.h"
#include <string>
#include <vector>


namespace AILoad {
namespace Test {


class TestCertificates
	/// Generates, with the openssl command line tool, a throw-away PKI in a fresh
	/// temporary directory that is removed by the destructor:
	///   - a CA (EC P-256 key, self-signed certificate, CA:true);
	///   - a server certificate for CN=localhost, subjectAltName DNS:localhost and
	///     IP:127.0.0.1, signed by that CA;
	///   - an "untrusted" self-signed server certificate for the same names.
	/// All certificates are valid for 3650 days. Keys are unencrypted PEM.
{
public:
	TestCertificates();
		/// Generates everything. Throws a Poco::RuntimeException with openssl's
		/// output if a step fails.

	TestCertificates(const TestCertificates&) = delete;
	TestCertificates& operator=(const TestCertificates&) = delete;

	const std::string& directory() const;
		/// Returns the temporary directory holding the files.

	std::string caCertFile() const;
		/// Returns the path of the CA certificate (PEM).

	std::string serverCertFile() const;
		/// Returns the path of the CA-signed server certificate (PEM).

	std::string serverKeyFile() const;
		/// Returns the path of the CA-signed server certificate's key (PEM).

	std::string untrustedCertFile() const;
		/// Returns the path of the self-signed server certificate (PEM).

	std::string untrustedKeyFile() const;
		/// Returns the path of the self-signed server certificate's key (PEM).

	Poco::Net::Context::Ptr serverContext(bool trusted = true) const;
		/// Returns a server Context with the CA-signed certificate (trusted) or the
		/// self-signed one, not verifying clients.

	Poco::Net::Context::Ptr clientContext() const;
		/// Returns a client Context trusting only caCertFile() (VERIFY_RELAXED,
		/// no default CAs).

	static void installRejectingCertificateHandler();
		/// Makes SSLManager reject invalid certificates instead of asking on the
		/// console. Call once in a test program before the first handshake.

private:
	std::string path(const std::string& fileName) const;
	void openssl(const std::vector<std::string>& args) const;
		/// Runs openssl with these arguments (no shell); throws with its output on failure.
	void writeConfig() const;

	TempDirectory _directory;
};


} // namespace Test
} // namespace AILoad


#endif // AILoad_Test_TestCertificates_INCLUDED

#ifndef AILoad_TlsTest_INCLUDED
#define AILoad_TlsTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class TlsTest: public CppUnit::TestFixture
	/// HTTPS upstreams: verified against the trusted CAs, refused when the certificate is
	/// not trusted (before the body is sent), accepted anyway with `verify_tls: false`.
{
	CPPUNIT_TEST_SUITE(TlsTest);
	CPPUNIT_TEST(testTrustedCertificate);
	CPPUNIT_TEST(testUntrustedCertificateRefused);
	CPPUNIT_TEST(testVerifyTlsFalseAcceptsAnyCertificate);
	CPPUNIT_TEST_SUITE_END();

public:
	void testTrustedCertificate();
	void testUntrustedCertificateRefused();
	void testVerifyTlsFalseAcceptsAnyCertificate();
};

#endif

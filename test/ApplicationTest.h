//
// ApplicationTest.h
//
// Definition of the ApplicationTest class.
//


#ifndef ApplicationTest_INCLUDED
#define ApplicationTest_INCLUDED


#include <cppunit/Test.h>
#include <cppunit/TestFixture.h>
#include <string>


class ApplicationTest: public CppUnit::TestFixture
	/// Runs the real `aiload` binary (and `aiload-mock` as its upstream) as a user would:
	/// options, the properties file and -D overrides, config checking, seeding and token
	/// generation, serving, and SIGTERM with and without a stream in flight (SPEC section 1).
	///
	/// Each test works in a fresh temporary directory, which is also the directory the
	/// processes start in, and passes --properties explicitly (a copy of the source tree's
	/// etc/aiload.properties naming a config in that directory), so nothing depends on the
	/// directory the tests run from. Every wait has a deadline; a process still running at
	/// the end of a test is killed.
{
public:
	void setUp();
	void tearDown();

	void testHelp();
	void testVersion();
	void testCheckConfigValid();
	void testCheckConfigProblems();
	void testCheckConfigSyntaxError();
	void testDefineOverridesProperties();
	void testSeedsMissingConfig();
	void testInvalidConfigDoesNotServe();
	void testServesAndStopsOnSigterm();
	void testDaemonWithPidfile();
	void testSigtermLetsStreamFinish();
	void testSigtermCutsStreamsAfterDrain();
	void testReloadsOnChangeAndSighup();

	static CppUnit::Test* suite();

private:
	std::string path(const std::string& name) const;
	std::string writeProperties(const std::string& configPath, const std::string& name = "aiload.properties") const;

	std::string _dir;
};


#endif // ApplicationTest_INCLUDED

//
// CommandLineTest.h
//
// Definition of the CommandLineTest class.
//


#ifndef CommandLineTest_INCLUDED
#define CommandLineTest_INCLUDED


#include "AiloadFixture.h"
#include <cppunit/extensions/HelperMacros.h>


class CommandLineTest: public AILoad::Test::AiloadFixture
	/// Runs the real `aiload` binary for what it does before it serves: its options, the
	/// properties file and -D overrides, config checking, seeding a missing config with a
	/// generated token, and refusing to serve an invalid one.
{
	CPPUNIT_TEST_SUITE(CommandLineTest);
	CPPUNIT_TEST(testHelp);
	CPPUNIT_TEST(testVersion);
	CPPUNIT_TEST(testCheckConfigValid);
	CPPUNIT_TEST(testCheckConfigProblems);
	CPPUNIT_TEST(testCheckConfigSyntaxError);
	CPPUNIT_TEST(testDefineOverridesProperties);
	CPPUNIT_TEST(testSeedsMissingConfig);
	CPPUNIT_TEST(testInvalidConfigDoesNotServe);
	CPPUNIT_TEST_SUITE_END();

public:
	void testHelp();
	void testVersion();
	void testCheckConfigValid();
	void testCheckConfigProblems();
	void testCheckConfigSyntaxError();
	void testDefineOverridesProperties();
	void testSeedsMissingConfig();
	void testInvalidConfigDoesNotServe();
};


#endif // CommandLineTest_INCLUDED

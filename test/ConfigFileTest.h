//
// ConfigFileTest.h
//
// Definition of the ConfigFileTest class.
//


#ifndef ConfigFileTest_INCLUDED
#define ConfigFileTest_INCLUDED


#include <cppunit/Test.h>
#include <cppunit/TestFixture.h>
#include <string>


class ConfigFileTest: public CppUnit::TestFixture
	/// Tests AILoad::ConfigFile (seeding data/config.json, writing the generated client
	/// token into it without touching anything else, mode 0600) and AILoad::AuthToken.
	/// Each test works in a fresh temporary directory.
{
public:
	void setUp();
	void tearDown();

	void testCreateIfMissingWritesSeed();
	void testCreateIfMissingKeepsExisting();
	void testEnsureAuthTokenOnSeed();
	void testEnsureAuthTokenSecondCallChangesNothing();
	void testEnsureAuthTokenInsertsWhenAbsent();
	void testEnsureAuthTokenIntoEmptyObject();
	void testEnsureAuthTokenReplacesNull();
	void testEnsureAuthTokenKeepsExisting();
	void testEnsureAuthTokenRefusesInvalidFile();
	void testWriteAtomically();
	void testReadableByOthers();
	void testGeneratedTokensDiffer();
	void testMatches();
	void testAuthorizes();

	static CppUnit::Test* suite();

private:
	std::string _dir;
};


#endif // ConfigFileTest_INCLUDED

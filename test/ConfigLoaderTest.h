//
// ConfigLoaderTest.h
//
// Definition of the ConfigLoaderTest class.
//


#ifndef ConfigLoaderTest_INCLUDED
#define ConfigLoaderTest_INCLUDED


#include <cppunit/Test.h>
#include <cppunit/TestFixture.h>


class ConfigLoaderTest: public CppUnit::TestFixture
	/// Tests AILoad::ConfigLoader::parse(): the original config.json loads unchanged with
	/// the defaults of docs/configuration.md ("data/config.json"), base_url forms, names, and that every problem is reported
	/// on its own line naming the file and the JSON path (or line:column for syntax errors).
{
public:
	void tearDown();

	void testSeedLoads();
	void testDefaults();
	void testIpAffinityOff();
	void testExplicitStrategyKept();
	void testChatCompletionsUrlCutToApiBase();
	void testApiBaseForm();
	void testBaseQueryKept();
	void testOptionalModelKeys();
	void testDefaultNames();
	void testDefaultNameAvoidsExplicitOne();
	void testDuplicateExplicitName();
	void testApiKeyFromEnvironment();
	void testApiKeyEnvMissing();
	void testApiKeyAndEnvBoth();
	void testGroupStringOrArray();
	void testProblemsNameFileAndPath();
	void testSeveralProblemsReported();
	void testSyntaxError();
	void testUnknownKeysAreWarnings();
	void testHeaderWithCrLf();
	void testProblemsStayOneLine();
	void testRootNotObject();
	void testModelsMissingOrEmpty();
	void testSecretsNotInProblems();

	static CppUnit::Test* suite();
};


#endif // ConfigLoaderTest_INCLUDED

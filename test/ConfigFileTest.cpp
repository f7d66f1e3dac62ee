//
// ConfigFileTest.cpp
//
// Tests of AILoad::ConfigFile and AILoad::AuthToken.
//


#include "ConfigFileTest.h"
#include "AuthToken.h"
#include "ConfigFile.h"
#include "ConfigLoader.h"
#include "JsonScanner.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>
#include <cppunit/TestAssert.h>
#include <cppunit/TestCaller.h>
#include <cppunit/TestSuite.h>
#include <cppunit/extensions/HelperMacros.h>
#include <algorithm>
#include <regex>
#include <set>
#include <sys/stat.h>
#include <vector>

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigFileTest);


using AILoad::AuthToken;
using AILoad::ConfigFile;


namespace {


std::string readFile(const std::string& path)
{
	std::string text;
	Poco::FileInputStream in(path);
	Poco::StreamCopier::copyToString(in, text);
	return text;
}


void writeFile(const std::string& path, const std::string& text, mode_t mode = 0644)
{
	{
		Poco::FileOutputStream out(path);
		out << text;
	}
	::chmod(path.c_str(), mode);
}


mode_t modeOf(const std::string& path)
{
	struct stat status;
	CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 0, ::stat(path.c_str(), &status));
	return status.st_mode & 07777;
}


std::vector<std::string> filesIn(const std::string& dir)
{
	std::vector<std::string> names;
	Poco::File(dir).list(names);
	return names;
}


bool isToken(const std::string& token)
{
	static const std::regex pattern("^sk-[A-Za-z0-9]{40,}$");
	return std::regex_match(token, pattern);
}


std::string tokenIn(const std::string& text)
	/// The value of the file's top-level auth_token (a plain string: the alphabet needs no escapes).
{
	const AILoad::JsonScanner::Result scanned = AILoad::JsonScanner::scan(text);
	CPPUNIT_ASSERT_MESSAGE(scanned.describeError() + " in " + text, scanned.valid);
	const AILoad::JsonScanner::Member* member = scanned.find("auth_token");
	CPPUNIT_ASSERT_MESSAGE("no auth_token in " + text, member != nullptr);
	return AILoad::JsonScanner::decodeString(text.substr(member->valueBegin, member->valueEnd - member->valueBegin));
}


std::string without(std::string text, const std::string& part)
{
	const std::size_t at = text.find(part);
	CPPUNIT_ASSERT(at != std::string::npos);
	return text.erase(at, part.size());
}


const char* const MODELS_ONLY = "{\n"
								"  \"models\": [ {\"model\": \"m\", \"base_url\": \"https://h/v1\", \"api_key\": \"sk-\\u0041\"} ],\n"
								"  \"settings\": { \"timeout\": 0.10 }\n"
								"}\n";


} // namespace


void ConfigFileTest::setUp()
{
	_dir = Poco::TemporaryFile::tempName();
	Poco::File(_dir).createDirectories();
}


void ConfigFileTest::tearDown()
{
	if (!_dir.empty() && Poco::File(_dir).exists()) Poco::File(_dir).remove(true);
}


void ConfigFileTest::testCreateIfMissingWritesSeed()
{
	const std::string folder = Poco::Path(_dir).append("data/deeper").toString();
	const std::string path = Poco::Path(folder).append("config.json").toString();
	CPPUNIT_ASSERT(ConfigFile::createIfMissing(path));
	CPPUNIT_ASSERT_EQUAL(ConfigFile::seed(), readFile(path));
	CPPUNIT_ASSERT_EQUAL(mode_t(0600), modeOf(path));
	// Written beside and renamed: no temp file is left over.
	CPPUNIT_ASSERT(filesIn(folder) == std::vector<std::string>({"config.json"}));
}


void ConfigFileTest::testCreateIfMissingKeepsExisting()
{
	const std::string path = Poco::Path(_dir).append("config.json").toString();
	writeFile(path, "{\"custom\": true}", 0640);
	CPPUNIT_ASSERT(!ConfigFile::createIfMissing(path));
	CPPUNIT_ASSERT_EQUAL(std::string("{\"custom\": true}"), readFile(path));
	CPPUNIT_ASSERT_EQUAL(mode_t(0640), modeOf(path));
}


void ConfigFileTest::testEnsureAuthTokenOnSeed()
{
	const std::string path = Poco::Path(_dir).append("config.json").toString();
	writeFile(path, ConfigFile::seed(), 0644);
	CPPUNIT_ASSERT(ConfigFile::ensureAuthToken(path));

	const std::string text = readFile(path);
	const std::string token = tokenIn(text);
	CPPUNIT_ASSERT_MESSAGE(token, isToken(token));
	// Every other byte is the user's: with the token taken out it is the seed again.
	CPPUNIT_ASSERT_EQUAL(ConfigFile::seed(), without(text, token));
	CPPUNIT_ASSERT_EQUAL(mode_t(0600), modeOf(path));
	CPPUNIT_ASSERT(filesIn(_dir) == std::vector<std::string>({"config.json"}));

	const AILoad::ConfigLoader::Result loaded = AILoad::ConfigLoader::parse(text, "config.json");
	CPPUNIT_ASSERT(loaded.config != nullptr);
	CPPUNIT_ASSERT_EQUAL(token, loaded.config->authToken);
}


void ConfigFileTest::testEnsureAuthTokenSecondCallChangesNothing()
{
	const std::string path = Poco::Path(_dir).append("config.json").toString();
	CPPUNIT_ASSERT(ConfigFile::createIfMissing(path));
	CPPUNIT_ASSERT(ConfigFile::ensureAuthToken(path));
	const std::string first = readFile(path);
	CPPUNIT_ASSERT(!ConfigFile::ensureAuthToken(path));
	CPPUNIT_ASSERT_EQUAL(first, readFile(path));
	CPPUNIT_ASSERT_EQUAL(mode_t(0600), modeOf(path));
}


void ConfigFileTest::testEnsureAuthTokenInsertsWhenAbsent()
{
	const std::string original = MODELS_ONLY;
	const std::string path = Poco::Path(_dir).append("config.json").toString();
	writeFile(path, original);
	CPPUNIT_ASSERT(ConfigFile::ensureAuthToken(path));

	const std::string text = readFile(path);
	const std::string token = tokenIn(text);
	CPPUNIT_ASSERT_MESSAGE(token, isToken(token));
	// The member goes right after the brace; everything after the brace is untouched.
	CPPUNIT_ASSERT(text.size() > original.size());
	CPPUNIT_ASSERT_EQUAL(std::string("{"), text.substr(0, 1));
	CPPUNIT_ASSERT_EQUAL(original.substr(1), text.substr(text.size() - (original.size() - 1)));
	std::string inserted = text.substr(1, text.size() - original.size());
	inserted.erase(std::remove_if(inserted.begin(), inserted.end(), [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }), inserted.end());
	CPPUNIT_ASSERT_EQUAL("\"auth_token\":\"" + token + "\",", inserted);

	const AILoad::ConfigLoader::Result loaded = AILoad::ConfigLoader::parse(text, "config.json");
	CPPUNIT_ASSERT(loaded.problems.empty());
	CPPUNIT_ASSERT_EQUAL(token, loaded.config->authToken);
	CPPUNIT_ASSERT_EQUAL(std::string("sk-A"), loaded.config->upstreams.at(0).apiKey);
	CPPUNIT_ASSERT_EQUAL(mode_t(0600), modeOf(path));
}


void ConfigFileTest::testEnsureAuthTokenIntoEmptyObject()
{
	const std::string path = Poco::Path(_dir).append("config.json").toString();
	writeFile(path, "{}");
	CPPUNIT_ASSERT(ConfigFile::ensureAuthToken(path));
	const std::string text = readFile(path);
	CPPUNIT_ASSERT_MESSAGE(text, isToken(tokenIn(text)));
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), AILoad::JsonScanner::scan(text).members.size());
}


void ConfigFileTest::testEnsureAuthTokenReplacesNull()
{
	const std::string original = "{\"auth_token\" : null , \"x\": 1.0E+2}";
	const std::string path = Poco::Path(_dir).append("config.json").toString();
	writeFile(path, original);
	CPPUNIT_ASSERT(ConfigFile::ensureAuthToken(path));
	const std::string text = readFile(path);
	const std::string token = tokenIn(text);
	CPPUNIT_ASSERT_MESSAGE(token, isToken(token));
	CPPUNIT_ASSERT_EQUAL("{\"auth_token\" : \"" + token + "\" , \"x\": 1.0E+2}", text);
}


void ConfigFileTest::testEnsureAuthTokenKeepsExisting()
{
	const std::string original = "{\"auth_token\": \"sk-mine\", \"models\": []}";
	const std::string path = Poco::Path(_dir).append("config.json").toString();
	writeFile(path, original, 0600);
	CPPUNIT_ASSERT(!ConfigFile::ensureAuthToken(path));
	CPPUNIT_ASSERT_EQUAL(original, readFile(path));
}


void ConfigFileTest::testEnsureAuthTokenRefusesInvalidFile()
{
	const std::string path = Poco::Path(_dir).append("config.json").toString();
	writeFile(path, "{\"auth_token\": \"\",}");
	CPPUNIT_ASSERT_THROW(ConfigFile::ensureAuthToken(path), Poco::DataFormatException);
	CPPUNIT_ASSERT_EQUAL(std::string("{\"auth_token\": \"\",}"), readFile(path));
	writeFile(path, "[]");
	CPPUNIT_ASSERT_THROW(ConfigFile::ensureAuthToken(path), Poco::DataFormatException);
}


void ConfigFileTest::testWriteAtomically()
{
	const std::string path = Poco::Path(_dir).append("config.json").toString();
	writeFile(path, "old", 0644);
	ConfigFile::writeAtomically(path, "new content");
	CPPUNIT_ASSERT_EQUAL(std::string("new content"), readFile(path));
	CPPUNIT_ASSERT_EQUAL(mode_t(0600), modeOf(path));
	CPPUNIT_ASSERT(filesIn(_dir) == std::vector<std::string>({"config.json"}));

	const std::string nowhere = Poco::Path(_dir).append("missing/config.json").toString();
	CPPUNIT_ASSERT_THROW(ConfigFile::writeAtomically(nowhere, "x"), Poco::FileException);
}


void ConfigFileTest::testReadableByOthers()
{
	const std::string path = Poco::Path(_dir).append("config.json").toString();
	writeFile(path, "{}", 0600);
	CPPUNIT_ASSERT(!ConfigFile::readableByOthers(path));
	::chmod(path.c_str(), 0640);
	CPPUNIT_ASSERT(ConfigFile::readableByOthers(path));
	::chmod(path.c_str(), 0604);
	CPPUNIT_ASSERT(ConfigFile::readableByOthers(path));
}


void ConfigFileTest::testGeneratedTokensDiffer()
{
	const std::string a = AuthToken::generate();
	const std::string b = AuthToken::generate();
	CPPUNIT_ASSERT_MESSAGE(a, isToken(a));
	CPPUNIT_ASSERT_MESSAGE(b, isToken(b));
	CPPUNIT_ASSERT(a != b);

	// Two files seeded the same way get different tokens.
	const std::string first = Poco::Path(_dir).append("one.json").toString();
	const std::string second = Poco::Path(_dir).append("two.json").toString();
	ConfigFile::createIfMissing(first);
	ConfigFile::createIfMissing(second);
	ConfigFile::ensureAuthToken(first);
	ConfigFile::ensureAuthToken(second);
	CPPUNIT_ASSERT(tokenIn(readFile(first)) != tokenIn(readFile(second)));

	// The whole alphabet is used (a bias or a truncated alphabet would show here).
	std::set<char> seen;
	for (int i = 0; i < 100; ++i)
	{
		const std::string token = AuthToken::generate();
		seen.insert(token.begin() + 3, token.end());
	}
	CPPUNIT_ASSERT_EQUAL(std::size_t(62), seen.size());
}


void ConfigFileTest::testMatches()
{
	CPPUNIT_ASSERT(AuthToken::matches("sk-abc", "sk-abc"));
	CPPUNIT_ASSERT(!AuthToken::matches("sk-abd", "sk-abc"));
	CPPUNIT_ASSERT(!AuthToken::matches("sk-ab", "sk-abc"));
	CPPUNIT_ASSERT(!AuthToken::matches("sk-abcd", "sk-abc"));
	CPPUNIT_ASSERT(!AuthToken::matches("sk-abcsk-abc", "sk-abc"));
	CPPUNIT_ASSERT(!AuthToken::matches("", "sk-abc"));
	// An empty expected token must never let anyone in.
	CPPUNIT_ASSERT(!AuthToken::matches("", ""));
	CPPUNIT_ASSERT(!AuthToken::matches("x", ""));
}


void ConfigFileTest::testAuthorizes()
{
	Poco::Net::HTTPRequest request;
	CPPUNIT_ASSERT(!AuthToken::authorizes(request, "sk-abc"));
	request.set("Authorization", "Bearer sk-abc");
	CPPUNIT_ASSERT(AuthToken::authorizes(request, "sk-abc"));
	CPPUNIT_ASSERT(!AuthToken::authorizes(request, "sk-abd"));
	CPPUNIT_ASSERT(!AuthToken::authorizes(request, ""));
	request.set("Authorization", "bearer sk-abc");
	CPPUNIT_ASSERT(AuthToken::authorizes(request, "sk-abc"));
	request.set("Authorization", "Basic sk-abc");
	CPPUNIT_ASSERT(!AuthToken::authorizes(request, "sk-abc"));
	request.set("Authorization", "Bearer");
	CPPUNIT_ASSERT(!AuthToken::authorizes(request, "sk-abc"));
	request.set("Authorization", "BEARER  \tsk-abc \t");
	CPPUNIT_ASSERT(AuthToken::authorizes(request, "sk-abc"));
	request.set("Authorization", "Bearer sk-abc x");
	CPPUNIT_ASSERT(!AuthToken::authorizes(request, "sk-abc"));
}


CppUnit::Test* ConfigFileTest::suite()
{
	auto* pSuite = new CppUnit::TestSuite("ConfigFileTest");
	pSuite->addTest(new CppUnit::TestCaller<ConfigFileTest>("testCreateIfMissingWritesSeed", &ConfigFileTest::testCreateIfMissingWritesSeed));
	pSuite->addTest(new CppUnit::TestCaller<ConfigFileTest>("testCreateIfMissingKeepsExisting", &ConfigFileTest::testCreateIfMissingKeepsExisting));
	pSuite->addTest(new CppUnit::TestCaller<ConfigFileTest>("testEnsureAuthTokenOnSeed", &ConfigFileTest::testEnsureAuthTokenOnSeed));
	pSuite->addTest(new CppUnit::TestCaller<ConfigFileTest>("testEnsureAuthTokenSecondCallChangesNothing", &ConfigFileTest::testEnsureAuthTokenSecondCallChangesNothing));
	pSuite->addTest(new CppUnit::TestCaller<ConfigFileTest>("testEnsureAuthTokenInsertsWhenAbsent", &ConfigFileTest::testEnsureAuthTokenInsertsWhenAbsent));
	pSuite->addTest(new CppUnit::TestCaller<ConfigFileTest>("testEnsureAuthTokenIntoEmptyObject", &ConfigFileTest::testEnsureAuthTokenIntoEmptyObject));
	pSuite->addTest(new CppUnit::TestCaller<ConfigFileTest>("testEnsureAuthTokenReplacesNull", &ConfigFileTest::testEnsureAuthTokenReplacesNull));
	pSuite->addTest(new CppUnit::TestCaller<ConfigFileTest>("testEnsureAuthTokenKeepsExisting", &ConfigFileTest::testEnsureAuthTokenKeepsExisting));
	pSuite->addTest(new CppUnit::TestCaller<ConfigFileTest>("testEnsureAuthTokenRefusesInvalidFile", &ConfigFileTest::testEnsureAuthTokenRefusesInvalidFile));
	pSuite->addTest(new CppUnit::TestCaller<ConfigFileTest>("testWriteAtomically", &ConfigFileTest::testWriteAtomically));
	pSuite->addTest(new CppUnit::TestCaller<ConfigFileTest>("testReadableByOthers", &ConfigFileTest::testReadableByOthers));
	pSuite->addTest(new CppUnit::TestCaller<ConfigFileTest>("testGeneratedTokensDiffer", &ConfigFileTest::testGeneratedTokensDiffer));
	pSuite->addTest(new CppUnit::TestCaller<ConfigFileTest>("testMatches", &ConfigFileTest::testMatches));
	pSuite->addTest(new CppUnit::TestCaller<ConfigFileTest>("testAuthorizes", &ConfigFileTest::testAuthorizes));
	return pSuite;
}

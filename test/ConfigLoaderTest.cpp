//
// ConfigLoaderTest.cpp
//
// Tests of AILoad::ConfigLoader.
//


#include "ConfigLoaderTest.h"
#include "ConfigFile.h"
#include "ConfigLoader.h"
#include <Poco/Environment.h>
#include <cppunit/TestAssert.h>
#include <cppunit/TestCaller.h>
#include <cppunit/TestSuite.h>
#include <cppunit/extensions/HelperMacros.h>
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigLoaderTest);


using AILoad::ConfigLoader;
using AILoad::GatewayConfig;
using AILoad::UpstreamConfig;


namespace {


const char* const KEY_VARIABLE = "AILOAD_CONFIGLOADERTEST_KEY";
const char* const UNSET_VARIABLE = "AILOAD_CONFIGLOADERTEST_UNSET";


ConfigLoader::Result parse(const std::string& text)
{
	return ConfigLoader::parse(text, "cfg.json");
}


std::string lines(const std::vector<std::string>& texts)
{
	std::string all;
	for (const auto& text : texts) all += "\n  " + text;
	return all;
}


GatewayConfig::Ptr parseValid(const std::string& text)
{
	const ConfigLoader::Result result = parse(text);
	CPPUNIT_ASSERT_MESSAGE("unexpected problems:" + lines(result.problems), result.problems.empty());
	CPPUNIT_ASSERT(result.config != nullptr);
	return result.config;
}


std::string models(const std::string& entries, const std::string& rest = "")
	/// A config with these models[] entries and further top-level members.
{
	return "{\"models\":[" + entries + "]" + (rest.empty() ? "" : "," + rest) + "}";
}


std::string entry(const std::string& extra = "")
	/// A valid models[] entry with further members.
{
	return "{\"model\":\"m\",\"base_url\":\"https://api.example.com/v1\"" + (extra.empty() ? "" : "," + extra) + "}";
}


bool startsWith(const std::string& text, const std::string& prefix)
{
	return text.compare(0, prefix.size(), prefix) == 0;
}


bool hasLine(const std::vector<std::string>& texts, const std::string& prefix, const std::string& mentions = "")
	/// True if one of the texts starts with the prefix and has more after it (what is
	/// expected) that mentions the given word.
{
	return std::any_of(texts.begin(), texts.end(), [&](const std::string& text) {
		return startsWith(text, prefix) && text.size() > prefix.size() && text.find(mentions, prefix.size()) != std::string::npos;
	});
}


void assertOneProblem(const std::string& text, const std::string& prefix, const std::string& mentions = "")
	/// The config must be refused with exactly one problem: "<file>: <path>: <what>".
{
	const ConfigLoader::Result result = parse(text);
	CPPUNIT_ASSERT_MESSAGE("config must be refused: " + text, result.config == nullptr);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(text + lines(result.problems), std::size_t(1), result.problems.size());
	CPPUNIT_ASSERT_MESSAGE("expected \"" + prefix + "...\" mentioning \"" + mentions + "\" for " + text + "; got" + lines(result.problems),
		hasLine(result.problems, prefix, mentions));
}


std::string namesOf(const GatewayConfig& config)
	/// The upstream names, comma-separated (so a failed comparison shows them).
{
	std::string names;
	for (const auto& upstream : config.upstreams) names += (names.empty() ? "" : ",") + upstream.name;
	return names;
}


} // namespace


void ConfigLoaderTest::tearDown()
{
	::unsetenv(KEY_VARIABLE);
}


void ConfigLoaderTest::testSeedLoads()
{
	const ConfigLoader::Result result = parse(AILoad::ConfigFile::seed());
	CPPUNIT_ASSERT_MESSAGE(lines(result.problems), result.problems.empty());
	// server.model is part of the original file: accepted without a warning.
	CPPUNIT_ASSERT_MESSAGE(lines(result.warnings), result.warnings.empty());
	const GatewayConfig& config = *result.config;
	CPPUNIT_ASSERT_EQUAL(std::string(), config.authToken);
	CPPUNIT_ASSERT_EQUAL(2081, config.serverPort);
	CPPUNIT_ASSERT_EQUAL(std::string("0.0.0.0"), config.serverHost);
	CPPUNIT_ASSERT(config.readTimeout == Poco::Timespan(120, 0));
	CPPUNIT_ASSERT(config.connectTimeout == Poco::Timespan(10, 0));
	CPPUNIT_ASSERT_EQUAL(3, config.maxAttempts);
	CPPUNIT_ASSERT(config.ipAffinity);
	CPPUNIT_ASSERT(config.strategy == std::vector<std::string>({"group", "round-robin", "ip-affinity"}));
	CPPUNIT_ASSERT_EQUAL(std::size_t(32) * 1024 * 1024, config.maxBodyBytes);

	CPPUNIT_ASSERT_EQUAL(std::size_t(1), config.upstreams.size());
	const UpstreamConfig& upstream = config.upstreams[0];
	CPPUNIT_ASSERT_EQUAL(std::string("gpt-4o"), upstream.name);
	CPPUNIT_ASSERT_EQUAL(std::string("gpt-4o"), upstream.model);
	CPPUNIT_ASSERT_EQUAL(std::string("sk-xxx"), upstream.apiKey);
	CPPUNIT_ASSERT_EQUAL(std::string("https"), upstream.apiBase.getScheme());
	CPPUNIT_ASSERT_EQUAL(std::string("api.openai.com"), upstream.apiBase.getHost());
	CPPUNIT_ASSERT_EQUAL(std::string("/v1"), upstream.apiBase.getPath());
	CPPUNIT_ASSERT_EQUAL(std::string("/v1/chat/completions"), upstream.endpointPathAndQuery("/chat/completions"));
}


void ConfigLoaderTest::testDefaults()
{
	GatewayConfig::Ptr config = parseValid(models(entry()));
	CPPUNIT_ASSERT_EQUAL(2081, config->serverPort);
	CPPUNIT_ASSERT_EQUAL(std::string("0.0.0.0"), config->serverHost);
	CPPUNIT_ASSERT(config->readTimeout == Poco::Timespan(120, 0));
	CPPUNIT_ASSERT(config->connectTimeout == Poco::Timespan(10, 0));
	CPPUNIT_ASSERT_EQUAL(3, config->maxAttempts);
	CPPUNIT_ASSERT(config->ipAffinity);
	CPPUNIT_ASSERT_EQUAL(300, config->ipAffinityTtlSeconds);
	CPPUNIT_ASSERT(config->strategy == std::vector<std::string>({"group", "round-robin", "ip-affinity"}));
	CPPUNIT_ASSERT(config->strategyOptions);
	CPPUNIT_ASSERT_EQUAL(std::size_t(0), config->strategyOptions->size());
	CPPUNIT_ASSERT_EQUAL(std::size_t(32) * 1024 * 1024, config->maxBodyBytes);
	CPPUNIT_ASSERT(config->trustedProxies.empty());
	CPPUNIT_ASSERT(config->groupPriority.empty());
	CPPUNIT_ASSERT_EQUAL(std::string(), config->authToken);

	const UpstreamConfig& upstream = config->upstreams.at(0);
	CPPUNIT_ASSERT_EQUAL(std::string("m"), upstream.name);
	CPPUNIT_ASSERT_EQUAL(1, upstream.weight);
	CPPUNIT_ASSERT(upstream.enabled);
	CPPUNIT_ASSERT(upstream.verifyTls);
	CPPUNIT_ASSERT(!upstream.rpm);
	CPPUNIT_ASSERT(!upstream.rpd);
	CPPUNIT_ASSERT(upstream.headers.empty());
	CPPUNIT_ASSERT(upstream.groups.empty());
	// Neither api_key nor api_key_env: no Authorization is sent.
	CPPUNIT_ASSERT_EQUAL(std::string(), upstream.apiKey);
}


void ConfigLoaderTest::testIpAffinityOff()
{
	GatewayConfig::Ptr config = parseValid(models(entry(), "\"settings\":{\"ip_affinity\":false}"));
	CPPUNIT_ASSERT(!config->ipAffinity);
	CPPUNIT_ASSERT(config->strategy == std::vector<std::string>({"group", "round-robin"}));
}


void ConfigLoaderTest::testExplicitStrategyKept()
{
	GatewayConfig::Ptr config = parseValid(models(entry(), "\"settings\":{\"ip_affinity\":false,\"strategy\":[\"ip-affinity\",\"round-robin\"]}"));
	CPPUNIT_ASSERT(config->strategy == std::vector<std::string>({"ip-affinity", "round-robin"}));
}


void ConfigLoaderTest::testChatCompletionsUrlCutToApiBase()
{
	GatewayConfig::Ptr config = parseValid(models(
		"{\"model\":\"a\",\"base_url\":\"https://api.example.com/v1/chat/completions\"},"
		"{\"model\":\"b\",\"base_url\":\"http://127.0.0.1:8080/api/v1/chat/completions/\"}"));
	const UpstreamConfig& a = config->upstreams.at(0);
	CPPUNIT_ASSERT_EQUAL(std::string("/v1"), a.apiBase.getPath());
	CPPUNIT_ASSERT_EQUAL(std::string("api.example.com"), a.apiBase.getHost());
	CPPUNIT_ASSERT_EQUAL(Poco::UInt16(443), a.apiBase.getPort());
	CPPUNIT_ASSERT_EQUAL(std::string("/v1/chat/completions"), a.endpointPathAndQuery("/chat/completions"));
	CPPUNIT_ASSERT_EQUAL(std::string("/v1/embeddings"), a.endpointPathAndQuery("/embeddings"));

	const UpstreamConfig& b = config->upstreams.at(1);
	CPPUNIT_ASSERT_EQUAL(std::string("http"), b.apiBase.getScheme());
	CPPUNIT_ASSERT_EQUAL(Poco::UInt16(8080), b.apiBase.getPort());
	CPPUNIT_ASSERT_EQUAL(std::string("/api/v1"), b.apiBase.getPath());
	CPPUNIT_ASSERT_EQUAL(std::string("/api/v1/chat/completions"), b.endpointPathAndQuery("/chat/completions"));
}


void ConfigLoaderTest::testApiBaseForm()
{
	GatewayConfig::Ptr config = parseValid(models(
		"{\"model\":\"a\",\"base_url\":\"https://h/v1/\"},"
		"{\"model\":\"b\",\"base_url\":\"https://h/v1\"},"
		"{\"model\":\"c\",\"base_url\":\"https://h\"}"));
	CPPUNIT_ASSERT_EQUAL(std::string("/v1"), config->upstreams.at(0).apiBase.getPath());
	CPPUNIT_ASSERT_EQUAL(std::string("/v1/chat/completions"), config->upstreams.at(0).endpointPathAndQuery("/chat/completions"));
	CPPUNIT_ASSERT_EQUAL(std::string("/v1/chat/completions"), config->upstreams.at(1).endpointPathAndQuery("/chat/completions"));
	CPPUNIT_ASSERT_EQUAL(std::string("/chat/completions"), config->upstreams.at(2).endpointPathAndQuery("/chat/completions"));
}


void ConfigLoaderTest::testBaseQueryKept()
{
	// Azure-style endpoints carry the API version in the query; every endpoint needs it.
	GatewayConfig::Ptr config = parseValid(models(
		"{\"model\":\"a\",\"base_url\":\"https://h.example.com/openai/deployments/gpt/chat/completions?api-version=1\"},"
		"{\"model\":\"b\",\"base_url\":\"https://h/v1?api-version=2024-02-01&x=a%2Fb\"}"));
	CPPUNIT_ASSERT_EQUAL(std::string("/openai/deployments/gpt"), config->upstreams.at(0).apiBase.getPath());
	CPPUNIT_ASSERT_EQUAL(std::string("/openai/deployments/gpt/chat/completions?api-version=1"),
		config->upstreams.at(0).endpointPathAndQuery("/chat/completions"));
	CPPUNIT_ASSERT_EQUAL(std::string("/v1/embeddings?api-version=2024-02-01&x=a%2Fb"),
		config->upstreams.at(1).endpointPathAndQuery("/embeddings"));
}


void ConfigLoaderTest::testOptionalModelKeys()
{
	GatewayConfig::Ptr config = parseValid(models(
		entry("\"name\":\"n1\",\"api_key\":\"sk-1\",\"weight\":0,\"enabled\":false,\"rpm\":60,\"rpd\":1000,\"verify_tls\":false,"
			  "\"headers\":{\"HTTP-Referer\":\"https://me.example\",\"X-Title\":\"me\"}"),
		"\"auth_token\":\"sk-client\","
		"\"server\":{\"host\":\"127.0.0.1\",\"port\":8080},"
		"\"settings\":{\"timeout\":0.5,\"connect_timeout\":3,\"max_attempts\":5,\"ip_affinity_ttl\":60,\"max_body_mb\":1,"
		"\"trusted_proxies\":[\"10.0.0.1\",\"::1\"],\"strategy_options\":{\"round-robin\":{\"x\":1}}},"
		"\"groups\":{\"backup\":{\"priority\":1},\"main\":{}}"));
	const UpstreamConfig& upstream = config->upstreams.at(0);
	CPPUNIT_ASSERT_EQUAL(std::string("n1"), upstream.name);
	CPPUNIT_ASSERT_EQUAL(std::string("m"), upstream.model);
	CPPUNIT_ASSERT_EQUAL(std::string("sk-1"), upstream.apiKey);
	CPPUNIT_ASSERT_EQUAL(0, upstream.weight);
	CPPUNIT_ASSERT(!upstream.enabled);
	CPPUNIT_ASSERT_EQUAL(60, upstream.rpm.value_or(-1));
	CPPUNIT_ASSERT_EQUAL(1000, upstream.rpd.value_or(-1));
	CPPUNIT_ASSERT(!upstream.verifyTls);
	std::vector<std::pair<std::string, std::string>> headers = upstream.headers;
	std::sort(headers.begin(), headers.end());
	CPPUNIT_ASSERT(headers == (std::vector<std::pair<std::string, std::string>>{{"HTTP-Referer", "https://me.example"}, {"X-Title", "me"}}));

	CPPUNIT_ASSERT_EQUAL(std::string("sk-client"), config->authToken);
	CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), config->serverHost);
	CPPUNIT_ASSERT_EQUAL(8080, config->serverPort);
	CPPUNIT_ASSERT(config->readTimeout == Poco::Timespan(0, 500000));
	CPPUNIT_ASSERT(config->connectTimeout == Poco::Timespan(3, 0));
	CPPUNIT_ASSERT_EQUAL(5, config->maxAttempts);
	CPPUNIT_ASSERT_EQUAL(60, config->ipAffinityTtlSeconds);
	CPPUNIT_ASSERT_EQUAL(std::size_t(1024 * 1024), config->maxBodyBytes);
	CPPUNIT_ASSERT(config->trustedProxies == std::vector<std::string>({"10.0.0.1", "::1"}));
	CPPUNIT_ASSERT(config->strategyOptions->has("round-robin"));
	CPPUNIT_ASSERT_EQUAL(1, config->groupPriority.at("backup"));
	CPPUNIT_ASSERT_EQUAL(std::size_t(1), config->groupPriority.size());
}


void ConfigLoaderTest::testDefaultNames()
{
	GatewayConfig::Ptr config = parseValid(models(
		"{\"model\":\"a\",\"base_url\":\"https://h/v1\"},"
		"{\"model\":\"a\",\"base_url\":\"https://h/v1\"},"
		"{\"model\":\"b\",\"base_url\":\"https://h/v1\"},"
		"{\"model\":\"a\",\"base_url\":\"https://h/v1\"}"));
	CPPUNIT_ASSERT_EQUAL(std::string("a,a#2,b,a#3"), namesOf(*config));
}


void ConfigLoaderTest::testDefaultNameAvoidsExplicitOne()
{
	// Names stay unique: a default never takes a name an entry gave itself.
	GatewayConfig::Ptr config = parseValid(models(
		"{\"name\":\"a\",\"model\":\"x\",\"base_url\":\"https://h/v1\"},"
		"{\"model\":\"a\",\"base_url\":\"https://h/v1\"}"));
	CPPUNIT_ASSERT_EQUAL(std::string("a,a#2"), namesOf(*config));

	config = parseValid(models(
		"{\"model\":\"a\",\"base_url\":\"https://h/v1\"},"
		"{\"name\":\"a#2\",\"model\":\"x\",\"base_url\":\"https://h/v1\"},"
		"{\"model\":\"a\",\"base_url\":\"https://h/v1\"}"));
	CPPUNIT_ASSERT_EQUAL(std::string("a,a#2,a#3"), namesOf(*config));
}


void ConfigLoaderTest::testDuplicateExplicitName()
{
	assertOneProblem(models(
						 "{\"name\":\"n\",\"model\":\"a\",\"base_url\":\"https://h/v1\"},"
						 "{\"name\":\"n\",\"model\":\"b\",\"base_url\":\"https://h/v1\"}"),
		"cfg.json: models[1].name: ", "\"n\"");
	assertOneProblem(models(entry("\"name\":\"\"")), "cfg.json: models[0].name: ");
}


void ConfigLoaderTest::testApiKeyFromEnvironment()
{
	Poco::Environment::set(KEY_VARIABLE, "sk-from-env");
	GatewayConfig::Ptr config = parseValid(models(entry("\"api_key_env\":\"" + std::string(KEY_VARIABLE) + "\"")));
	CPPUNIT_ASSERT_EQUAL(std::string("sk-from-env"), config->upstreams.at(0).apiKey);
}


void ConfigLoaderTest::testApiKeyEnvMissing()
{
	::unsetenv(UNSET_VARIABLE);
	assertOneProblem(models(entry("\"api_key_env\":\"" + std::string(UNSET_VARIABLE) + "\"")), "cfg.json: models[0].api_key_env: ", UNSET_VARIABLE);
}


void ConfigLoaderTest::testApiKeyAndEnvBoth()
{
	Poco::Environment::set(KEY_VARIABLE, "sk-from-env");
	assertOneProblem(models(entry("\"api_key\":\"sk-1\",\"api_key_env\":\"" + std::string(KEY_VARIABLE) + "\"")), "cfg.json: models[0].api_key_env: ");
}


void ConfigLoaderTest::testGroupStringOrArray()
{
	GatewayConfig::Ptr config = parseValid(models(entry("\"group\":\"free\"") + "," + entry("\"group\":[\"free\",\"paid\"]")));
	CPPUNIT_ASSERT(config->upstreams.at(0).groups == std::vector<std::string>({"free"}));
	CPPUNIT_ASSERT(config->upstreams.at(1).groups == std::vector<std::string>({"free", "paid"}));
	CPPUNIT_ASSERT(config->upstreams.at(1).inGroup("paid"));
	CPPUNIT_ASSERT(!config->upstreams.at(0).inGroup("paid"));
	CPPUNIT_ASSERT(config->groupNames() == std::vector<std::string>({"free", "paid"}));

	assertOneProblem(models(entry("\"group\":5")), "cfg.json: models[0].group: ");
	assertOneProblem(models(entry("\"group\":[\"a\",3]")), "cfg.json: models[0].group: ");
}


void ConfigLoaderTest::testProblemsNameFileAndPath()
{
	assertOneProblem(models(entry() + ",{\"model\":\"m\",\"base_url\":\"ftp://x\"}"), "cfg.json: models[1].base_url: ", "http");
	assertOneProblem(models("{\"model\":\"m\",\"base_url\":\"https://\"}"), "cfg.json: models[0].base_url: ");
	assertOneProblem(models("{\"model\":\"m\",\"base_url\":\"not a url\"}"), "cfg.json: models[0].base_url: ");
	assertOneProblem(models("{\"model\":\"m\",\"base_url\":5}"), "cfg.json: models[0].base_url: ");
	assertOneProblem(models("{\"model\":\"m\"}"), "cfg.json: models[0].base_url: ");
	assertOneProblem(models("{\"base_url\":\"https://h/v1\"}"), "cfg.json: models[0].model: ");
	assertOneProblem(models("{\"model\":\"\",\"base_url\":\"https://h/v1\"}"), "cfg.json: models[0].model: ");
	assertOneProblem(models(entry("\"weight\":-1")), "cfg.json: models[0].weight: ");
	assertOneProblem(models(entry("\"weight\":1.5")), "cfg.json: models[0].weight: ");
	assertOneProblem(models(entry("\"weight\":\"2\"")), "cfg.json: models[0].weight: ");
	assertOneProblem(models(entry("\"enabled\":\"yes\"")), "cfg.json: models[0].enabled: ");
	assertOneProblem(models(entry("\"rpm\":0")), "cfg.json: models[0].rpm: ");
	assertOneProblem(models(entry("\"verify_tls\":1")), "cfg.json: models[0].verify_tls: ");
	assertOneProblem(models(entry("\"headers\":[]")), "cfg.json: models[0].headers: ");
	assertOneProblem(models("\"x\""), "cfg.json: models[0]: ");
	assertOneProblem(models(entry(), "\"server\":{\"port\":70000}"), "cfg.json: server.port: ", "65535");
	assertOneProblem(models(entry(), "\"server\":{\"port\":\"2081\"}"), "cfg.json: server.port: ");
	assertOneProblem(models(entry(), "\"server\":{\"host\":\"not an address\"}"), "cfg.json: server.host: ");
	assertOneProblem(models(entry(), "\"server\":5"), "cfg.json: server: ");
	assertOneProblem(models(entry(), "\"settings\":{\"timeout\":0}"), "cfg.json: settings.timeout: ");
	assertOneProblem(models(entry(), "\"settings\":{\"connect_timeout\":-1}"), "cfg.json: settings.connect_timeout: ");
	assertOneProblem(models(entry(), "\"settings\":{\"max_attempts\":0}"), "cfg.json: settings.max_attempts: ");
	assertOneProblem(models(entry(), "\"settings\":{\"ip_affinity\":\"no\"}"), "cfg.json: settings.ip_affinity: ");
	assertOneProblem(models(entry(), "\"settings\":{\"strategy\":[\"round-robin\",\"\"]}"), "cfg.json: settings.strategy: ");
	assertOneProblem(models(entry(), "\"settings\":{\"max_body_mb\":0}"), "cfg.json: settings.max_body_mb: ");
	assertOneProblem(models(entry(), "\"settings\":{\"trusted_proxies\":[\"10.0.0.1\",\"nope\"]}"), "cfg.json: settings.trusted_proxies[1]: ");
	assertOneProblem(models(entry(), "\"groups\":{\"backup\":{\"priority\":\"high\"}}"), "cfg.json: groups.backup.priority: ");
	assertOneProblem(models(entry(), "\"auth_token\":5"), "cfg.json: auth_token: ");
}


void ConfigLoaderTest::testSeveralProblemsReported()
{
	const ConfigLoader::Result result = parse(models(
		"{\"base_url\":\"https://h/v1\",\"enabled\":\"yes\"},{\"model\":\"m\",\"base_url\":\"ftp://x\",\"weight\":-1}",
		"\"server\":{\"port\":70000},\"settings\":{\"timeout\":0}"));
	CPPUNIT_ASSERT(result.config == nullptr);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(lines(result.problems), std::size_t(6), result.problems.size());
	CPPUNIT_ASSERT(hasLine(result.problems, "cfg.json: models[0].model: "));
	CPPUNIT_ASSERT(hasLine(result.problems, "cfg.json: models[0].enabled: "));
	CPPUNIT_ASSERT(hasLine(result.problems, "cfg.json: models[1].base_url: "));
	CPPUNIT_ASSERT(hasLine(result.problems, "cfg.json: models[1].weight: "));
	CPPUNIT_ASSERT(hasLine(result.problems, "cfg.json: server.port: "));
	CPPUNIT_ASSERT(hasLine(result.problems, "cfg.json: settings.timeout: "));
	for (const auto& problem : result.problems)
		CPPUNIT_ASSERT_MESSAGE(problem, problem.find_first_of("\r\n") == std::string::npos);
}


void ConfigLoaderTest::testSyntaxError()
{
	ConfigLoader::Result result = parse("{\n  \"models\": [\n    {\"model\": \"a\",}\n  ]\n}");
	CPPUNIT_ASSERT(result.config == nullptr);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(lines(result.problems), std::size_t(1), result.problems.size());
	CPPUNIT_ASSERT_EQUAL(std::string("cfg.json:3:19: invalid JSON: expected a string key"), result.problems[0]);

	result = parse("{\n\"models\": []\n");
	CPPUNIT_ASSERT_EQUAL_MESSAGE(lines(result.problems), std::size_t(1), result.problems.size());
	CPPUNIT_ASSERT_EQUAL(std::string("cfg.json:3:1: invalid JSON: expected ',' or '}'"), result.problems[0]);

	result = parse("");
	CPPUNIT_ASSERT_EQUAL_MESSAGE(lines(result.problems), std::size_t(1), result.problems.size());
	CPPUNIT_ASSERT_EQUAL(std::string("cfg.json:1:1: invalid JSON: expected a value, found the end of the text"), result.problems[0]);
}


void ConfigLoaderTest::testUnknownKeysAreWarnings()
{
	const ConfigLoader::Result result = parse(models(entry("\"colour\":\"red\""),
		"\"extra\":1,\"server\":{\"port\":2081,\"model\":\"release\",\"tls\":true},\"settings\":{\"foo\":1},\"groups\":{\"g\":{\"prio\":1}}"));
	CPPUNIT_ASSERT_MESSAGE(lines(result.problems), result.problems.empty());
	CPPUNIT_ASSERT(result.config != nullptr);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(lines(result.warnings), std::size_t(5), result.warnings.size());
	CPPUNIT_ASSERT(hasLine(result.warnings, "cfg.json: models[0].colour: "));
	CPPUNIT_ASSERT(hasLine(result.warnings, "cfg.json: extra: "));
	CPPUNIT_ASSERT(hasLine(result.warnings, "cfg.json: server.tls: "));
	CPPUNIT_ASSERT(hasLine(result.warnings, "cfg.json: settings.foo: "));
	CPPUNIT_ASSERT(hasLine(result.warnings, "cfg.json: groups.g.prio: "));
}


void ConfigLoaderTest::testHeaderWithCrLf()
{
	// A header value with CR/LF would let the config inject headers into upstream requests.
	assertOneProblem(models(entry("\"headers\":{\"X-Title\":\"a\\r\\nX-Injected: 1\",\"HTTP-Referer\":\"https://me\"}")), "cfg.json: models[0].headers.X-Title: ");
	assertOneProblem(models(entry("\"headers\":{\"X-Title\":\"a\\nb\"}")), "cfg.json: models[0].headers.X-Title: ");
	assertOneProblem(models(entry("\"headers\":{\"X-Title\":\"a\\u0000b\"}")), "cfg.json: models[0].headers.X-Title: ");
	assertOneProblem(models(entry("\"headers\":{\"X-Title\":5}")), "cfg.json: models[0].headers.X-Title: ");
	assertOneProblem(models(entry("\"api_key\":\"sk-1\\r\\nX: y\"")), "cfg.json: models[0].api_key: ");
}


void ConfigLoaderTest::testProblemsStayOneLine()
{
	// The path quotes the user's key; a key with a line break must not split the line
	// (docs/configuration.md, "Validation": one line per problem).
	ConfigLoader::Result result = parse(models(entry("\"headers\":{\"X-A\\r\\nB\":\"v\"}")));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(lines(result.problems), std::size_t(1), result.problems.size());
	CPPUNIT_ASSERT_MESSAGE(result.problems[0], result.problems[0].find_first_of("\r\n") == std::string::npos);

	result = parse(models(entry(), "\"a\\nb\":1"));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(lines(result.warnings), std::size_t(1), result.warnings.size());
	CPPUNIT_ASSERT_MESSAGE(result.warnings[0], result.warnings[0].find_first_of("\r\n") == std::string::npos);
}


void ConfigLoaderTest::testRootNotObject()
{
	for (const char* text : {"[]", "\"x\"", "null", "[{\"models\":[]}]"})
		assertOneProblem(text, "cfg.json: ", "object");
}


void ConfigLoaderTest::testModelsMissingOrEmpty()
{
	assertOneProblem("{}", "cfg.json: models: ");
	assertOneProblem("{\"models\":[]}", "cfg.json: models: ");
	assertOneProblem("{\"models\":{}}", "cfg.json: models: ");
}


void ConfigLoaderTest::testSecretsNotInProblems()
{
	// Keys never appear in error messages, not even a malformed one (docs/reliability.md, "Secrets").
	const ConfigLoader::Result result = parse(models(entry("\"api_key\":\"sk-secret-value\\n\""), "\"auth_token\":[\"sk-token-value\"]"));
	CPPUNIT_ASSERT_EQUAL_MESSAGE(lines(result.problems), std::size_t(2), result.problems.size());
	for (const auto& problem : result.problems)
	{
		CPPUNIT_ASSERT_MESSAGE(problem, problem.find("sk-secret-value") == std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(problem, problem.find("sk-token-value") == std::string::npos);
	}
}


CppUnit::Test* ConfigLoaderTest::suite()
{
	auto* pSuite = new CppUnit::TestSuite("ConfigLoaderTest");
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testSeedLoads", &ConfigLoaderTest::testSeedLoads));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testDefaults", &ConfigLoaderTest::testDefaults));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testIpAffinityOff", &ConfigLoaderTest::testIpAffinityOff));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testExplicitStrategyKept", &ConfigLoaderTest::testExplicitStrategyKept));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testChatCompletionsUrlCutToApiBase", &ConfigLoaderTest::testChatCompletionsUrlCutToApiBase));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testApiBaseForm", &ConfigLoaderTest::testApiBaseForm));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testBaseQueryKept", &ConfigLoaderTest::testBaseQueryKept));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testOptionalModelKeys", &ConfigLoaderTest::testOptionalModelKeys));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testDefaultNames", &ConfigLoaderTest::testDefaultNames));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testDefaultNameAvoidsExplicitOne", &ConfigLoaderTest::testDefaultNameAvoidsExplicitOne));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testDuplicateExplicitName", &ConfigLoaderTest::testDuplicateExplicitName));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testApiKeyFromEnvironment", &ConfigLoaderTest::testApiKeyFromEnvironment));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testApiKeyEnvMissing", &ConfigLoaderTest::testApiKeyEnvMissing));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testApiKeyAndEnvBoth", &ConfigLoaderTest::testApiKeyAndEnvBoth));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testGroupStringOrArray", &ConfigLoaderTest::testGroupStringOrArray));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testProblemsNameFileAndPath", &ConfigLoaderTest::testProblemsNameFileAndPath));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testSeveralProblemsReported", &ConfigLoaderTest::testSeveralProblemsReported));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testSyntaxError", &ConfigLoaderTest::testSyntaxError));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testUnknownKeysAreWarnings", &ConfigLoaderTest::testUnknownKeysAreWarnings));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testHeaderWithCrLf", &ConfigLoaderTest::testHeaderWithCrLf));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testProblemsStayOneLine", &ConfigLoaderTest::testProblemsStayOneLine));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testRootNotObject", &ConfigLoaderTest::testRootNotObject));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testModelsMissingOrEmpty", &ConfigLoaderTest::testModelsMissingOrEmpty));
	pSuite->addTest(new CppUnit::TestCaller<ConfigLoaderTest>("testSecretsNotInProblems", &ConfigLoaderTest::testSecretsNotInProblems));
	return pSuite;
}

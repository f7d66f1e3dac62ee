// Runs the CppUnit suites named on the command line (all of them without arguments).
#include "ApplicationTest.h"
#include "ConfigFileTest.h"
#include "ConfigLoaderTest.h"
#include "ConformanceTest.h"
#include "GroupStrategyTest.h"
#include "HardeningTest.h"
#include "HttpFramingTest.h"
#include "IpAffinityStrategyTest.h"
#include "JsonScannerTest.h"
#include "ModelRewriterTest.h"
#include "PluginSdkTest.h"
#include "RelayTest.h"
#include "ResilienceTest.h"
#include "RoundRobinStrategyTest.h"
#include "StrategyPluginTest.h"
#include "StreamingTest.h"
#include "TlsTest.h"
#include "UpstreamPoolTest.h"
#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <csignal>
#include <functional>
#include <iostream>
#include <map>
#include <string>

int main(int argc, char** argv)
{
	std::signal(SIGPIPE, SIG_IGN);
	const std::map<std::string, std::function<CppUnit::Test*()>> suites{
		{"ApplicationTest", [] { return static_cast<CppUnit::Test*>(ApplicationTest::suite()); }},
		{"ConfigFileTest", [] { return static_cast<CppUnit::Test*>(ConfigFileTest::suite()); }},
		{"ConfigLoaderTest", [] { return static_cast<CppUnit::Test*>(ConfigLoaderTest::suite()); }},
		{"ConformanceTest", [] { return static_cast<CppUnit::Test*>(ConformanceTest::suite()); }},
		{"GroupStrategyTest", [] { return static_cast<CppUnit::Test*>(GroupStrategyTest::suite()); }},
		{"HardeningTest", [] { return static_cast<CppUnit::Test*>(HardeningTest::suite()); }},
		{"HttpFramingTest", [] { return static_cast<CppUnit::Test*>(HttpFramingTest::suite()); }},
		{"IpAffinityStrategyTest", [] { return static_cast<CppUnit::Test*>(IpAffinityStrategyTest::suite()); }},
		{"JsonScannerTest", [] { return static_cast<CppUnit::Test*>(JsonScannerTest::suite()); }},
		{"ModelRewriterTest", [] { return static_cast<CppUnit::Test*>(ModelRewriterTest::suite()); }},
		{"PluginSdkTest", [] { return static_cast<CppUnit::Test*>(PluginSdkTest::suite()); }},
		{"RelayTest", [] { return static_cast<CppUnit::Test*>(RelayTest::suite()); }},
		{"ResilienceTest", [] { return static_cast<CppUnit::Test*>(ResilienceTest::suite()); }},
		{"RoundRobinStrategyTest", [] { return static_cast<CppUnit::Test*>(RoundRobinStrategyTest::suite()); }},
		{"StrategyPluginTest", [] { return static_cast<CppUnit::Test*>(StrategyPluginTest::suite()); }},
		{"StreamingTest", [] { return static_cast<CppUnit::Test*>(StreamingTest::suite()); }},
		{"TlsTest", [] { return static_cast<CppUnit::Test*>(TlsTest::suite()); }},
		{"UpstreamPoolTest", [] { return static_cast<CppUnit::Test*>(UpstreamPoolTest::suite()); }},
	};

	CppUnit::TestRunner runner;
	for (const auto& suite : suites)
	{
		bool named = argc < 2;
		for (int i = 1; i < argc; ++i) named = named || suite.first == argv[i];
		if (named) runner.addTest(suite.second());
	}
	CppUnit::TestResult controller;
	CppUnit::TestResultCollector result;
	CppUnit::BriefTestProgressListener progress;
	controller.addListener(&result);
	controller.addListener(&progress);
	runner.run(controller);
	CppUnit::CompilerOutputter(&result, std::cerr).write();
	return result.wasSuccessful() && result.runTests() > 0 ? 0 : 1;
}

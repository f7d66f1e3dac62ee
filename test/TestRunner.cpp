// Runs the CppUnit suites named on the command line (all of them without arguments).
// Each suite registers itself (CPPUNIT_TEST_SUITE_REGISTRATION in its .cpp), so adding a
// suite is adding its files: test/CMakeLists.txt makes a CTest test of every *Test.cpp.
#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/HelperMacros.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <csignal>
#include <iostream>
#include <string>


namespace {


bool isSuite(CppUnit::Test& all, const std::string& name)
	/// True if `name` is one of the registered suites (not a test inside one).
{
	for (int i = 0; i < all.getChildTestCount(); ++i)
	{
		if (all.getChildTestAt(i)->getName() == name) return true;
	}
	return false;
}


} // namespace


int main(int argc, char** argv)
{
	// A test that writes to a connection the peer has closed gets EPIPE, not a dead runner.
	std::signal(SIGPIPE, SIG_IGN);

	CppUnit::Test* all = CppUnit::TestFactoryRegistry::getRegistry().makeTest();
	CppUnit::TestRunner runner;
	runner.addTest(all);
	for (int i = 1; i < argc; ++i)
	{
		if (!isSuite(*all, argv[i]))
		{
			std::cerr << "aiload-tests: no suite named " << argv[i] << "\n";
			return 1;
		}
	}

	CppUnit::TestResult controller;
	CppUnit::TestResultCollector result;
	CppUnit::BriefTestProgressListener progress;
	controller.addListener(&result);
	controller.addListener(&progress);
	if (argc < 2) runner.run(controller);
	for (int i = 1; i < argc; ++i) runner.run(controller, argv[i]);
	CppUnit::CompilerOutputter(&result, std::cerr).write();
	return result.wasSuccessful() && result.runTests() > 0 ? 0 : 1;
}

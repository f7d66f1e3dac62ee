//
// DaemonTest.h
//
// Definition of the DaemonTest class.
//


#ifndef DaemonTest_INCLUDED
#define DaemonTest_INCLUDED


#include "AiloadFixture.h"
#include <cppunit/extensions/HelperMacros.h>


class DaemonTest: public AILoad::Test::AiloadFixture
	/// Runs the real `aiload` binary with --daemon and --pidfile: the launching process
	/// ends at once, the daemon serves, and SIGTERM stops it and removes its pid file.
{
	CPPUNIT_TEST_SUITE(DaemonTest);
	CPPUNIT_TEST(testDaemonWithPidfile);
	CPPUNIT_TEST_SUITE_END();

public:
	void testDaemonWithPidfile();
};


#endif // DaemonTest_INCLUDED

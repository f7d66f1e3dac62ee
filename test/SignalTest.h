//
// SignalTest.h
//
// Definition of the SignalTest class.
//


#ifndef SignalTest_INCLUDED
#define SignalTest_INCLUDED


#include "AiloadFixture.h"
#include <cppunit/extensions/HelperMacros.h>


class SignalTest: public AILoad::Test::AiloadFixture
	/// Runs the real `aiload` binary in front of `aiload-mock` as a user would: it serves,
	/// stops on SIGTERM (letting a stream in flight finish, or cutting it once the drain
	/// time is over), and reloads its config when the file changes and on SIGHUP.
{
	CPPUNIT_TEST_SUITE(SignalTest);
	CPPUNIT_TEST(testServesAndStopsOnSigterm);
	CPPUNIT_TEST(testSigtermLetsStreamFinish);
	CPPUNIT_TEST(testSigtermCutsStreamsAfterDrain);
	CPPUNIT_TEST(testReloadsOnChangeAndSighup);
	CPPUNIT_TEST_SUITE_END();

public:
	void testServesAndStopsOnSigterm();
	void testSigtermLetsStreamFinish();
	void testSigtermCutsStreamsAfterDrain();
	void testReloadsOnChangeAndSighup();
};


#endif // SignalTest_INCLUDED

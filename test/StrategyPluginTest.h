#ifndef AILoad_StrategyPluginTest_INCLUDED
#define AILoad_StrategyPluginTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class StrategyPluginTest: public CppUnit::TestFixture
	/// Loading strategy plugins: a missing, broken or incompatible plugin (another API version,
	/// another signature), or options it refuses, stop start-up (of the `aiload` binary too)
	/// with a message naming the file and the reason; the SDK's option getters name the
	/// option's JSON path, and unknown options are warned about; reloads keep strategies and
	/// their state, or are refused whole; no strategy outlives its library.
{
	CPPUNIT_TEST_SUITE(StrategyPluginTest);
	CPPUNIT_TEST(testMissingPluginStopsStartup);
	CPPUNIT_TEST(testPluginOfAnotherApiVersionStopsStartup);
	CPPUNIT_TEST(testPluginOfAnotherAbiStopsStartup);
	CPPUNIT_TEST(testBrokenPluginRefused);
	CPPUNIT_TEST(testRefusedOptionsStopStartup);
	CPPUNIT_TEST(testOptionGettersNameThePath);
	CPPUNIT_TEST(testUnknownOptionsWarned);
	CPPUNIT_TEST(testReloadKeepsStrategiesOrIsRefused);
	CPPUNIT_TEST(testStrategyKeepsItsLibraryLoaded);
	CPPUNIT_TEST_SUITE_END();

public:
	void testMissingPluginStopsStartup();
	void testPluginOfAnotherApiVersionStopsStartup();
	void testPluginOfAnotherAbiStopsStartup();
	void testBrokenPluginRefused();
	void testRefusedOptionsStopStartup();
	void testOptionGettersNameThePath();
	void testUnknownOptionsWarned();
	void testReloadKeepsStrategiesOrIsRefused();
	void testStrategyKeepsItsLibraryLoaded();
};

#endif

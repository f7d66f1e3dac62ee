#ifndef AILoad_StrategyPluginTest_INCLUDED
#define AILoad_StrategyPluginTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class StrategyPluginTest: public CppUnit::TestFixture
	/// Loading strategy plugins: a missing, broken or incompatible plugin, or options it
	/// refuses, stop start-up (of the `aiload` binary too) with a message naming the file and
	/// the reason; reloads keep strategies and their state, or are refused whole; no strategy
	/// outlives its library.
{
	CPPUNIT_TEST_SUITE(StrategyPluginTest);
	CPPUNIT_TEST(testMissingPluginStopsStartup);
	CPPUNIT_TEST(testPluginOfAnotherApiVersionStopsStartup);
	CPPUNIT_TEST(testBrokenPluginRefused);
	CPPUNIT_TEST(testRefusedOptionsStopStartup);
	CPPUNIT_TEST(testReloadKeepsStrategiesOrIsRefused);
	CPPUNIT_TEST(testStrategyKeepsItsLibraryLoaded);
	CPPUNIT_TEST_SUITE_END();

public:
	void testMissingPluginStopsStartup();
	void testPluginOfAnotherApiVersionStopsStartup();
	void testBrokenPluginRefused();
	void testRefusedOptionsStopStartup();
	void testReloadKeepsStrategiesOrIsRefused();
	void testStrategyKeepsItsLibraryLoaded();
};

#endif

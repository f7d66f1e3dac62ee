#ifndef AILoad_RoundRobinStrategyTest_INCLUDED
#define AILoad_RoundRobinStrategyTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class RoundRobinStrategyTest: public CppUnit::TestFixture
	/// The `round-robin` strategy plugin: smooth weighted round-robin by models[].weight,
	/// through the gateway and mock upstreams, and, called directly, its sequence and
	/// the upstreams a reload forgets and the current weights it keeps.
{
	CPPUNIT_TEST_SUITE(RoundRobinStrategyTest);
	CPPUNIT_TEST(testEqualWeightsSpreadEvenly);
	CPPUNIT_TEST(testWeightsGiveTheirShare);
	CPPUNIT_TEST(testWeightZeroIsOnlyFailover);
	CPPUNIT_TEST(testSequenceIsSmooth);
	CPPUNIT_TEST(testUpstreamsForgottenOnReload);
	CPPUNIT_TEST_SUITE_END();

public:
	void testEqualWeightsSpreadEvenly();
	void testWeightsGiveTheirShare();
	void testWeightZeroIsOnlyFailover();
	void testSequenceIsSmooth();
	void testUpstreamsForgottenOnReload();
};

#endif

#ifndef AILoad_GroupStrategyTest_INCLUDED
#define AILoad_GroupStrategyTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class GroupStrategyTest: public CppUnit::TestFixture
	/// The `group` strategy plugin and model resolution through the gateway and mock
	/// upstreams: what a name reaches, tiers by groups.<name>.priority, and an even share
	/// for groups of different sizes; called directly, a reload forgets groups gone and keeps
	/// the shares of those that stay.
{
	CPPUNIT_TEST_SUITE(GroupStrategyTest);
	CPPUNIT_TEST(testNamesReachOnlyTheirEntries);
	CPPUNIT_TEST(testBackupTierOnlyWhenTierAboveHasNothingLeft);
	CPPUNIT_TEST(testGroupsShareEvenlyWhateverTheirSize);
	CPPUNIT_TEST(testGroupsForgottenOnReload);
	CPPUNIT_TEST_SUITE_END();

public:
	void testNamesReachOnlyTheirEntries();
	void testBackupTierOnlyWhenTierAboveHasNothingLeft();
	void testGroupsShareEvenlyWhateverTheirSize();
	void testGroupsForgottenOnReload();
};

#endif

#ifndef AILoad_PluginSdkTest_INCLUDED
#define AILoad_PluginSdkTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class PluginSdkTest: public CppUnit::TestFixture
	/// The plugin SDK as a third party uses it: AILoad installed to a fresh prefix, the
	/// `latency` plugin of Plugins/ configured and built out of tree against it with
	/// find_package, installed into the plugin folder, refusing a wrong option by its JSON
	/// path, and routing requests.
{
	CPPUNIT_TEST_SUITE(PluginSdkTest);
	CPPUNIT_TEST(testThirdPartyPluginBuildsAndRoutes);
	CPPUNIT_TEST_SUITE_END();

public:
	void testThirdPartyPluginBuildsAndRoutes();
};

#endif

#ifndef AILoad_StatusPageTest_INCLUDED
#define AILoad_StatusPageTest_INCLUDED

#include <cppunit/extensions/HelperMacros.h>

class StatusPageTest: public CppUnit::TestFixture
	/// GET /status: the page as served, and what it shows in a real browser (headless
	/// chromium) once its script has read /status.json: a gateway with one upstream up and
	/// one cooling down after a 429. The browser tests fail without chromium unless
	/// AILOAD_SKIP_BROWSER_TESTS=1. They leave screenshots of the page at desktop and phone
	/// width in the build folder, test/status-desktop.png and test/status-phone.png.
{
	CPPUNIT_TEST_SUITE(StatusPageTest);
	CPPUNIT_TEST(testPageIsSelfContained);
	CPPUNIT_TEST(testBrowserShowsUpstreamsAndTotals);
	CPPUNIT_TEST(testBrowserAsksAgainAfterWrongToken);
	CPPUNIT_TEST(testScreenshotsAtDesktopAndPhoneWidth);
	CPPUNIT_TEST_SUITE_END();

public:
	void testPageIsSelfContained();
	void testBrowserShowsUpstreamsAndTotals();
	void testBrowserAsksAgainAfterWrongToken();
	void testScreenshotsAtDesktopAndPhoneWidth();
};

#endif

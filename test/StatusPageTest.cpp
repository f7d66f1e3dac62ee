#include "StatusPageTest.h"

#include "CoolingUpstreamScene.h"
#include "HeadlessChromium.h"
#include "SystemProgram.h"
#include <Poco/FileStream.h>
#include <regex>

CPPUNIT_TEST_SUITE_REGISTRATION(StatusPageTest);

using namespace AILoad::Test;

namespace {

bool contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}


std::string chromium()
{
	return SystemProgram::require("chromium", "chromium", "AILOAD_SKIP_BROWSER_TESTS");
}


std::string pageUrl(Poco::UInt16 port, const std::string& token)
{
	return "http://127.0.0.1:" + std::to_string(port) + "/status#token=" + token;
}


std::string rowOf(const std::string& dom, const std::string& upstream)
	/// The page's table row of the upstream, "" when there is none.
{
	const std::size_t start = dom.find("<tr data-upstream=\"" + upstream + "\"");
	if (start == std::string::npos) return "";
	return dom.substr(start, dom.find("</tr>", start) - start);
}


std::pair<int, int> pngSize(const std::string& path)
	/// Width and height from the PNG's IHDR chunk, which comes first.
{
	Poco::FileInputStream in(path);
	unsigned char head[24] = {};
	in.read(reinterpret_cast<char*>(head), sizeof(head));
	auto number = [&head](int at) { return (head[at] << 24) | (head[at + 1] << 16) | (head[at + 2] << 8) | head[at + 3]; };
	CPPUNIT_ASSERT_MESSAGE(path + " is not a PNG", in.gcount() == sizeof(head) && std::string(reinterpret_cast<char*>(head) + 1, 3) == "PNG");
	return {number(16), number(20)};
}

} // namespace


void StatusPageTest::testPageIsSelfContained()
{
	CoolingUpstreamScene scene;
	TestClient anonymous(scene.gateway().port());

	const HttpAnswer page = anonymous.get("/status");
	CPPUNIT_ASSERT_EQUAL(200, page.status);
	CPPUNIT_ASSERT_EQUAL(std::string("text/html; charset=utf-8"), page.header("Content-Type"));
	CPPUNIT_ASSERT_EQUAL(std::string("no-store"), page.header("Cache-Control"));
	CPPUNIT_ASSERT_EQUAL(std::string("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
									 "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
		page.header("Content-Security-Policy"));
	CPPUNIT_ASSERT_EQUAL(std::string("nosniff"), page.header("X-Content-Type-Options"));
	CPPUNIT_ASSERT_EQUAL(std::to_string(page.body.size()), page.header("Content-Length"));
	CPPUNIT_ASSERT_EQUAL(std::string("<!doctype html>"), page.body.substr(0, 15));
	CPPUNIT_ASSERT(contains(page.body, "</html>"));

	// Nothing from elsewhere: no address with a scheme or protocol-relative, no file to load.
	for (const char* external : {"http:", "https:", "//cdn", "src=", "<link", "url(", "@import", "<iframe", "<img"})
		CPPUNIT_ASSERT_MESSAGE(std::string("the page has ") + external, !contains(page.body, external));
	// Without a script, it says how to get the data.
	CPPUNIT_ASSERT(contains(page.body, "<noscript>"));
	CPPUNIT_ASSERT(contains(page.body, "Authorization: Bearer $ADMIN_TOKEN\" HOST:PORT/status.json"));
	// The page is the same for anyone: the data comes only from /status.json, with the token.
	CPPUNIT_ASSERT(!contains(page.body, "alpha"));
	CPPUNIT_ASSERT_EQUAL(page.body, scene.gateway().client().get("/status").body);
	CPPUNIT_ASSERT_EQUAL(401, anonymous.get("/status.json").status);

	CPPUNIT_ASSERT_EQUAL(200, anonymous.get("/status?refresh=1").status);
	const HttpAnswer posted = anonymous.post("/status", "{}");
	CPPUNIT_ASSERT_EQUAL(405, posted.status);
	CPPUNIT_ASSERT_EQUAL(std::string("GET"), posted.header("Allow"));
}


void StatusPageTest::testBrowserShowsUpstreamsAndTotals()
{
	const std::string program = chromium();
	if (program.empty()) return;
	CoolingUpstreamScene scene;
	scene.coolBravo();

	const std::string dom = HeadlessChromium(program).dumpDom(pageUrl(scene.gateway().port(), GatewayFixture::token()));

	CPPUNIT_ASSERT_MESSAGE(dom, contains(dom, "<section id=\"status\">")); // shown: no longer hidden
	CPPUNIT_ASSERT_MESSAGE(dom, contains(dom, "<form id=\"login\" hidden=\"\">"));
	const std::string bravo = rowOf(dom, "bravo");
	CPPUNIT_ASSERT_MESSAGE(dom, contains(bravo, "data-state=\"cooling\""));
	CPPUNIT_ASSERT_MESSAGE(bravo, contains(bravo, "data-reason=\"rate_limited\""));
	CPPUNIT_ASSERT_MESSAGE(bravo, contains(bravo, ">cooling</span>"));
	CPPUNIT_ASSERT_MESSAGE(bravo, contains(bravo, "rate limited · "));
	// The time left counts down from Retry-After: 120 s; the page ran for 5 s of virtual time.
	std::smatch left;
	CPPUNIT_ASSERT_MESSAGE(bravo, std::regex_search(bravo, left, std::regex(">(\\d+)m (\\d+)s left<")));
	const int secondsLeft = std::stoi(left[1]) * 60 + std::stoi(left[2]);
	CPPUNIT_ASSERT_MESSAGE(bravo, secondsLeft > 90 && secondsLeft <= CoolingUpstreamScene::RETRY_AFTER_SECONDS);
	CPPUNIT_ASSERT_MESSAGE(bravo, contains(bravo, "100 %")); // its one request failed

	const std::string alpha = rowOf(dom, "alpha");
	CPPUNIT_ASSERT_MESSAGE(dom, contains(alpha, "data-state=\"up\""));
	CPPUNIT_ASSERT_MESSAGE(alpha, contains(alpha, ">up</span>"));
	const std::string served = std::to_string(scene.successes());
	CPPUNIT_ASSERT_MESSAGE(alpha, contains(alpha, served + " / 60 rpm"));
	CPPUNIT_ASSERT_MESSAGE(alpha, contains(alpha, served + " / 1,000 rpd"));
	CPPUNIT_ASSERT_MESSAGE(alpha, contains(alpha, " ms<")); // a first-byte time
	CPPUNIT_ASSERT_MESSAGE(alpha, contains(alpha, ">42 requests<") && contains(alpha, ">9,000 tokens<")); // from its headers

	// Totals: every request the gateway finished, the page's own fetches of status.json too.
	std::smatch requests;
	CPPUNIT_ASSERT_MESSAGE(dom, std::regex_search(dom, requests, std::regex("<dt>Requests since start</dt><dd>(\\d+)</dd>")));
	CPPUNIT_ASSERT_MESSAGE(dom, std::stoi(requests[1]) >= scene.successes());
	CPPUNIT_ASSERT_MESSAGE(dom, contains(dom, "<dt>Uptime</dt>"));
	CPPUNIT_ASSERT_MESSAGE(dom, contains(dom, "<tr data-client=\"default\">"));
}


void StatusPageTest::testBrowserAsksAgainAfterWrongToken()
{
	const std::string program = chromium();
	if (program.empty()) return;
	CoolingUpstreamScene scene;

	const std::string dom = HeadlessChromium(program).dumpDom(pageUrl(scene.gateway().port(), "not-the-token"));

	CPPUNIT_ASSERT_MESSAGE(dom, contains(dom, "<form id=\"login\">")); // shown
	CPPUNIT_ASSERT_MESSAGE(dom, contains(dom, "The gateway refused that token (HTTP 401). Enter it again."));
	CPPUNIT_ASSERT_MESSAGE(dom, contains(dom, "<section id=\"status\" hidden=\"\">"));
	CPPUNIT_ASSERT_MESSAGE(dom, !contains(dom, "data-upstream="));
}


void StatusPageTest::testScreenshotsAtDesktopAndPhoneWidth()
{
	const std::string program = chromium();
	if (program.empty()) return;
	CoolingUpstreamScene scene;
	scene.coolBravo();
	scene.chat("auto", true);
	const HeadlessChromium browser(program);
	const std::string url = pageUrl(scene.gateway().port(), GatewayFixture::token());
	const std::string folder = std::string(AILOAD_BINARY_DIR) + "/test/";

	browser.screenshot(url, folder + "status-desktop.png", 1280, 800);
	CPPUNIT_ASSERT(pngSize(folder + "status-desktop.png") == std::make_pair(1280, 800));
	browser.screenshot(url, folder + "status-phone.png", 375, 812);
	CPPUNIT_ASSERT(pngSize(folder + "status-phone.png") == std::make_pair(375, 812));
}

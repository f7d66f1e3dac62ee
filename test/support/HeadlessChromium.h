#ifndef AILoad_Test_HeadlessChromium_INCLUDED
#define AILoad_Test_HeadlessChromium_INCLUDED

#include "TempDirectory.h"
#include <string>
#include <vector>

namespace AILoad {
namespace Test {

class HeadlessChromium
	/// Debian's chromium run headless on a page, one run per call, each with a fresh profile
	/// (in a temporary folder) so that nothing carries over: no cache, no sessionStorage.
	/// It gives the page a budget of virtual time (5 s unless told) to run its scripts and
	/// fetches first; virtual time waits for the network, so timers run without the test
	/// waiting for them in real time.
{
public:
	explicit HeadlessChromium(const std::string& program);
		/// `program`: the chromium binary (SystemProgram::require("chromium", ...)).

	void setVirtualTime(int milliseconds);

	std::string dumpDom(const std::string& url, int width = 1280, int height = 900) const;
		/// The page's DOM as HTML once its time is up (after its scripts ran). Throws with
		/// chromium's output if it fails or runs for more than 60 s.

	void screenshot(const std::string& url, const std::string& pngPath, int width, int height) const;
		/// Writes a PNG of the page in a window of that size (CSS pixels, scale 1).

private:
	std::string run(const std::vector<std::string>& what, const std::string& url, int width, int height) const;

	std::string _program;
	TempDirectory _profiles;
	int _virtualTimeMs = 5000;
	mutable int _runs = 0; /// each run's profile folder is profile-<run>
};

} // namespace Test
} // namespace AILoad

#endif

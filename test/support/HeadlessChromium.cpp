#include "HeadlessChromium.h"

#include "ChildProcess.h"
#include <Poco/Exception.h>
#include <Poco/File.h>

namespace AILoad {
namespace Test {

HeadlessChromium::HeadlessChromium(const std::string& program):
	_program(program)
{
}


void HeadlessChromium::setVirtualTime(int milliseconds)
{
	_virtualTimeMs = milliseconds;
}


std::string HeadlessChromium::dumpDom(const std::string& url, int width, int height) const
{
	return run({"--dump-dom"}, url, width, height);
}


void HeadlessChromium::screenshot(const std::string& url, const std::string& pngPath, int width, int height) const
{
	Poco::File png(pngPath);
	if (png.exists()) png.remove();
	run({"--screenshot=" + pngPath, "--hide-scrollbars"}, url, width, height);
	if (!png.exists()) throw Poco::RuntimeException("chromium wrote no screenshot to " + pngPath);
}


std::string HeadlessChromium::run(const std::vector<std::string>& what, const std::string& url, int width, int height) const
{
	std::vector<std::string> args{
		"--headless",
		"--no-sandbox", // as root (containers, CI) it refuses to start without
		"--disable-gpu",
		"--disable-dev-shm-usage", // a container's /dev/shm is often too small for it
		"--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
		"--mute-audio", "--force-device-scale-factor=1",
		"--user-data-dir=" + _profiles.file("profile-" + std::to_string(++_runs)),
		"--window-size=" + std::to_string(width) + "," + std::to_string(height),
		"--virtual-time-budget=" + std::to_string(_virtualTimeMs)};
	args.insert(args.end(), what.begin(), what.end());
	args.push_back(url);

	ChildProcess chromium(_program, args, _profiles.path());
	if (!chromium.waitForExit(Poco::Timespan(60, 0)))
		throw Poco::TimeoutException("chromium did not finish within 60 s", chromium.output());
	if (chromium.exitCode() != 0)
		throw Poco::RuntimeException("chromium failed", chromium.output());
	return chromium.out(); // stderr is its log (D-Bus complaints and the like)
}

} // namespace Test
} // namespace AILoad

#ifndef AILoad_Test_AiloadFixture_INCLUDED
#define AILoad_Test_AiloadFixture_INCLUDED

#include "AiloadProcess.h"
#include "MockUpstreamProcess.h"
#include "TempDirectory.h"
#include <cppunit/TestFixture.h>
#include <memory>
#include <string>
#include <vector>

namespace AILoad {
namespace Test {

class AiloadFixture: public CppUnit::TestFixture
	/// What the suites that run the real aiload binary (and aiload-mock as its upstream)
	/// share. Each test works in a fresh temporary directory, which is also the directory
	/// the processes start in, and passes --properties explicitly (a copy of the source
	/// tree's etc/aiload.properties naming a config in that directory), so nothing depends
	/// on the directory the tests run from. Every wait has a deadline; a process still
	/// running at the end of a test is killed.
{
public:
	static const std::string TOKEN;
		/// The auth_token of config().
	static const std::string UPSTREAM_KEY;
		/// The api_key config() gives the mock.

	void setUp();
	void tearDown();

protected:
	const TempDirectory& directory() const;

	std::string path(const std::string& name) const;
		/// `name` inside the test's directory.

	std::string writeProperties(const std::string& configPath, const std::string& name = "aiload.properties") const;
		/// See AiloadProcess::writeProperties().

	std::vector<std::string> withProperties(const std::string& configPath, const std::vector<std::string>& options = {}) const;
		/// --properties naming a fresh copy of the shipped file for the config, then the options.

	void finish(AiloadProcess& process) const;
		/// Waits for a short run (an option, a config check) to end; one still running
		/// after 20 s fails the test.

	static std::string config(Poco::UInt16 port, Poco::UInt16 mockPort, const std::string& settings = "\"timeout\": 30");
		/// A config serving on 127.0.0.1:port with one model, "mock-model", on the mock.

	static bool contains(const std::string& text, const std::string& part);
	static std::size_t count(const std::string& text, const std::string& part);
	static std::vector<std::string> linesStartingWith(const std::string& text, const std::string& prefix);

private:
	std::unique_ptr<TempDirectory> _directory;
};

} // namespace Test
} // namespace AILoad

#endif

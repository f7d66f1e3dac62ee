#ifndef AILoad_Test_PrometheusServer_INCLUDED
#define AILoad_Test_PrometheusServer_INCLUDED

#include "ChildProcess.h"
#include "TempDirectory.h"
#include <Poco/Types.h>
#include <memory>
#include <optional>
#include <string>

namespace AILoad {
namespace Test {

class PrometheusServer
	/// Debian's prometheus server scraping one target every second, listening on a free port
	/// of 127.0.0.1 and keeping its data in a temporary folder: nothing is shared with a
	/// prometheus the machine may run (on :9090). The process is killed, and its folder
	/// removed, when the object goes, whatever the test did.
{
public:
	PrometheusServer(const std::string& program, const std::string& target, const std::string& bearerToken);
		/// Starts `program` scraping http://<target>/metrics (target "host:port") with the
		/// token as its Bearer token.

	Poco::UInt16 port() const;

	bool waitUntilReady(Poco::Timespan timeout);
		/// Polls /-/ready until it answers 200 (true), the process ends or the time is up.

	std::string targetHealth();
		/// The target's health as /api/v1/targets says ("up", "down", "unknown"), with the
		/// last scrape error after a colon when there is one.

	bool waitForTargetUp(Poco::Timespan timeout);
		/// Polls targetHealth() until "up" (true) or the time is up.

	std::optional<double> value(const std::string& expression);
		/// The value of an instant query through /api/v1/query that yields one sample (a
		/// sum(), say); empty when it yields none. Throws when the query fails or yields
		/// more than one.

	std::string output() const;
		/// Its configuration and log, for failure messages.

private:
	std::string get(const std::string& pathAndQuery, int& status);

	TempDirectory _directory;
	Poco::UInt16 _port;
	std::string _config;
	std::unique_ptr<ChildProcess> _process;
};

} // namespace Test
} // namespace AILoad

#endif

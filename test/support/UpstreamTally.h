#ifndef AILoad_Test_UpstreamTally_INCLUDED
#define AILoad_Test_UpstreamTally_INCLUDED

#include "TestClient.h"
#include <map>
#include <string>

namespace AILoad {
namespace Test {

class UpstreamTally
	/// Sends chat completions through a gateway and tells which upstream answered each
	/// (its X-AILoad-Upstream header). Any answer but a 200 throws
	/// Poco::AssertionViolationException, which fails the test.
{
public:
	explicit UpstreamTally(const TestClient& client);

	std::string send(const std::string& model = "auto", const Headers& headers = {}) const;
		/// The upstream that answered one request.

	std::map<std::string, int> count(int requests, const std::string& model = "auto", const Headers& headers = {}) const;
		/// How many of that many requests each upstream answered.

private:
	TestClient _client;
};

} // namespace Test
} // namespace AILoad

#endif

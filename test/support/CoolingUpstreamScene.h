#ifndef AILoad_Test_CoolingUpstreamScene_INCLUDED
#define AILoad_Test_CoolingUpstreamScene_INCLUDED

#include "GatewayFixture.h"
#include "MockUpstream.h"
#include <memory>
#include <string>

namespace AILoad {
namespace Test {

class CoolingUpstreamScene
	/// What an operator looks at on a bad day, for the tests of /status and /metrics: a
	/// gateway in front of two mock upstreams, "alpha" (rpm 60, rpd 1000) that answers and
	/// reports 42 requests and 9000 tokens remaining in OpenAI's headers, and
	/// "bravo" that answers 429 with Retry-After: 120, so that the first request it gets
	/// fails over to alpha and leaves it cooling down, reason rate_limited, for two minutes.
	/// The strategy chain has no ip-affinity, so requests alternate between the two.
{
public:
	CoolingUpstreamScene();

	void coolBravo();
		/// Sends "auto" requests until bravo got one (at most 4); each must get 200 (alpha's,
		/// after failover for the one bravo refused).

	HttpAnswer chat(const std::string& model, bool stream = false);
		/// A chat completion for the model, counted in successes() when it gets 200.

	int successes() const;
		/// Requests sent through chat() or coolBravo() that got 200.

	GatewayFixture& gateway();
	MockUpstream& alpha();
	MockUpstream& bravo();

	static constexpr int RETRY_AFTER_SECONDS = 120;

private:
	MockUpstream _alpha;
	MockUpstream _bravo;
	std::unique_ptr<GatewayFixture> _gateway;
	int _successes = 0;
};

} // namespace Test
} // namespace AILoad

#endif

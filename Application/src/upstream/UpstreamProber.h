#ifndef AILoad_UpstreamProber_INCLUDED
#define AILoad_UpstreamProber_INCLUDED

#include "GatewayConfig.h"
#include "UpstreamPool.h"
#include "UpstreamRegistry.h"
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace AILoad {

class UpstreamProber
	/// Probes the upstreams that cool down because they failed (not for a limit), every
	/// `settings.probe_interval`, with a request that costs no tokens: GET of the API base's
	/// /models. One that answers 2xx is tried again at once (docs/quotas.md, "Probes").
	/// Probes run one after the other on a thread of their own.
{
public:
	UpstreamProber(std::function<GatewayConfig::Ptr()> config, UpstreamRegistry& states, UpstreamPool& pool);
	~UpstreamProber();
		/// Ends the thread (a probe in flight ends within its timeouts).

private:
	void run();
	bool probe(const UpstreamConfig& upstream, const GatewayConfig& config);

	std::function<GatewayConfig::Ptr()> _config;
	UpstreamRegistry& _states;
	UpstreamPool& _pool;
	std::mutex _mutex;
	std::condition_variable _wake;
	bool _stopping = false;
	std::thread _thread;
};

} // namespace AILoad

#endif

#ifndef AILoad_StrategyChain_INCLUDED
#define AILoad_StrategyChain_INCLUDED

#include "GatewayConfig.h"
#include "StrategyHost.h"
#include "UpstreamConfig.h"
#include "AILoad/AttemptResult.h"
#include "AILoad/RequestContext.h"
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace AILoad {

using RouteRequest = RequestContext;
	/// What the strategies may know of one client request (the strategy SDK's RequestContext).

class StrategyChain final
	/// The router, the one place where the order of upstreams for a request is chosen
	/// (docs/routing.md): runs the strategy plugins named in `settings.strategy`,
	/// in that order, each on the order the one before produced. Strategies see read-only
	/// views of the candidates (no keys).
	///
	/// On a reload, a strategy whose name stays in the list is kept, with its state, and
	/// configured anew; one that leaves the list is dropped; a new one is loaded. Options are
	/// tried on a fresh object before the running one gets them, so that a refused reload
	/// changes nothing.
{
public:
	explicit StrategyChain(const std::string& pluginPath);

	void configure(const GatewayConfig& config);
		/// Takes a config before it comes into effect: at start and on every reload, from one
		/// thread at a time. Throws (Poco::Exception, with a message naming the setting) and
		/// keeps routing as before when it cannot route with it.

	std::vector<const UpstreamConfig*> order(const std::vector<const UpstreamConfig*>& candidates, const RouteRequest& request);
		/// Orders (and may drop) the candidates: the first is tried first, the rest, in
		/// order, are the failover path. Called from many request threads at once.

	void attemptFinished(const UpstreamConfig& upstream, const RouteRequest& request, const AttemptResult& result);
		/// Told once per attempt, so that a stateful strategy can learn. What a strategy
		/// throws here or in order() is logged and never reaches the request.

	std::vector<std::string> names() const;
		/// The strategies in the order they run.

private:
	struct Link
	{
		std::string name;
		Strategy::Ptr strategy;
	};

	struct Chain
		/// What one config set up; replaced as a whole on reload, so that a request sees
		/// either the old or the new one.
	{
		std::vector<Link> links;
		std::map<std::string, int> groupPriority;
	};

	std::shared_ptr<const Chain> current() const;
	static Candidate view(const UpstreamConfig& upstream, const Chain& chain);
	static StrategyConfig strategyConfig(const std::string& name, const GatewayConfig& config);

	StrategyHost _host;
	std::mutex _configureMutex;
	mutable std::mutex _chainMutex;
	std::shared_ptr<const Chain> _chain;
};

} // namespace AILoad

#endif

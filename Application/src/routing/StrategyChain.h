#ifndef AILoad_StrategyChain_INCLUDED
#define AILoad_StrategyChain_INCLUDED

#include "StrategyHost.h"
#include "UpstreamRouter.h"
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace AILoad {

class StrategyChain final: public UpstreamRouter
	/// The router (docs/plugins.md): runs the strategy plugins named in `settings.strategy`,
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

	void configure(const GatewayConfig& config) override;
	std::vector<const UpstreamConfig*> order(const std::vector<const UpstreamConfig*>& candidates, const RouteRequest& request) override;
	void attemptFinished(const UpstreamConfig& upstream, const RouteRequest& request, const AttemptResult& result) override;

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

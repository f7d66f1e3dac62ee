#ifndef AILoad_Strategy_INCLUDED
#define AILoad_Strategy_INCLUDED

#include "AILoad/AttemptResult.h"
#include "AILoad/Candidate.h"
#include "AILoad/CandidateOrder.h"
#include "AILoad/RequestContext.h"
#include "AILoad/StrategyConfig.h"
#include <memory>

// The version of the binary interface between AILoad and its strategy plugins: this header,
// the types it includes and the symbols of StrategyPlugin.h. It is raised with every change
// that an already built plugin would misread; AILoad refuses a plugin built for another one.
// 2: StrategyConfig::options became a StrategyOptions (typed getters); plugins export their
// StrategySignature.
// 3: StrategyConfig names the config's upstreams and groups (upstreamNames, groupNames).
#define AILOAD_STRATEGY_API_VERSION 3

namespace AILoad {

class Strategy
	/// A routing strategy: one link of the chain named in `settings.strategy` (docs/plugins.md).
	/// For each request the gateway resolves the candidates from the body's `model`, sets
	/// aside those cooling down or at their rate limit, and hands the rest to the chain;
	/// each strategy receives the order the one before it produced and refines it.
	///
	/// Thread safety: order() and attemptFinished() are called from many request threads at
	/// once; configure() is called once before the first order() and again on every config
	/// reload, while other threads may be inside order(). An implementation guards its own
	/// state (a mutex held for the few microseconds of one call is fine).
	///
	/// Lifetime: the gateway creates one object per name in `settings.strategy` and keeps it
	/// across reloads as long as the name stays in the list, so state kept by upstream name
	/// (affinities, counters) survives a reload. configure() is told the names of the
	/// upstreams and groups of the new config: forget the state of names that are gone, and
	/// only theirs. Objects are destroyed before their library is unloaded.
	///
	/// Errors: configure() throws (Poco::Exception or std::exception, with a message that
	/// names the option) to refuse its options; start-up then stops and a reload is refused.
	/// An exception from order() is logged and the order is taken as it was before.
{
public:
	using Ptr = std::shared_ptr<Strategy>;

	virtual ~Strategy() = default;

	virtual void configure(const StrategyConfig&)
		/// Takes the strategy's options and the names of the config's upstreams and groups;
		/// called before the first order() and on every reload.
	{
	}

	virtual void order(CandidateOrder& order, const RequestContext& request) = 0;
		/// Reorders the candidates; may drop some (they are then not tried for this request)
		/// but not add any. Pick among the first `order.tied` and keep the rest in place
		/// (see CandidateOrder); set `tied` to the candidates still equally good afterwards.

	virtual void attemptFinished(const Candidate& /* upstream */, const RequestContext& /* request */, const AttemptResult& /* result */)
		/// Told once for every upstream tried, when its answer's head came or the attempt
		/// failed, so that a stateful strategy can learn. Optional.
	{
	}
};

} // namespace AILoad

#endif

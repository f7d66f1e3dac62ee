#ifndef AILoad_UpstreamRegistry_INCLUDED
#define AILoad_UpstreamRegistry_INCLUDED

#include "GatewayConfig.h"
#include "UpstreamState.h"
#include "AILoad/Clock.h"
#include <map>
#include <shared_mutex>
#include <string>
#include <vector>

namespace AILoad {

class UpstreamRegistry
	/// The one owner of the upstreams' run-time state: an UpstreamState per `models[].name`
	/// of the config in force, disabled entries included. sync() follows each config: an
	/// upstream that keeps its name keeps its state (cooldown, windows, counters) through a
	/// reload, one that leaves the config is forgotten, a new one starts afresh. /health and
	/// the request path read and write the state through it.
	///
	/// Thread-safe: lookups share a lock; only sync() takes it alone.
{
public:
	explicit UpstreamRegistry(const Clock& clock);
		/// The clock the states read; it must outlive the registry and its states.

	void sync(const GatewayConfig& config);
		/// Adds a state for each name new in `config` and drops those of the names no longer
		/// in it. Called before a config comes into effect, so that its requests find theirs.

	UpstreamState::Ptr find(const std::string& name) const;
		/// The state of the upstream of that name; null when no such upstream is configured.

	UpstreamState::Ptr of(const std::string& name) const;
		/// As find(), but never null: for a name no longer configured (a request still on the
		/// config before a reload) a state of its own that nobody else sees, so that what the
		/// request reports about an upstream that has gone is dropped with it.

	std::vector<std::string> names() const;
		/// The upstreams that have a state, in name order.

	const Clock& clock() const;

private:
	const Clock& _clock;
	mutable std::shared_mutex _mutex;
	std::map<std::string, UpstreamState::Ptr> _states;
};

} // namespace AILoad

#endif

#ifndef AILoad_IpAffinityStrategy_INCLUDED
#define AILoad_IpAffinityStrategy_INCLUDED

#include "AILoad/Clock.h"
#include "AILoad/Strategy.h"
#include <Poco/Timestamp.h>
#include <cstdint>
#include <list>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace AILoad {

class IpAffinityStrategy final: public Strategy
	/// `ip-affinity`: keeps each affinity key (the client address, or the `X-AILoad-Affinity`
	/// header) on the upstream it was first placed on, for `settings.ip_affinity_ttl` after its
	/// last request, as long as that upstream is among the candidates and in the best tier
	/// offered. A new key takes the first of the order it is given; if a different upstream
	/// ends up answering (failover), the key moves there. A key is placed per `model` asked
	/// for ("auto", a group, a model), since each has its own candidates.
	///
	/// Memory is bounded: at most `max_keys` keys (option, default 100000) are remembered, the
	/// least recently seen are forgotten first, and an entry has a fixed size whatever the key.
	/// On each reload (configure()) the keys on an upstream no longer configured are forgotten,
	/// and so are the upstream names no key points to any more.
{
public:
	IpAffinityStrategy();
		/// On the system's clock: what the plugin creates.

	explicit IpAffinityStrategy(const Clock& clock);
		/// TTLs measured on `clock` (a test's ManualClock), which must outlive the strategy.

	void configure(const StrategyConfig& config) override;
	void order(CandidateOrder& order, const RequestContext& request) override;
	void attemptFinished(const Candidate& upstream, const RequestContext& request, const AttemptResult& result) override;

	std::size_t size() const;
		/// The number of keys remembered.

	std::size_t upstreamsKnown() const;
		/// The number of upstream names kept: those keys pointed to at the last reload, and
		/// any pinned since.

	static const std::size_t DEFAULT_MAX_KEYS = 100000;
	static const int MAX_MAX_KEYS = 100000000;
		/// The largest `max_keys` taken: about 10 GB of entries, far beyond any sensible limit.

private:
	struct Pin
	{
		std::uint64_t key; /// a hash of the affinity key: fixed size, however long the key
		std::uint32_t upstream; /// index into _upstreamNames
		Poco::Timestamp lastSeen;
	};
	using Pins = std::list<Pin>; /// most recently seen first

	static std::uint64_t keyOf(const RequestContext& request);
	Pins::iterator find(std::uint64_t key, const Poco::Timestamp& now);
	void pin(std::uint64_t key, const std::string& upstream, const Poco::Timestamp& now);
	std::uint32_t upstreamId(const std::string& name);
	void evict(const Poco::Timestamp& now);
	void forgetUpstreamsGone(const std::set<std::string>& configured);

	const Clock& _clock;

	mutable std::mutex _mutex;
	Pins _pins;
	std::unordered_map<std::uint64_t, Pins::iterator> _index;
	std::vector<std::string> _upstreamNames;
	std::unordered_map<std::string, std::uint32_t> _upstreamIds;
	Poco::Timespan _ttl;
	std::size_t _maxKeys;
};

} // namespace AILoad

#endif

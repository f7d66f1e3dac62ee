// Client affinity ("sticky sessions"): nginx's ip_hash keeps a client on one upstream by
// hashing its address over the peer list, which moves clients whenever the list changes. Here
// the placement is remembered instead, as HAProxy's stick tables do: a table of key ->
// upstream with an expiry after the last use and a size limit, least recently used first out
// (an LRU list plus a hash index). A key that finds its upstream gone, or set aside by the
// gateway (cooling down, at its rate limit), takes the order it is given and is pinned anew.
#include "IpAffinityStrategy.h"

#include "AILoad/SystemClock.h"
#include <functional>
#include <limits>

namespace AILoad {

IpAffinityStrategy::IpAffinityStrategy():
	IpAffinityStrategy(SystemClock::instance())
{
}


IpAffinityStrategy::IpAffinityStrategy(const Clock& clock):
	_clock(clock),
	_ttl(300, 0),
	_maxKeys(DEFAULT_MAX_KEYS)
{
}


void IpAffinityStrategy::configure(const StrategyConfig& config)
{
	const auto maxKeys = static_cast<std::size_t>(config.options.getInt("max_keys", static_cast<int>(DEFAULT_MAX_KEYS), 1, MAX_MAX_KEYS));
	std::lock_guard<std::mutex> lock(_mutex);
	_ttl = config.affinityTtl;
	_maxKeys = maxKeys;
	evict(_clock.now());
	forgetUpstreamsGone(config.upstreamNames);
}


void IpAffinityStrategy::order(CandidateOrder& order, const RequestContext& request)
{
	if (order.candidates.empty() || request.affinityKey.empty()) return;
	const std::uint64_t key = keyOf(request);
	const Poco::Timestamp now = _clock.now();

	std::lock_guard<std::mutex> lock(_mutex);
	const Pins::iterator found = find(key, now);
	if (found != _pins.end())
	{
		// A pinned upstream in a worse tier than the best one offered was a fallback: the
		// tier above is back, so the key goes there.
		const std::size_t index = order.find(_upstreamNames[found->upstream]);
		if (index < order.candidates.size() && order.candidates[index]->priority() <= order.candidates.front()->priority())
		{
			order.choose(index);
			found->lastSeen = now;
			_pins.splice(_pins.begin(), _pins, found);
			return;
		}
	}
	pin(key, order.candidates.front()->name(), now);
	order.tied = 1;
}


void IpAffinityStrategy::attemptFinished(const Candidate& upstream, const RequestContext& request, const AttemptResult& result)
{
	// The upstream that answered is where the conversation went: after a failover the key
	// follows it.
	if (!result.answered || request.affinityKey.empty()) return;
	const std::uint64_t key = keyOf(request);
	const Poco::Timestamp now = _clock.now();

	std::lock_guard<std::mutex> lock(_mutex);
	const Pins::iterator found = find(key, now);
	if (found == _pins.end() || _upstreamNames[found->upstream] != upstream.name()) pin(key, upstream.name(), now);
}


std::uint64_t IpAffinityStrategy::keyOf(const RequestContext& request)
{
	// Per model asked for: each name has its own candidates, and a client that asks for one
	// model in between keeps its place for the others.
	return std::hash<std::string>()(request.requestedModel + '\n' + request.affinityKey);
}


std::size_t IpAffinityStrategy::size() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _index.size();
}


IpAffinityStrategy::Pins::iterator IpAffinityStrategy::find(std::uint64_t key, const Poco::Timestamp& now)
{
	evict(now);
	const auto found = _index.find(key);
	return found == _index.end() ? _pins.end() : found->second;
}


void IpAffinityStrategy::pin(std::uint64_t key, const std::string& upstream, const Poco::Timestamp& now)
{
	const std::uint32_t id = upstreamId(upstream);
	const auto found = _index.find(key);
	if (found != _index.end())
	{
		found->second->upstream = id;
		found->second->lastSeen = now;
		_pins.splice(_pins.begin(), _pins, found->second);
		return;
	}
	_pins.push_front(Pin{key, id, now});
	_index.emplace(key, _pins.begin());
	evict(now);
}


std::uint32_t IpAffinityStrategy::upstreamId(const std::string& name)
{
	// Names are kept once, not per key: there are few upstreams and many keys.
	const auto found = _upstreamIds.find(name);
	if (found != _upstreamIds.end()) return found->second;
	const auto id = static_cast<std::uint32_t>(_upstreamNames.size());
	_upstreamNames.push_back(name);
	_upstreamIds.emplace(name, id);
	return id;
}


std::size_t IpAffinityStrategy::upstreamsKnown() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _upstreamNames.size();
}


void IpAffinityStrategy::forgetUpstreamsGone(const std::set<std::string>& configured)
{
	// A key on an upstream that is no longer configured would be placed afresh at its next
	// request (that upstream is not offered): it goes now. Upstreams come and go with
	// reloads, and their names would pile up here: keep only the names a key still points
	// to, renumbered. An order() still running on the config before may pin a key to a gone
	// upstream: the next reload drops it again.
	const std::uint32_t gone = std::numeric_limits<std::uint32_t>::max();
	const std::uint32_t unnumbered = gone - 1;
	std::vector<std::uint32_t> renumbered;
	renumbered.reserve(_upstreamNames.size());
	for (const std::string& name : _upstreamNames) renumbered.push_back(configured.count(name) ? unnumbered : gone);
	std::vector<std::string> names;
	for (auto pin = _pins.begin(); pin != _pins.end();)
	{
		std::uint32_t& id = renumbered[pin->upstream];
		if (id == gone)
		{
			_index.erase(pin->key);
			pin = _pins.erase(pin);
			continue;
		}
		if (id == unnumbered)
		{
			id = static_cast<std::uint32_t>(names.size());
			names.push_back(_upstreamNames[pin->upstream]);
		}
		pin->upstream = id;
		++pin;
	}
	_upstreamNames.swap(names);
	_upstreamIds.clear();
	for (std::uint32_t id = 0; id < _upstreamNames.size(); ++id) _upstreamIds.emplace(_upstreamNames[id], id);
}


void IpAffinityStrategy::evict(const Poco::Timestamp& now)
{
	// The list runs from the most to the least recently seen, so both the expired keys and
	// the ones over the limit are at its end.
	while (!_pins.empty() && (_index.size() > _maxKeys || now - _pins.back().lastSeen >= _ttl.totalMicroseconds()))
	{
		_index.erase(_pins.back().key);
		_pins.pop_back();
	}
}

} // namespace AILoad

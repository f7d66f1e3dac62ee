#include "StrategyChain.h"

#include <Poco/Logger.h>
#include <algorithm>
#include <set>

namespace AILoad {

namespace {

bool sameCandidates(const CandidateOrder& order, const std::vector<Candidate>& views, std::vector<bool>& seen)
{
	// A strategy may reorder and drop, but not add, repeat or invent.
	seen.assign(views.size(), false);
	for (const Candidate* candidate : order.candidates)
	{
		if (candidate < views.data() || candidate >= views.data() + views.size()) return false;
		const std::size_t index = static_cast<std::size_t>(candidate - views.data());
		if (seen[index]) return false;
		seen[index] = true;
	}
	return true;
}


std::string withPath(const std::string& message, const std::string& path)
{
	// The getters of StrategyOptions name the option's full path already; a message a
	// strategy wrote itself gets the path of its options.
	const bool named = message.compare(0, path.size(), path) == 0 && message.size() > path.size()
		&& (message[path.size()] == '.' || message[path.size()] == ':');
	return named ? message : path + ": " + message;
}

} // namespace


StrategyChain::StrategyChain(const std::string& pluginPath):
	_host(pluginPath),
	_chain(std::make_shared<Chain>())
{
}


void StrategyChain::configure(const GatewayConfig& config)
{
	std::lock_guard<std::mutex> configuring(_configureMutex);
	const std::shared_ptr<const Chain> running = current();
	auto next = std::make_shared<Chain>();
	next->groupPriority = config.groupPriority;

	std::set<std::string> named;
	std::vector<Link> reconfigured;
	for (std::size_t i = 0; i < config.strategy.size(); ++i)
	{
		const std::string& name = config.strategy[i];
		const std::string setting = "settings.strategy[" + std::to_string(i) + "] \"" + name + "\": ";
		if (!named.insert(name).second) throw Poco::InvalidArgumentException(setting + "named twice");

		Strategy::Ptr fresh;
		try
		{
			fresh = _host.create(name);
		}
		catch (Poco::Exception& exc)
		{
			throw Poco::LibraryLoadException(setting + exc.message());
		}
		const std::string optionsPath = "settings.strategy_options." + name;
		try
		{
			const StrategyConfig strategy = strategyConfig(name, config);
			fresh->configure(strategy);
			// As the config loader does with its own keys: a typo in an option name is not
			// fatal, but must not pass silently either.
			for (const std::string& key : strategy.options.unknownKeys())
				Poco::Logger::get("AILoad.Strategy").warning("%s: unknown key, ignored", strategy.options.pathOf(key));
		}
		catch (Poco::Exception& exc)
		{
			throw Poco::InvalidArgumentException(withPath(exc.message(), optionsPath));
		}
		catch (std::exception& exc)
		{
			throw Poco::InvalidArgumentException(withPath(exc.what(), optionsPath));
		}

		// A strategy already running keeps its state; the fresh object only vouched for the options.
		const auto kept = std::find_if(running->links.begin(), running->links.end(), [&](const Link& link) { return link.name == name; });
		if (kept == running->links.end()) next->links.push_back({name, fresh});
		else
		{
			next->links.push_back(*kept);
			reconfigured.push_back(*kept);
		}
	}
	// Past this point the reload is accepted: a fresh object of each strategy took these
	// options. A running one that throws on them now is at fault; it keeps its previous
	// options, and the reload still applies whole (never halfway).
	for (const Link& link : reconfigured)
	{
		try
		{
			link.strategy->configure(strategyConfig(link.name, config));
		}
		catch (...)
		{
			Poco::Logger::get("AILoad.Strategy").error("strategy %s refused options a fresh instance had taken: it keeps its previous ones", link.name);
		}
	}

	std::lock_guard<std::mutex> lock(_chainMutex);
	_chain = next;
}


std::vector<const UpstreamConfig*> StrategyChain::order(const std::vector<const UpstreamConfig*>& candidates, const RouteRequest& request)
{
	const std::shared_ptr<const Chain> chain = current();
	std::vector<Candidate> views;
	views.reserve(candidates.size());
	for (const UpstreamConfig* upstream : candidates) views.push_back(view(*upstream, *chain));

	CandidateOrder order;
	order.candidates.reserve(views.size());
	for (const Candidate& candidate : views) order.candidates.push_back(&candidate);
	order.tied = views.size();
	// Made once, reused by each link: the chain runs for every request.
	CandidateOrder before;
	std::vector<bool> seen;
	for (const Link& link : chain->links)
	{
		before = order;
		try
		{
			link.strategy->order(order, request);
			if (!sameCandidates(order, views, seen))
			{
				Poco::Logger::get("AILoad.Strategy").error("strategy %s added or repeated a candidate: its order is ignored", link.name);
				order = before;
			}
		}
		catch (std::exception& exc)
		{
			Poco::Logger::get("AILoad.Strategy").error("strategy %s failed to order the upstreams (%s): its order is ignored", link.name, std::string(exc.what()));
			order = before;
		}
		catch (...)
		{
			Poco::Logger::get("AILoad.Strategy").error("strategy %s failed to order the upstreams: its order is ignored", link.name);
			order = before;
		}
		order.tied = std::min(order.tied, order.candidates.size());
	}

	std::vector<const UpstreamConfig*> ordered;
	ordered.reserve(order.candidates.size());
	for (const Candidate* candidate : order.candidates) ordered.push_back(candidates[static_cast<std::size_t>(candidate - views.data())]);
	return ordered;
}


void StrategyChain::attemptFinished(const UpstreamConfig& upstream, const RouteRequest& request, const AttemptResult& result)
{
	const std::shared_ptr<const Chain> chain = current();
	const Candidate candidate = view(upstream, *chain);
	for (const Link& link : chain->links)
	{
		try
		{
			link.strategy->attemptFinished(candidate, request, result);
		}
		catch (std::exception& exc)
		{
			Poco::Logger::get("AILoad.Strategy").error("strategy %s failed to take an attempt's result: %s", link.name, std::string(exc.what()));
		}
		catch (...)
		{
			Poco::Logger::get("AILoad.Strategy").error("strategy %s failed to take an attempt's result", link.name);
		}
	}
}


std::vector<std::string> StrategyChain::names() const
{
	std::vector<std::string> names;
	for (const Link& link : current()->links) names.push_back(link.name);
	return names;
}


std::shared_ptr<const StrategyChain::Chain> StrategyChain::current() const
{
	std::lock_guard<std::mutex> lock(_chainMutex);
	return _chain;
}


Candidate StrategyChain::view(const UpstreamConfig& upstream, const Chain& chain)
{
	int priority = 0;
	for (std::size_t i = 0; i < upstream.groups.size(); ++i)
	{
		const auto found = chain.groupPriority.find(upstream.groups[i]);
		const int group = found == chain.groupPriority.end() ? 0 : found->second;
		priority = i == 0 ? group : std::min(priority, group);
	}
	return Candidate(upstream.name, upstream.model, upstream.groups, upstream.weight, priority);
}


StrategyConfig StrategyChain::strategyConfig(const std::string& name, const GatewayConfig& config)
{
	StrategyConfig strategy;
	strategy.name = name;
	Poco::JSON::Object::Ptr options;
	if (config.strategyOptions && config.strategyOptions->has(name))
	{
		options = config.strategyOptions->getObject(name);
		if (!options) throw Poco::InvalidArgumentException("expected an object");
	}
	strategy.options = StrategyOptions(options, "settings.strategy_options." + name);
	strategy.affinityTtl = Poco::Timespan(config.ipAffinityTtlSeconds, 0);
	strategy.groupPriority = config.groupPriority;
	// The upstreams a request may be offered: a disabled entry never is, so a strategy
	// forgets it as it does an upstream that has gone (docs/plugins.md).
	for (const UpstreamConfig& upstream : config.upstreams)
	{
		if (!upstream.enabled) continue;
		strategy.upstreamNames.insert(upstream.name);
		strategy.groupNames.insert(upstream.groups.begin(), upstream.groups.end());
	}
	return strategy;
}

} // namespace AILoad

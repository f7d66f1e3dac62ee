#include "RequestLedger.h"

#include "Observing.h"
#include <cstdint>

namespace AILoad {

namespace {

constexpr Poco::Int64 microsPerDay = 86400LL * 1000000;

} // namespace


RequestLedger::RequestLedger(std::shared_ptr<AccessLog> accessLog, const Clock& clock):
	_accessLog(std::move(accessLog)),
	_clock(clock)
{
}


void RequestLedger::finished(RequestRecord&& record)
{
	if (!observing) return;
	// Label values are the config's names, never what a client wrote: a model it named that
	// is not routable is "unknown", so clients cannot grow the label sets.
	const std::string_view client = record.client.empty() ? "none" : std::string_view(record.client);
	const std::string_view upstream = record.upstream.empty() ? "none" : std::string_view(record.upstream);
	const std::string_view model = record.modelKnown ? std::string_view(record.model) : (record.model.empty() ? "" : "unknown");
	const Poco::Int64 day = today();
	// The tally's key is written into one buffer per thread: no allocation per request. Each
	// part comes after its length, so that no name can run into the next.
	thread_local std::string key;
	key.clear();
	for (const std::string_view part : {client, model, upstream})
	{
		const auto size = static_cast<std::uint32_t>(part.size());
		key.append(reinterpret_cast<const char*>(&size), sizeof(size)).append(part);
	}
	key.append(reinterpret_cast<const char*>(&record.status), sizeof(record.status));

	const auto count = [&](const Tally& tally) {
		tally.requests->fetch_add(1, std::memory_order_relaxed);
		tally.requestsOfDay->fetch_add(1, std::memory_order_relaxed);
		if (!record.usage.known()) return;
		const auto prompt = static_cast<Poco::UInt64>(record.usage.prompt);
		const auto completion = static_cast<Poco::UInt64>(record.usage.completion);
		tally.promptTokens->fetch_add(prompt, std::memory_order_relaxed);
		tally.completionTokens->fetch_add(completion, std::memory_order_relaxed);
		tally.promptTokensOfDay->fetch_add(prompt, std::memory_order_relaxed);
		tally.completionTokensOfDay->fetch_add(completion, std::memory_order_relaxed);
	};
	bool counted = false;
	{
		std::shared_lock<std::shared_mutex> lock(_talliesMutex);
		const auto found = _tallies.find(key);
		if (found != _tallies.end() && found->second.day == day && (found->second.promptTokens || !record.usage.known()))
		{
			count(found->second);
			counted = true;
		}
	}
	if (!counted)
	{
		std::unique_lock<std::shared_mutex> lock(_talliesMutex);
		Tally& tally = _tallies[key];
		fillIn(tally, client, model, upstream, record.status, day, record.usage.known());
		count(tally);
	}
	_requestsTotal.fetch_add(1, std::memory_order_relaxed);
	if (_accessLog) _accessLog->write(record);
}


void RequestLedger::fillIn(Tally& tally, std::string_view client, std::string_view model, std::string_view upstream, int status, Poco::Int64 day, bool tokens)
{
	std::string labels;
	if (!tally.requests)
	{
		labels.assign("client=");
		appendLabel(labels, client);
		labels += ",model=";
		appendLabel(labels, model);
		labels += ",upstream=";
		appendLabel(labels, upstream);
		labels += ",code=\"" + std::to_string(status) + '"';
		tally.requests = &_requests.counter(labels);
	}
	if (tokens && !tally.promptTokens)
	{
		// Only once a request of this kind reported usage: a token series exists when it counts.
		labels.assign("client=");
		appendLabel(labels, client);
		labels += ",upstream=";
		appendLabel(labels, upstream);
		tally.promptTokens = &_tokens.counter(labels + ",kind=\"prompt\"");
		tally.completionTokens = &_tokens.counter(labels + ",kind=\"completion\"");
	}
	if (tally.day != day)
	{
		labels.assign(client).append(1, '\n').append(std::to_string(day)).append(1, '\n');
		tally.requestsOfDay = &_clientDays.counter(labels + "requests");
		tally.promptTokensOfDay = &_clientDays.counter(labels + "prompt");
		tally.completionTokensOfDay = &_clientDays.counter(labels + "completion");
		tally.day = day;
	}
}


void RequestLedger::connectionOpened()
{
	_clientConnections.fetch_add(1, std::memory_order_relaxed);
}


void RequestLedger::connectionClosed()
{
	_clientConnections.fetch_sub(1, std::memory_order_relaxed);
}


void RequestLedger::streamStarted()
{
	_activeStreams.fetch_add(1, std::memory_order_relaxed);
}


void RequestLedger::streamEnded()
{
	_activeStreams.fetch_sub(1, std::memory_order_relaxed);
}


void RequestLedger::configReloaded(bool applied)
{
	_configReloads.add(applied ? "result=\"applied\"" : "result=\"refused\"");
}


const LabeledCounters& RequestLedger::requests() const
{
	return _requests;
}


const LabeledCounters& RequestLedger::tokens() const
{
	return _tokens;
}


const LabeledCounters& RequestLedger::configReloads() const
{
	return _configReloads;
}


std::map<std::string, RequestLedger::ClientDay> RequestLedger::clientsToday() const
{
	const std::string day = "\n" + std::to_string(today()) + "\n";
	std::map<std::string, ClientDay> clients;
	for (const auto& entry : _clientDays.snapshot())
	{
		const std::string::size_type at = entry.first.find(day);
		if (at == std::string::npos) continue;
		ClientDay& counts = clients[entry.first.substr(0, at)];
		const std::string what = entry.first.substr(at + day.size());
		if (what == "requests") counts.requests = entry.second;
		else if (what == "prompt")
			counts.promptTokens = entry.second;
		else if (what == "completion")
			counts.completionTokens = entry.second;
	}
	return clients;
}


Poco::UInt64 RequestLedger::requestsTotal() const
{
	return _requestsTotal.load(std::memory_order_relaxed);
}


long RequestLedger::clientConnections() const
{
	return _clientConnections.load(std::memory_order_relaxed);
}


long RequestLedger::activeStreams() const
{
	return _activeStreams.load(std::memory_order_relaxed);
}


Poco::UInt64 RequestLedger::accessLogDropped() const
{
	return _accessLog ? _accessLog->dropped() : 0;
}


AccessLog* RequestLedger::accessLog()
{
	return _accessLog.get();
}


std::string RequestLedger::label(std::string_view value)
{
	std::string quoted;
	appendLabel(quoted, value);
	return quoted;
}


void RequestLedger::appendLabel(std::string& out, std::string_view value)
{
	out += '"';
	for (const char c : value)
	{
		if (c == '\\') out += "\\\\";
		else if (c == '"')
			out += "\\\"";
		else if (c == '\n')
			out += "\\n";
		else
			out += c;
	}
	out += '"';
}


Poco::Int64 RequestLedger::today() const
{
	return _clock.now().epochMicroseconds() / microsPerDay;
}

} // namespace AILoad

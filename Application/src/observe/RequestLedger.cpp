#include "RequestLedger.h"

#include "Observing.h"

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
	// Each counter's labels are written into one buffer per thread: no allocation per request.
	thread_local std::string key;
	key.assign("client=");
	appendLabel(key, client);
	key += ",model=";
	appendLabel(key, model);
	key += ",upstream=";
	appendLabel(key, upstream);
	key += ",code=\"";
	key += std::to_string(record.status);
	key += '"';
	_requests.add(key);
	_requestsTotal.fetch_add(1, std::memory_order_relaxed);

	const std::string day = std::to_string(today());
	const auto addToday = [&](std::string_view what, Poco::UInt64 amount) {
		key.assign(client).append(1, '\n').append(day).append(1, '\n').append(what);
		_clientDays.add(key, amount);
	};
	addToday("requests", 1);
	if (record.usage.known())
	{
		key.assign("client=");
		appendLabel(key, client);
		key += ",upstream=";
		appendLabel(key, upstream);
		key += ",kind=";
		const std::size_t kind = key.size();
		_tokens.add(key.append("\"prompt\""), static_cast<Poco::UInt64>(record.usage.prompt));
		key.resize(kind);
		_tokens.add(key.append("\"completion\""), static_cast<Poco::UInt64>(record.usage.completion));
		addToday("prompt", static_cast<Poco::UInt64>(record.usage.prompt));
		addToday("completion", static_cast<Poco::UInt64>(record.usage.completion));
	}
	if (_accessLog) _accessLog->write(std::move(record));
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

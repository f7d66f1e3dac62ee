#include "RequestLedger.h"

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
	// Label values are the config's names, never what a client wrote: a model it named that
	// is not routable is "unknown", so clients cannot grow the label sets.
	const std::string client = record.client.empty() ? "none" : record.client;
	const std::string upstream = record.upstream.empty() ? "none" : record.upstream;
	const std::string model = record.modelKnown ? record.model : (record.model.empty() ? "" : "unknown");
	_requests.add("client=" + label(client) + ",model=" + label(model) + ",upstream=" + label(upstream) + ",code=\"" + std::to_string(record.status) + "\"");
	_requestsTotal.fetch_add(1, std::memory_order_relaxed);

	const std::string day = std::to_string(today());
	_clientDays.add(client + "\n" + day + "\nrequests");
	if (record.usage.known())
	{
		const std::string labels = "client=" + label(client) + ",upstream=" + label(upstream) + ",kind=";
		_tokens.add(labels + "\"prompt\"", static_cast<Poco::UInt64>(record.usage.prompt));
		_tokens.add(labels + "\"completion\"", static_cast<Poco::UInt64>(record.usage.completion));
		_clientDays.add(client + "\n" + day + "\nprompt", static_cast<Poco::UInt64>(record.usage.prompt));
		_clientDays.add(client + "\n" + day + "\ncompletion", static_cast<Poco::UInt64>(record.usage.completion));
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


std::string RequestLedger::label(const std::string& value)
{
	std::string quoted = "\"";
	for (const char c : value)
	{
		if (c == '\\') quoted += "\\\\";
		else if (c == '"')
			quoted += "\\\"";
		else if (c == '\n')
			quoted += "\\n";
		else
			quoted += c;
	}
	return quoted + '"';
}


Poco::Int64 RequestLedger::today() const
{
	return _clock.now().epochMicroseconds() / microsPerDay;
}

} // namespace AILoad

#include "MetricsRequestHandler.h"

#include "AuthToken.h"
#include "ErrorResponse.h"
#include "Gateway.h"
#include "ProcessStats.h"
#include "UpstreamStatus.h"
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <cstdio>

namespace AILoad {

namespace {

class Exposition
	/// Writes families of samples in the text format: HELP and TYPE once, then the samples.
{
public:
	void family(const char* name, const char* type, const char* help)
	{
		_text += "# HELP ";
		_text += name;
		_text += ' ';
		_text += help;
		_text += "\n# TYPE ";
		_text += name;
		_text += ' ';
		_text += type;
		_text += '\n';
	}

	void sample(const std::string& name, const std::string& labels, double value)
	{
		_text += name;
		if (!labels.empty()) _text += "{" + labels + "}";
		char number[32];
		std::snprintf(number, sizeof(number), " %.15g\n", value);
		_text += number;
	}

	void counters(const char* name, const LabeledCounters& counters)
	{
		for (const auto& counter : counters.snapshot()) sample(name, counter.first, static_cast<double>(counter.second));
	}

	void histogram(const std::string& name, const std::string& labels, const Histogram& histogram)
	{
		for (std::size_t i = 0; i < Histogram::bounds.size(); ++i)
		{
			char bound[32];
			std::snprintf(bound, sizeof(bound), "%g", Histogram::bounds[i]);
			sample(name + "_bucket", labels + ",le=\"" + bound + "\"", static_cast<double>(histogram.cumulative(i)));
		}
		sample(name + "_bucket", labels + ",le=\"+Inf\"", static_cast<double>(histogram.count()));
		sample(name + "_sum", labels, histogram.sumSeconds());
		sample(name + "_count", labels, static_cast<double>(histogram.count()));
	}

	const std::string& text() const
	{
		return _text;
	}

private:
	std::string _text;
};


std::string upstreamLabel(const UpstreamConfig& upstream)
{
	return "upstream=" + RequestLedger::label(upstream.name);
}

} // namespace


MetricsRequestHandler::MetricsRequestHandler(Gateway& gateway):
	_gateway(gateway)
{
}


void MetricsRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	// One config for the whole scrape, whatever reloads come meanwhile.
	const GatewayConfig::Ptr config = _gateway.config();
	if (!config->metricsPublic && !AuthToken::authorizes(request, config->adminTokenInForce()))
		return ErrorResponse::send(response, ApiError::InvalidApiKey, "GET /metrics needs the admin token as the Bearer token (admin_token, else auth_token), unless settings.metrics_public is true.");

	std::vector<std::pair<const UpstreamConfig*, UpstreamState::Snapshot>> upstreams;
	for (const UpstreamConfig& upstream : config->upstreams)
		upstreams.emplace_back(&upstream, _gateway.upstreamStates().of(upstream.name)->snapshot(upstream));
	RequestLedger& ledger = _gateway.ledger();
	Exposition out;

	out.family("aiload_requests_total", "counter", "Finished client requests by client, model asked for, upstream that answered (none) and HTTP status sent.");
	out.counters("aiload_requests_total", ledger.requests());

	out.family("aiload_upstream_attempts_total", "counter", "Attempts at each upstream by how they ended.");
	for (const auto& upstream : upstreams)
		for (std::size_t o = 0; o < attemptOutcomeCount; ++o)
			out.sample("aiload_upstream_attempts_total", upstreamLabel(*upstream.first) + ",outcome=\"" + nameOf(static_cast<AttemptOutcome>(o)) + "\"",
				static_cast<double>(upstream.second.counters.attempts[o]));

	out.family("aiload_failovers_total", "counter", "Attempts after which the request moved on to another upstream, by why.");
	for (const auto& upstream : upstreams)
		for (std::size_t o = 0; o < attemptOutcomeCount; ++o)
			if (upstream.second.counters.failovers[o])
				out.sample("aiload_failovers_total", upstreamLabel(*upstream.first) + ",reason=\"" + nameOf(static_cast<AttemptOutcome>(o)) + "\"",
					static_cast<double>(upstream.second.counters.failovers[o]));

	out.family("aiload_upstream_state", "gauge", "1 for the upstream's current state (up, cooling, at_limit, disabled), 0 for the others.");
	for (const auto& upstream : upstreams)
	{
		const std::string state = UpstreamStatus::stateOf(*upstream.first, upstream.second);
		for (const char* name : {"up", "cooling", "at_limit", "disabled"})
			out.sample("aiload_upstream_state", upstreamLabel(*upstream.first) + ",state=\"" + name + "\"", state == name ? 1 : 0);
	}

	out.family("aiload_upstream_state_reason", "gauge", "1 for why the upstream is not up: rate_limited, quota_exhausted, bad_key or failing while cooling, rpm, rpd, tpm or reported while at_limit.");
	for (const auto& upstream : upstreams)
	{
		const std::string state = UpstreamStatus::stateOf(*upstream.first, upstream.second);
		if (state == "cooling")
			out.sample("aiload_upstream_state_reason", upstreamLabel(*upstream.first) + ",reason=\"" + Cooldown::describe(upstream.second.cooldown) + "\"", 1);
		else if (state == "at_limit")
			out.sample("aiload_upstream_state_reason", upstreamLabel(*upstream.first) + ",reason=" + RequestLedger::label(upstream.second.limitedBy), 1);
	}

	out.family("aiload_upstream_cooldown_seconds", "gauge", "Seconds the upstream still cools down (0 when it does not).");
	for (const auto& upstream : upstreams)
		out.sample("aiload_upstream_cooldown_seconds", upstreamLabel(*upstream.first), static_cast<double>(upstream.second.coolingFor.totalMicroseconds()) / 1e6);

	out.family("aiload_upstream_requests_remaining", "gauge", "Requests the upstream may still get where a limit is known: window minute (rpm) and day (rpd) as the gateway counts them, reported (and tokens_reported) as the upstream's last answer said.");
	for (const auto& upstream : upstreams)
	{
		const ReportedLimits& reported = upstream.second.reported;
		if (reported.requests().remaining)
			out.sample("aiload_upstream_requests_remaining", upstreamLabel(*upstream.first) + ",window=\"reported\"", static_cast<double>(*reported.requests().remaining));
		if (reported.tokens().remaining)
			out.sample("aiload_upstream_requests_remaining", upstreamLabel(*upstream.first) + ",window=\"tokens_reported\"", static_cast<double>(*reported.tokens().remaining));
		if (upstream.first->rpm)
			out.sample("aiload_upstream_requests_remaining", upstreamLabel(*upstream.first) + ",window=\"minute\"", std::max(0, *upstream.first->rpm - upstream.second.sentInLastMinute));
		if (upstream.first->rpd)
			out.sample("aiload_upstream_requests_remaining", upstreamLabel(*upstream.first) + ",window=\"day\"", std::max(0, *upstream.first->rpd - upstream.second.sentInLastDay));
	}

	out.family("aiload_upstream_first_byte_seconds", "histogram", "Time from sending a request upstream to the answer's head.");
	for (const auto& upstream : upstreams)
		out.histogram("aiload_upstream_first_byte_seconds", upstreamLabel(*upstream.first), upstream.second.counters.firstByte);

	out.family("aiload_request_duration_seconds", "histogram", "Requests by the upstream that answered them, from their first byte to the answer's last.");
	for (const auto& upstream : upstreams)
		out.histogram("aiload_request_duration_seconds", upstreamLabel(*upstream.first), upstream.second.counters.duration);

	out.family("aiload_tokens_total", "counter", "Tokens by client, upstream and kind (prompt, completion), as the upstreams' usage reports them.");
	out.counters("aiload_tokens_total", ledger.tokens());

	out.family("aiload_active_requests", "gauge", "Requests to /v1/ being handled now.");
	out.sample("aiload_active_requests", "", _gateway.activeRequests());
	out.family("aiload_active_streams", "gauge", "Event streams being relayed now.");
	out.sample("aiload_active_streams", "", static_cast<double>(ledger.activeStreams()));
	out.family("aiload_client_connections", "gauge", "Open client connections.");
	out.sample("aiload_client_connections", "", static_cast<double>(ledger.clientConnections()));

	out.family("aiload_upstream_idle_connections", "gauge", "Idle pooled connections to the upstream's host.");
	for (const auto& upstream : upstreams)
		out.sample("aiload_upstream_idle_connections", upstreamLabel(*upstream.first), static_cast<double>(_gateway.upstreams().idleConnectionsTo(*upstream.first)));
	out.family("aiload_upstream_connections_reused_total", "counter", "Requests sent on a pooled upstream connection rather than a new one.");
	out.sample("aiload_upstream_connections_reused_total", "", static_cast<double>(_gateway.upstreams().reused()));
	out.family("aiload_upstream_connections_total", "counter", "Requests sent to the upstream by the connection they went on: new (opened for them) or reused (an idle pooled one).");
	for (const auto& upstream : upstreams)
	{
		const UpstreamState::Counters& counters = upstream.second.counters;
		out.sample("aiload_upstream_connections_total", upstreamLabel(*upstream.first) + ",connection=\"new\"", static_cast<double>(counters.newConnections));
		out.sample("aiload_upstream_connections_total", upstreamLabel(*upstream.first) + ",connection=\"reused\"", static_cast<double>(counters.reusedConnections));
	}

	out.family("aiload_config_reloads_total", "counter", "Config reloads by result (applied, refused).");
	out.sample("aiload_config_reloads_total", "result=\"applied\"", static_cast<double>(ledger.configReloads().get("result=\"applied\"")));
	out.sample("aiload_config_reloads_total", "result=\"refused\"", static_cast<double>(ledger.configReloads().get("result=\"refused\"")));
	out.family("aiload_access_log_dropped_total", "counter", "Access log lines dropped because the log's queue was full.");
	out.sample("aiload_access_log_dropped_total", "", static_cast<double>(ledger.accessLogDropped()));
	out.family("aiload_build_info", "gauge", "Always 1; the version is in the label.");
	out.sample("aiload_build_info", "version=" + RequestLedger::label(AILOAD_VERSION), 1);

	const ProcessStats process = ProcessStats::read();
	out.family("process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.");
	out.sample("process_cpu_seconds_total", "", process.cpuSeconds);
	out.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
	out.sample("process_resident_memory_bytes", "", static_cast<double>(process.residentBytes));
	out.family("process_open_fds", "gauge", "Number of open file descriptors.");
	out.sample("process_open_fds", "", static_cast<double>(process.openFds));
	out.family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
	out.sample("process_start_time_seconds", "", process.startTimeSeconds);

	const std::string& text = out.text();
	response.setContentType("text/plain; version=0.0.4; charset=utf-8");
	response.setContentLength(static_cast<std::streamsize>(text.size()));
	response.send().write(text.data(), static_cast<std::streamsize>(text.size())); // not sendBuffer(): see GatewayRequest
}

} // namespace AILoad

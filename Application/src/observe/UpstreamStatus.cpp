#include "UpstreamStatus.h"

#include <cmath>

namespace AILoad {

namespace {

long secondsUp(Poco::Timespan span)
{
	return static_cast<long>((span.totalMicroseconds() + 999999) / 1000000);
}

} // namespace


const char* UpstreamStatus::stateOf(const UpstreamConfig& upstream, const UpstreamState::Snapshot& state)
{
	if (!upstream.enabled) return "disabled";
	if (state.coolingFor > 0) return "cooling";
	if (state.limitedFor > 0) return "at_limit";
	return "up";
}


Poco::JSON::Object::Ptr UpstreamStatus::toJson(const UpstreamConfig& upstream, const UpstreamState::Snapshot& state)
{
	Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
	entry->set("name", upstream.name);
	entry->set("model", upstream.model);
	const std::string name = stateOf(upstream, state);
	entry->set("state", name);
	if (name == "cooling")
	{
		entry->set("reason", std::string(Cooldown::describe(state.cooldown)));
		entry->set("seconds_left", secondsUp(state.coolingFor));
	}
	else if (name == "at_limit")
	{
		entry->set("reason", std::string("at_limit"));
		entry->set("limited_by", state.limitedBy);
		entry->set("seconds_left", secondsUp(state.limitedFor));
	}
	else
	{
		entry->set("reason", Poco::Dynamic::Var());
		entry->set("seconds_left", 0);
	}
	entry->set("consecutive_failures", state.consecutiveFailures);
	entry->set("requests_last_minute", state.attemptsLastMinute);
	entry->set("rpm", upstream.rpm ? Poco::Dynamic::Var(*upstream.rpm) : Poco::Dynamic::Var());
	entry->set("requests_today", state.today.attempts);
	entry->set("rpd", upstream.rpd ? Poco::Dynamic::Var(*upstream.rpd) : Poco::Dynamic::Var());
	entry->set("errors_today", state.today.failures);
	entry->set("error_rate_today", state.today.attempts ? static_cast<double>(state.today.failures) / static_cast<double>(state.today.attempts) : 0.0);
	entry->set("first_byte_ms", state.recentFirstByteMs < 0 ? Poco::Dynamic::Var() : Poco::Dynamic::Var(std::round(state.recentFirstByteMs * 10) / 10));
	Poco::JSON::Object::Ptr reported = new Poco::JSON::Object;
	const ReportedLimits::Window& requests = state.reported.requests();
	const ReportedLimits::Window& tokens = state.reported.tokens();
	reported->set("requests", requests.remaining ? Poco::Dynamic::Var(*requests.remaining) : Poco::Dynamic::Var());
	reported->set("tokens", tokens.remaining ? Poco::Dynamic::Var(*tokens.remaining) : Poco::Dynamic::Var());
	entry->set("reported_remaining", reported);
	entry->set("tpm", upstream.tpm ? Poco::Dynamic::Var(*upstream.tpm) : Poco::Dynamic::Var());
	entry->set("tokens_last_minute", state.tokensInLastMinute);
	entry->set("prompt_tokens_today", state.today.promptTokens);
	entry->set("completion_tokens_today", state.today.completionTokens);
	return entry;
}

} // namespace AILoad

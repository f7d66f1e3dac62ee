#include "ProxyRequestHandler.h"

#include "AuthToken.h"
#include "CandidateResolver.h"
#include "ClientAddress.h"
#include "ClientWatch.h"
#include "ErrorResponse.h"
#include "FirstEvent.h"
#include "FramingError.h"
#include "Gateway.h"
#include "GatewayRequest.h"
#include "HeaderForwarding.h"
#include "JsonScanner.h"
#include "ModelRewriter.h"
#include "ResponseRelay.h"
#include "UpstreamPool.h"
#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>
#include <algorithm>

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

namespace AILoad {

namespace {

bool isFailoverStatus(int status)
{
	// Rate limits and quotas (402: out of credit), overload and upstream faults, and a bad
	// upstream key (401/403):
	// another upstream may well answer. Anything else is the client's to see.
	switch (status)
	{
	case 401: case 402: case 403: case 408: case 429: case 500: case 502: case 503: case 504: return true;
	default: return false;
	}
}


} // namespace


ProxyRequestHandler::ProxyRequestHandler(Gateway& gateway, std::string pathAfterV1):
	_gateway(gateway),
	_pathAfterV1(std::move(pathAfterV1))
{
}


void ProxyRequestHandler::handleRequest(HTTPServerRequest& clientRequest, HTTPServerResponse& response)
{
	ProxiedRequest request(GatewayRequest::of(clientRequest), GatewayResponse::of(response), _gateway.config());
	const GatewayConfig& config = *request.config;

	if (!AuthToken::authorizes(clientRequest, config.authToken))
		return (void) refuse(request, ApiError::InvalidApiKey, "Incorrect API key provided. Use the gateway's auth_token as the Bearer token.");
	request.record.client = "default";  // the one client of auth_token (docs/observability.md)
	BodyMemoryBudget::Reservation bodyMemory(_gateway.bodyBudget());
	if (!readBody(request, bodyMemory) || !route(request)) return;

	const std::vector<const UpstreamConfig*> candidates = CandidateResolver::resolve(config, request.route.requestedModel);
	request.record.modelKnown = !candidates.empty();
	if (candidates.empty())
		return (void) refuse(request, ApiError::ModelNotFound, "The model `" + request.route.requestedModel + "` does not exist: name \"auto\", a group, or a model of this gateway (GET /v1/models lists them).");

	// Policy comes before ordering: the strategies order the upstreams that are ready; those
	// cooling down follow as a last resort; those at a limit (rpm, rpd, tpm, or one they
	// reported) get nothing.
	std::vector<const UpstreamConfig*> ready;
	std::vector<const UpstreamConfig*> coolingDown;
	for (const UpstreamConfig* upstream : candidates)
	{
		const UpstreamState::Ptr state = _gateway.upstreamStates().of(upstream->name);
		if (state->limitedFor(*upstream) > 0) continue;
		(state->coolingFor() > 0 ? coolingDown : ready).push_back(upstream);
	}
	if (ready.empty())
		return sendAllBusy(request, candidates);
	std::vector<const UpstreamConfig*> ordered = _gateway.router().order(ready, request.route);
	ordered.insert(ordered.end(), coolingDown.begin(), coolingDown.end());

	for (const UpstreamConfig* upstream : ordered)
	{
		if (static_cast<int>(request.tried.size()) >= config.maxAttempts) break;
		if (!_gateway.upstreamStates().of(upstream->name)->tryAcquire(*upstream)) continue;  // reached its limit meanwhile
		if (attempt(request, *upstream) == Attempt::Answered) return;
	}
	sendExhausted(request, candidates);
}


bool ProxyRequestHandler::readBody(ProxiedRequest& request, BodyMemoryBudget::Reservation& bodyMemory)
{
	const std::size_t limit = request.config->maxBodyBytes;
	const std::string tooLarge = "The request body is larger than the gateway's limit of " + std::to_string(limit) + " bytes (settings.max_body_mb).";
	const std::string tooMany = "The gateway holds as many request bodies as it may (aiload.server.maxBodyMemoryMb); retry shortly.";
	GatewayRequest& client = request.client;
	const BodyFraming& framing = client.framing();
	if (framing.kind == BodyFraming::Kind::Length)
	{
		if (framing.length > limit) return refuse(request, ApiError::RequestTooLarge, tooLarge);
		if (!bodyMemory.grow(framing.length)) return refuse(request, ApiError::Overloaded, tooMany);
	}
	// Everything the head could decide is decided: now the client may send the body.
	if (client.getExpectContinue()) request.response.sendContinue();

	std::string& body = request.body;
	std::istream& in = client.stream();
	if (framing.kind == BodyFraming::Kind::Length)
	{
		body.resize(framing.length);
		in.read(&body[0], static_cast<std::streamsize>(framing.length));
	}
	else
	{
		char buffer[16384];
		while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0)
		{
			const auto n = static_cast<std::size_t>(in.gcount());
			if (body.size() + n > limit) return refuse(request, ApiError::RequestTooLarge, tooLarge);
			if (!bodyMemory.grow(n)) return refuse(request, ApiError::Overloaded, tooMany);
			body.append(buffer, n);
		}
	}
	if (!client.bodyComplete())
	{
		if (client.bodyMalformed()) return refuse(request, ApiError::InvalidHttp, "The request body breaks the chunked framing: " + client.bodyError() + ".");
		return refuse(request, ApiError::IncompleteBody, "The request body could not be read to its end: " + client.bodyError() + ".");
	}
	return true;
}


bool ProxyRequestHandler::route(ProxiedRequest& request)
{
	const std::string& body = request.body;
	JsonScanner::Result& json = request.json;
	json = JsonScanner::scan(body);
	if (!json.valid) return refuse(request, ApiError::InvalidJson, "The request body is not valid JSON: " + json.describeError());
	if (!json.isObject) return refuse(request, ApiError::InvalidRequest, "The request body must be a JSON object.");

	RouteRequest& route = request.route;
	route.clientAddress = ClientAddress::of(request.client, request.config->trustedProxies);
	route.affinityKey = request.client.get("X-AILoad-Affinity", "");
	if (route.affinityKey.empty()) route.affinityKey = route.clientAddress;
	route.requestedModel = "auto";
	if (const JsonScanner::Member* model = json.find("model"))
	{
		std::string_view value(body.data() + model->valueBegin, model->valueEnd - model->valueBegin);
		if (value.empty() || value.front() != '"') return refuse(request, ApiError::InvalidModel, "The request's \"model\" must be a string.");
		route.requestedModel = JsonScanner::decodeString(value);
	}
	if (const JsonScanner::Member* stream = json.find("stream"))
		route.stream = std::string_view(body.data() + stream->valueBegin, stream->valueEnd - stream->valueBegin) == "true";
	RequestRecord& record = request.record;
	record.address = route.clientAddress;
	if (json.find("model")) record.model = route.requestedModel;
	record.stream = route.stream;
	request.askForUsage = ModelRewriter::mustAskForUsage(_pathAfterV1, route.stream, body, json);
	return true;
}


ProxyRequestHandler::Attempt ProxyRequestHandler::attempt(ProxiedRequest& request, const UpstreamConfig& upstream)
{
	static Poco::Logger& logger = Poco::Logger::get("AILoad.Proxy");
	const GatewayConfig& config = *request.config;
	GatewayRequest& client = request.client;
	RequestRecord& record = request.record;
	if (!record.attempts.empty())  // the one before failed: this is a failover
		_gateway.upstreamStates().of(record.attempts.back().upstream)->failedOver(request.lastOutcome);

	std::string uri = upstream.endpointPathAndQuery(_pathAfterV1);
	const std::string::size_type query = client.getURI().find('?');
	if (query != std::string::npos) uri += (uri.find('?') == std::string::npos ? "?" : "&") + client.getURI().substr(query + 1);

	const ModelRewriter::Splice upstreamBody = ModelRewriter::splice(request.body, request.json, upstream.model, request.askForUsage);
	Poco::Net::HTTPRequest upstreamRequest(client.getMethod(), uri, Poco::Net::HTTPMessage::HTTP_1_1);
	HeaderForwarding::copyRequestHeaders(client, upstreamRequest);
	if (!upstream.apiKey.empty()) upstreamRequest.set("Authorization", "Bearer " + upstream.apiKey);
	for (const auto& header : upstream.headers) upstreamRequest.set(header.first, header.second);
	HeaderForwarding::addVia(client, upstreamRequest, _gateway.viaMarker());  // after the model's headers: none removes it
	upstreamRequest.set("X-Request-Id", record.requestId);
	if (!upstreamRequest.has("Content-Type")) upstreamRequest.setContentType("application/json");
	upstreamRequest.setContentLength64(static_cast<Poco::Int64>(upstreamBody.size()));

	std::unique_ptr<UpstreamSession> session = _gateway.upstreams().acquire(upstream, config);
	HTTPResponse upstreamResponse;
	AttemptResult result;
	const Poco::Timestamp start;
	std::string failure;
	AttemptOutcome outcome = AttemptOutcome::Ok;
	try
	{
		if (!exchange(request, session, upstream, upstreamRequest, upstreamBody, upstreamResponse))
			return clientLeft(request, upstream, start);
		result.status = upstreamResponse.getStatus();
		_gateway.upstreamStates().of(upstream.name)->limitsReported(upstreamResponse);
	}
	catch (Poco::TimeoutException&)
	{
		result.timedOut = true;
		failure = "timed out";
		outcome = AttemptOutcome::Timeout;
	}
	catch (FramingError& error)
	{
		failure = "malformed answer: " + error.message();
		outcome = AttemptOutcome::Http5xx;
	}
	catch (Poco::Exception& exc)
	{
		// Connection and TLS errors; their text names hosts and reasons, never keys.
		failure = exc.displayText();
		outcome = AttemptOutcome::ConnectError;
	}
	result.timeToFirstByte = start.elapsed();
	const UpstreamState::Ptr state = _gateway.upstreamStates().of(upstream.name);
	const bool eventStream = Poco::icompare(upstreamResponse.getContentType(), 0, 17, "text/event-stream") == 0;
	// An upstream may answer 200 and put its error in the stream's first event: read up to
	// that event before anything goes to the client (docs/quotas.md).
	FirstEvent::Result first;
	if (eventStream && result.status >= 200 && result.status < 300)
	{
		first = FirstEvent::read(*session, request.watch, config.readTimeout);
		switch (first.kind)
		{
		case FirstEvent::Kind::ClientGone:
			return clientLeft(request, upstream, start);
		case FirstEvent::Kind::TimedOut:
			result.timedOut = true;
			failure = "timed out before its first event";
			outcome = AttemptOutcome::Timeout;
			break;
		case FirstEvent::Kind::Broke:
			failure = "broke off before its first event";
			outcome = AttemptOutcome::Http5xx;
			break;
		case FirstEvent::Kind::Error:
			failure = "an error in its first event";
			break;
		default:
			break;
		}
	}
	const bool failed = result.status == 0 || isFailoverStatus(result.status) || !failure.empty();
	result.answered = !failed;
	_gateway.router().attemptFinished(upstream, request.route, result);

	if (failed)
	{
		if (failure.empty()) failure = "HTTP " + std::to_string(result.status);
		request.tried.push_back(upstream.name + " (" + failure + ")");
		request.lastTimedOut = result.timedOut;
		if (result.status == 429 || result.status == 402 || result.status == 401 || result.status == 403 || first.kind == FirstEvent::Kind::Error)
		{
			// The body says which limit (docs/quotas.md): read a little of it.
			const std::string body = first.kind == FirstEvent::Kind::Error ? first.error : readErrorBody(request, *session);
			const UpstreamErrorClassifier::Verdict verdict = state->refused(result.status, upstreamResponse, body, config.quotaCooldown);
			const long seconds = static_cast<long>(state->coolingFor().totalSeconds());
			switch (verdict.kind)
			{
			case UpstreamErrorClassifier::Kind::BadKey:
				outcome = AttemptOutcome::BadKey;
				logger.error("upstream %s refused its API key (HTTP %d): check models[].api_key of %s; cooling it down for %ld s", upstream.name, result.status, upstream.name, seconds);
				break;
			case UpstreamErrorClassifier::Kind::RateLimited:
			case UpstreamErrorClassifier::Kind::QuotaExhausted:
				outcome = verdict.kind == UpstreamErrorClassifier::Kind::QuotaExhausted ? AttemptOutcome::QuotaExhausted : AttemptOutcome::RateLimited;
				logger.information("upstream %s: %s; cooling down for %ld s", upstream.name, verdict.reason, seconds);
				break;
			case UpstreamErrorClassifier::Kind::None:
				outcome = AttemptOutcome::Http5xx;  // an error event that names no limit
				state->failed();
				logger.warning("upstream %s failed: %s (request id %s)", upstream.name, failure, record.requestId);
				break;
			}
		}
		else
		{
			if (result.status != 0 && outcome == AttemptOutcome::Ok) outcome = AttemptOutcome::Http5xx;
			if (result.timedOut) state->timedOut();
			else state->failed();
			logger.warning("upstream %s failed: %s (request id %s)", upstream.name, failure, record.requestId);
		}
		request.allRateLimited = request.allRateLimited && (outcome == AttemptOutcome::RateLimited || outcome == AttemptOutcome::QuotaExhausted);
		ended(request, upstream, outcome, result.status, result.status ? result.timeToFirstByte : -1, start.elapsed());
		return Attempt::Failed;
	}

	record.upstream = upstream.name;
	record.ttfbMicros = record.started.elapsed();
	if (eventStream) _gateway.ledger().streamStarted();
	// The relay goes on in the connection's event loop once this thread has returned
	// (GatewayConnection): what it does at the end is written here, and runs there.
	auto relay = std::make_unique<ResponseRelay>(std::move(session), client.session(), config.readTimeout, _gateway.settings().sendTimeout);
	if (request.askForUsage) relay->removeUnaskedUsage();
	if (!first.bytes.empty()) relay->startWith(std::move(first.bytes));
	relay->nameErrorsWith(record.requestId);
	Gateway& gateway = _gateway;
	const GatewayConfig::Ptr keptConfig = request.config;  // `upstream` is part of it
	relay->whenUpstreamDone([&gateway, keptConfig, &upstream](std::unique_ptr<UpstreamSession> done, bool keepAlive) {
		if (done->reusable(keepAlive)) gateway.upstreams().release(upstream, std::move(done));
	});
	const std::string clientAddress = request.route.clientAddress;
	const int status = result.status;
	const Poco::Timespan firstByte = result.timeToFirstByte;
	relay->whenFinished([&gateway, keptConfig, &upstream, &record, state, eventStream, status, firstByte, start, clientAddress](ResponseRelay::Outcome relayed, const TokenUsage& usage) {
		static Poco::Logger& logger = Poco::Logger::get("AILoad.Proxy");
		record.usage = usage;
		if (eventStream) gateway.ledger().streamEnded();
		AttemptOutcome outcome = AttemptOutcome::Ok;
		if (relayed == ResponseRelay::Outcome::UpstreamBroke || relayed == ResponseRelay::Outcome::UpstreamTimedOut)
		{
			outcome = AttemptOutcome::StreamBroken;
			state->brokeOff();
			logger.warning("upstream %s broke off a response to %s after it had started (request id %s)", upstream.name, clientAddress, record.requestId);
		}
		else
		{
			if (relayed == ResponseRelay::Outcome::ClientGone) outcome = AttemptOutcome::ClientGone;
			else if (status >= 500) outcome = AttemptOutcome::Http5xx;
			else if (status >= 400) outcome = AttemptOutcome::Http4xx;
			state->succeeded();
		}
		recordAttempt(gateway, record, upstream, outcome, status, firstByte, start.elapsed());
		state->answered(record.started.elapsed());
		if (logger.debug())
			logger.debug("%s %s -> %s: %d in %.1f ms", record.method, record.path, upstream.name, status, start.elapsed() / 1000.0);
	});
	if (relay->begin(upstreamResponse, request.response, upstream) != ResponseRelay::Step::Done)
		request.response.handOver(std::move(relay));
	return Attempt::Answered;
}


ProxyRequestHandler::Attempt ProxyRequestHandler::clientLeft(ProxiedRequest& request, const UpstreamConfig& upstream, const Poco::Timestamp& start)
{
	// The client left, or a shutdown that ran out of time cut it off: then it may still read why.
	ended(request, upstream, AttemptOutcome::ClientGone, 0, -1, start.elapsed());
	request.response.setKeepAlive(false);
	if (_gateway.draining()) refuse(request, ApiError::ShuttingDown, "The gateway is shutting down.");
	return Attempt::Answered;
}


std::string ProxyRequestHandler::readErrorBody(ProxiedRequest& request, UpstreamSession& session)
{
	std::string body;
	char buffer[4096];
	try
	{
		while (!session.bodyComplete() && body.size() < UpstreamErrorClassifier::maximumBodyRead)
		{
			// An error body is small and comes at once: a slow one is not waited for long.
			if (session.waitForData(std::min(request.config->readTimeout, Poco::Timespan(5, 0)), request.watch) != UpstreamSession::Wait::Ready) break;
			const int n = session.readBody(buffer, sizeof(buffer));
			if (n == UpstreamSession::NEED_MORE) continue;
			if (n <= 0) break;
			body.append(buffer, static_cast<std::size_t>(n));
		}
	}
	catch (Poco::Exception&)
	{
		// What was read is what there is.
	}
	return body;
}


void ProxyRequestHandler::ended(ProxiedRequest& request, const UpstreamConfig& upstream, AttemptOutcome outcome, int status,
	Poco::Timespan firstByte, Poco::Timespan duration)
{
	request.lastOutcome = outcome;
	recordAttempt(_gateway, request.record, upstream, outcome, status, firstByte, duration);
}


void ProxyRequestHandler::recordAttempt(Gateway& gateway, RequestRecord& record, const UpstreamConfig& upstream, AttemptOutcome outcome, int status,
	Poco::Timespan firstByte, Poco::Timespan duration)
{
	const TokenUsage usage = outcome == AttemptOutcome::Ok || outcome == AttemptOutcome::ClientGone || outcome == AttemptOutcome::StreamBroken
		? record.usage : TokenUsage();
	gateway.upstreamStates().of(upstream.name)->attemptEnded(outcome, firstByte, usage);
	record.attempts.push_back({upstream.name, nameOf(outcome), status, static_cast<double>(duration.totalMicroseconds()) / 1000.0});
}


bool ProxyRequestHandler::exchange(ProxiedRequest& request, std::unique_ptr<UpstreamSession>& session, const UpstreamConfig& upstream,
	Poco::Net::HTTPRequest& upstreamRequest, const ModelRewriter::Splice& upstreamBody, HTTPResponse& upstreamResponse)
{
	for (;;)
	{
		try
		{
			std::ostream& out = session->sendRequest(upstreamRequest);
			upstreamBody.writeTo(out, request.body);
			out.flush();
			switch (session->waitForData(request.config->readTimeout, request.watch))
			{
			case UpstreamSession::Wait::ClientGone:
				return false;
			case UpstreamSession::Wait::TimedOut:
				throw Poco::TimeoutException("no answer");
			case UpstreamSession::Wait::Ready:
				break;
			}
			session->receiveHead(upstreamResponse);
			return true;
		}
		catch (Poco::TimeoutException&)
		{
			throw;  // the upstream may be working on it: never sent twice
		}
		catch (FramingError&)
		{
			throw;  // it answered, badly
		}
		catch (Poco::Exception&)
		{
			// A pooled connection the upstream closed after the idle check fails before any
			// byte of an answer: send once more on a fresh one.
			if (!session->reused()) throw;
			session = _gateway.upstreams().connectFresh(upstream, *request.config);
		}
	}
}


void ProxyRequestHandler::sendExhausted(ProxiedRequest& request, const std::vector<const UpstreamConfig*>& candidates)
{
	std::string tried;
	for (const auto& entry : request.tried) tried += (tried.empty() ? "" : ", ") + entry;
	if (request.tried.empty() || request.allRateLimited)
		return sendAllBusy(request, candidates, tried.empty() ? "" : "; tried: " + tried);
	if (request.lastTimedOut)
		return (void) refuse(request, ApiError::UpstreamTimeout, "No upstream answered in time; tried: " + tried + ".");
	refuse(request, ApiError::UpstreamUnavailable, "No upstream could answer; tried: " + tried + ".");
}


void ProxyRequestHandler::sendAllBusy(ProxiedRequest& request, const std::vector<const UpstreamConfig*>& candidates, const std::string& tried)
{
	// The honest wait: until the first of the candidates is free again.
	Poco::Timespan wait = -1;
	std::string names;
	for (const UpstreamConfig* upstream : candidates)
	{
		const Poco::Timespan free = _gateway.upstreamStates().of(upstream->name)->busyFor(*upstream);
		if (wait < 0 || free < wait) wait = free;
		names += (names.empty() ? "" : ", ") + upstream->name;
	}
	const long seconds = std::max(1L, static_cast<long>((wait.totalMicroseconds() + 999999) / 1000000));
	request.response.set("Retry-After", std::to_string(seconds));
	refuse(request, ApiError::RateLimited, "Every upstream is rate-limited or cooling down (" + names + ")" + tried
		+ "; retry in " + std::to_string(seconds) + " s.");
}


bool ProxyRequestHandler::refuse(ProxiedRequest& request, ApiError::Kind kind, const std::string& message)
{
	ErrorResponse::send(request.response, kind, message);
	return false;
}

} // namespace AILoad

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
#include "Observing.h"
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
	case 401:
	case 402:
	case 403:
	case 408:
	case 429:
	case 500:
	case 502:
	case 503:
	case 504: return true;
	default: return false;
	}
}


} // namespace


ProxyRequestHandler::ProxyRequestHandler(Gateway& gateway, std::string pathAfterV1):
	_gateway(gateway),
	_pathAfterV1(std::move(pathAfterV1))
{
}


ProxyRequestHandler::~ProxyRequestHandler() = default;


void ProxyRequestHandler::handleRequest(HTTPServerRequest& clientRequest, HTTPServerResponse& response)
{
	_request = std::make_unique<ProxiedRequest>(GatewayRequest::of(clientRequest), GatewayResponse::of(response), _gateway.config());
	ProxiedRequest& request = *_request;
	const GatewayConfig& config = *request.config;

	if (!AuthToken::authorizes(clientRequest, config.authToken))
		return (void) refuse(request, ApiError::InvalidApiKey, "Incorrect API key provided. Use the gateway's auth_token as the Bearer token.");
	request.record.client = "default"; // the one client of auth_token (docs/observability.md)
	_bodyMemory = std::make_unique<BodyMemoryBudget::Reservation>(_gateway.bodyBudget());
	if (!readBody(request, *_bodyMemory) || !route(request)) return;

	_candidates = CandidateResolver::resolve(config, request.route.requestedModel);
	request.record.modelKnown = !_candidates.empty();
	if (_candidates.empty())
		return (void) refuse(request, ApiError::ModelNotFound, "The model `" + request.route.requestedModel + "` does not exist: name \"auto\", a group, or a model of this gateway (GET /v1/models lists them).");

	// Policy comes before ordering: the strategies order the upstreams that are ready; those
	// cooling down follow as a last resort; those at a limit (rpm, rpd, tpm, or one they
	// reported) get nothing.
	std::vector<const UpstreamConfig*> ready;
	std::vector<const UpstreamConfig*> coolingDown;
	ready.reserve(_candidates.size());
	for (const UpstreamConfig* upstream : _candidates)
	{
		const UpstreamState::Ptr state = _gateway.upstreamStates().of(upstream->name);
		if (state->limitedFor(*upstream) > 0) continue;
		(state->coolingFor() > 0 ? coolingDown : ready).push_back(upstream);
	}
	if (ready.empty()) return sendAllBusy();
	_ordered = _gateway.router().order(ready, request.route);
	_ordered.insert(_ordered.end(), coolingDown.begin(), coolingDown.end());
	tryNext();
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


void ProxyRequestHandler::tryNext()
{
	ProxiedRequest& request = *_request;
	while (_next < _ordered.size())
	{
		const UpstreamConfig* upstream = _ordered[_next++];
		if (static_cast<int>(request.tried.size()) >= request.config->maxAttempts) break;
		if (!_gateway.upstreamStates().of(upstream->name)->tryAcquire(*upstream)) continue; // reached its limit meanwhile
		return send(*upstream);
	}
	sendExhausted();
}


void ProxyRequestHandler::send(const UpstreamConfig& upstream)
{
	ProxiedRequest& request = *_request;
	GatewayRequest& client = request.client;
	RequestRecord& record = request.record;
	if (!record.attempts.empty()) // the one before failed: this is a failover
		_gateway.upstreamStates().of(record.attempts.back().upstream)->failedOver(request.lastOutcome);

	_attempt = std::make_unique<UpstreamAttempt>();
	UpstreamAttempt& attempt = *_attempt;
	attempt.upstream = &upstream;
	attempt.state = _gateway.upstreamStates().of(upstream.name);
	std::string uri = upstream.endpointPathAndQuery(_pathAfterV1);
	const std::string::size_type query = client.getURI().find('?');
	if (query != std::string::npos) uri += (uri.find('?') == std::string::npos ? "?" : "&") + client.getURI().substr(query + 1);

	attempt.body = ModelRewriter::splice(request.body, request.json, upstream.model, request.askForUsage);
	// The gateway's own fields, each replacing the client's of its name; later ones replace
	// earlier ones: a model's headers replace the key, and none replaces Via, the id or the length.
	HeaderForwarding::Fields set;
	set.reserve(upstream.headers.size() + 5);
	if (!upstream.apiKey.empty()) set.emplace_back("Authorization", "Bearer " + upstream.apiKey);
	for (const auto& header : upstream.headers) HeaderForwarding::setField(set, header.first, header.second);
	HeaderForwarding::setField(set, "Via", HeaderForwarding::via(client, _gateway.viaMarker()));
	HeaderForwarding::setField(set, "X-Request-Id", record.requestId);
	if (!HeaderForwarding::hasField(set, "Content-Type") && !client.has("Content-Type")) set.emplace_back("Content-Type", "application/json");
	HeaderForwarding::setField(set, "Content-Length", std::to_string(attempt.body.size()));
	attempt.head.assign(client.getMethod()).append(1, ' ').append(uri).append(" HTTP/1.1\r\n");
	HeaderForwarding::writeRequestFields(client, set, attempt.head);
	attempt.hostSet = HeaderForwarding::hasField(set, "Host");
	attempt.keepAlive = true;
	for (const auto& field : set)
	{
		if (Poco::icompare(field.first, "Connection") == 0 && Poco::icompare(field.second, "close") == 0) attempt.keepAlive = false;
	}

	transmit();
}


void ProxyRequestHandler::transmit()
{
	ProxiedRequest& request = *_request;
	UpstreamAttempt& attempt = *_attempt;
	const bool onLoop = request.response.onLoop();
	const auto onWorker = [this] { _request->response.continueOnWorker([this](GatewayResponse::Wait) { transmit(); }); };
	if (!attempt.session)
	{
		// On the loop only a connection that is open already, and a request its socket
		// takes at once: a connect, or a large body, may wait.
		if (!onLoop)
			attempt.session = _gateway.upstreams().acquire(*attempt.upstream, *request.config);
		else if (attempt.body.size() <= maximumBodyOnLoop)
			attempt.session = _gateway.upstreams().acquireIdle(*attempt.upstream, *request.config);
		if (!attempt.session) return onWorker();
	}
	for (;;)
	{
		if (onLoop && !attempt.session->connected()) return onWorker();
		try
		{
			attempt.start = Poco::Timestamp();
			std::string message = attempt.session->headOf(attempt.head, attempt.hostSet);
			attempt.body.appendTo(message, request.body);
			attempt.session->send(message, attempt.keepAlive);
			attempt.state->sentOn(attempt.session->reused());
			attempt.session->setNonBlocking(true); // from here on no read waits: the loop does
			return waitFor(&ProxyRequestHandler::answerArrived);
		}
		catch (Poco::TimeoutException&)
		{
			attempt.result.timedOut = true;
			attempt.failure = "timed out";
			attempt.outcome = AttemptOutcome::Timeout;
			return decide();
		}
		catch (Poco::Exception& exc)
		{
			// A pooled connection the upstream closed after the idle check: send once more
			// on a fresh one. Connection and TLS errors name hosts and reasons, never keys.
			if (attempt.session->reused())
			{
				attempt.session = _gateway.upstreams().connectFresh(*attempt.upstream, *request.config);
				continue;
			}
			attempt.failure = exc.displayText();
			attempt.outcome = AttemptOutcome::ConnectError;
			return decide();
		}
	}
}


void ProxyRequestHandler::waitFor(void (ProxyRequestHandler::*then)(GatewayResponse::Wait))
{
	_request->response.waitForUpstream(_attempt->session->fd(), _request->config->readTimeout, [this, then](GatewayResponse::Wait wait) { (this->*then)(wait); });
}


void ProxyRequestHandler::answerArrived(GatewayResponse::Wait wait)
{
	UpstreamAttempt& attempt = *_attempt;
	if (wait == GatewayResponse::Wait::ClientGone) return clientLeft();
	if (wait == GatewayResponse::Wait::TimedOut)
	{
		attempt.result.timedOut = true;
		attempt.failure = "timed out";
		attempt.outcome = AttemptOutcome::Timeout;
		return decide();
	}
	attempt.session->readable();
	try
	{
		if (!attempt.session->receiveHead(attempt.response)) return waitFor(&ProxyRequestHandler::answerArrived); // the rest of it
		attempt.result.status = attempt.response.getStatus();
		attempt.eventStream = Poco::icompare(attempt.response.getContentType(), 0, 17, "text/event-stream") == 0;
		if (observing) attempt.state->limitsReported(attempt.response);
	}
	catch (Poco::TimeoutException&)
	{
		attempt.result.timedOut = true;
		attempt.failure = "timed out";
		attempt.outcome = AttemptOutcome::Timeout;
	}
	catch (FramingError& error)
	{
		attempt.failure = "malformed answer: " + error.message();
		attempt.outcome = AttemptOutcome::Http5xx;
	}
	catch (Poco::Exception& exc)
	{
		// A pooled connection the upstream closed after the idle check ends before any byte
		// of an answer: send once more on a fresh one (never after a timeout: the upstream
		// may be working on it).
		if (attempt.session->reused())
		{
			attempt.session = _gateway.upstreams().connectFresh(*attempt.upstream, *_request->config);
			return transmit();
		}
		attempt.failure = exc.displayText();
		attempt.outcome = AttemptOutcome::ConnectError;
	}
	attempt.result.timeToFirstByte = attempt.start.elapsed();
	if (attempt.eventStream && attempt.result.status >= 200 && attempt.result.status < 300)
		return firstEventArrived(GatewayResponse::Wait::Ready);
	decide();
}


void ProxyRequestHandler::firstEventArrived(GatewayResponse::Wait wait)
{
	UpstreamAttempt& attempt = *_attempt;
	switch (wait)
	{
	case GatewayResponse::Wait::ClientGone:
		return clientLeft();
	case GatewayResponse::Wait::TimedOut:
		attempt.first.kind = FirstEvent::Kind::TimedOut;
		break;
	case GatewayResponse::Wait::Ready:
		attempt.session->readable();
		if (!FirstEvent::readAvailable(*attempt.session, attempt.first)) return waitFor(&ProxyRequestHandler::firstEventArrived);
		break;
	}
	switch (attempt.first.kind)
	{
	case FirstEvent::Kind::TimedOut:
		attempt.result.timedOut = true;
		attempt.failure = "timed out before its first event";
		attempt.outcome = AttemptOutcome::Timeout;
		break;
	case FirstEvent::Kind::Broke:
		attempt.failure = "broke off before its first event";
		attempt.outcome = AttemptOutcome::Http5xx;
		break;
	case FirstEvent::Kind::Error:
		attempt.failure = "an error in its first event";
		break;
	default:
		break;
	}
	decide();
}


void ProxyRequestHandler::decide()
{
	static Poco::Logger& logger = Poco::Logger::get("AILoad.Proxy");
	ProxiedRequest& request = *_request;
	UpstreamAttempt& attempt = *_attempt;
	const UpstreamConfig& upstream = *attempt.upstream;
	const int status = attempt.result.status;
	const bool errorEvent = attempt.first.kind == FirstEvent::Kind::Error;
	const bool readsErrorBody = !errorEvent && (status == 429 || status == 402 || status == 401 || status == 403);
	// Reading the error body may wait a little: not on the loop.
	if (readsErrorBody && request.response.onLoop())
		return request.response.continueOnWorker([this](GatewayResponse::Wait) { decide(); });
	if (status == 0) attempt.result.timeToFirstByte = attempt.start.elapsed();
	const bool failed = status == 0 || isFailoverStatus(status) || !attempt.failure.empty();
	attempt.result.answered = !failed;
	_gateway.router().attemptFinished(upstream, request.route, attempt.result);
	if (!failed) return relay();

	const UpstreamState::Ptr state = attempt.state;
	std::string failure = attempt.failure.empty() ? "HTTP " + std::to_string(status) : attempt.failure;
	AttemptOutcome outcome = attempt.outcome;
	request.tried.push_back(upstream.name + " (" + failure + ")");
	request.lastTimedOut = attempt.result.timedOut;
	if (readsErrorBody || errorEvent)
	{
		// The body says which limit (docs/quotas.md): read a little of it.
		const std::string body = errorEvent ? attempt.first.error : readErrorBody(request, *attempt.session);
		const UpstreamErrorClassifier::Verdict verdict = state->refused(status, attempt.response, body, request.config->quotaCooldown);
		const long seconds = static_cast<long>(state->coolingFor().totalSeconds());
		switch (verdict.kind)
		{
		case UpstreamErrorClassifier::Kind::BadKey:
			outcome = AttemptOutcome::BadKey;
			logger.error("upstream %s refused its API key (HTTP %d): check models[].api_key of %s; cooling it down for %ld s", upstream.name, status, upstream.name, seconds);
			break;
		case UpstreamErrorClassifier::Kind::RateLimited:
		case UpstreamErrorClassifier::Kind::QuotaExhausted:
			outcome = verdict.kind == UpstreamErrorClassifier::Kind::QuotaExhausted ? AttemptOutcome::QuotaExhausted : AttemptOutcome::RateLimited;
			logger.information("upstream %s: %s; cooling down for %ld s", upstream.name, verdict.reason, seconds);
			break;
		case UpstreamErrorClassifier::Kind::None:
			outcome = AttemptOutcome::Http5xx; // an error event that names no limit
			state->failed();
			logger.warning("upstream %s failed: %s (request id %s)", upstream.name, failure, request.record.requestId);
			break;
		}
	}
	else
	{
		if (status != 0 && outcome == AttemptOutcome::Ok) outcome = AttemptOutcome::Http5xx;
		if (attempt.result.timedOut) state->timedOut();
		else
			state->failed();
		logger.warning("upstream %s failed: %s (request id %s)", upstream.name, failure, request.record.requestId);
	}
	request.allRateLimited = request.allRateLimited && (outcome == AttemptOutcome::RateLimited || outcome == AttemptOutcome::QuotaExhausted);
	ended(outcome, status, status ? attempt.result.timeToFirstByte : -1);
	_attempt.reset(); // its connection is not reused: the answer was not read to its end
	tryNext();
}


void ProxyRequestHandler::relay()
{
	ProxiedRequest& request = *_request;
	UpstreamAttempt& attempt = *_attempt;
	const UpstreamConfig& upstream = *attempt.upstream;
	RequestRecord& record = request.record;
	const GatewayConfig& config = *request.config;
	record.upstream = upstream.name;
	record.ttfbMicros = record.started.elapsed();
	const bool eventStream = attempt.eventStream;
	if (eventStream) _gateway.ledger().streamStarted();
	// The relay goes on in the connection's event loop once this thread has returned
	// (GatewayConnection): what it does at the end is written here, and runs there.
	auto relay = std::make_unique<ResponseRelay>(std::move(attempt.session), request.client.session(), config.readTimeout, _gateway.settings().sendTimeout);
	if (request.askForUsage) relay->removeUnaskedUsage();
	if (!attempt.first.bytes.empty()) relay->startWith(std::move(attempt.first.bytes));
	relay->nameErrorsWith(record.requestId);
	Gateway& gateway = _gateway;
	const GatewayConfig::Ptr keptConfig = request.config; // `upstream` is part of it
	relay->whenUpstreamDone([&gateway, keptConfig, &upstream](std::unique_ptr<UpstreamSession> done, bool keepAlive) {
		if (done->reusable(keepAlive)) gateway.upstreams().release(upstream, std::move(done));
	});
	const UpstreamState::Ptr state = attempt.state;
	const std::string clientAddress = request.route.clientAddress;
	const int status = attempt.result.status;
	const Poco::Timespan firstByte = attempt.result.timeToFirstByte;
	const Poco::Timestamp start = attempt.start;
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
			else if (status >= 500)
				outcome = AttemptOutcome::Http5xx;
			else if (status >= 400)
				outcome = AttemptOutcome::Http4xx;
			state->succeeded();
		}
		recordAttempt(*state, record, upstream, outcome, status, firstByte, start.elapsed());
		state->answered(record.started.elapsed());
		if (logger.debug())
			logger.debug("%s %s -> %s: %d in %.1f ms", record.method, record.path, upstream.name, status, start.elapsed() / 1000.0);
	});
	if (relay->begin(attempt.response, request.response, upstream) != ResponseRelay::Step::Done)
		request.response.handOver(std::move(relay));
}


void ProxyRequestHandler::clientLeft()
{
	// The client left, or a shutdown that ran out of time cut it off: then it may still read why.
	ProxiedRequest& request = *_request;
	ended(AttemptOutcome::ClientGone, 0, -1);
	request.response.setKeepAlive(false);
	if (_gateway.draining()) refuse(request, ApiError::ShuttingDown, "The gateway is shutting down.");
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


void ProxyRequestHandler::ended(AttemptOutcome outcome, int status, Poco::Timespan firstByte)
{
	_request->lastOutcome = outcome;
	recordAttempt(*_attempt->state, _request->record, *_attempt->upstream, outcome, status, firstByte, _attempt->start.elapsed());
}


void ProxyRequestHandler::recordAttempt(UpstreamState& state, RequestRecord& record, const UpstreamConfig& upstream, AttemptOutcome outcome, int status,
	Poco::Timespan firstByte, Poco::Timespan duration)
{
	const TokenUsage usage = outcome == AttemptOutcome::Ok || outcome == AttemptOutcome::ClientGone || outcome == AttemptOutcome::StreamBroken
		? record.usage
		: TokenUsage();
	state.attemptEnded(outcome, firstByte, usage);
	record.attempts.push_back({upstream.name, nameOf(outcome), status, static_cast<double>(duration.totalMicroseconds()) / 1000.0});
}


void ProxyRequestHandler::sendExhausted()
{
	ProxiedRequest& request = *_request;
	std::string tried;
	for (const auto& entry : request.tried) tried += (tried.empty() ? "" : ", ") + entry;
	if (request.tried.empty() || request.allRateLimited)
		return sendAllBusy(tried.empty() ? "" : "; tried: " + tried);
	if (request.lastTimedOut)
		return (void) refuse(request, ApiError::UpstreamTimeout, "No upstream answered in time; tried: " + tried + ".");
	refuse(request, ApiError::UpstreamUnavailable, "No upstream could answer; tried: " + tried + ".");
}


void ProxyRequestHandler::sendAllBusy(const std::string& tried)
{
	ProxiedRequest& request = *_request;
	// The honest wait: until the first of the candidates is free again.
	Poco::Timespan wait = -1;
	std::string names;
	for (const UpstreamConfig* upstream : _candidates)
	{
		const Poco::Timespan free = _gateway.upstreamStates().of(upstream->name)->busyFor(*upstream);
		if (wait < 0 || free < wait) wait = free;
		names += (names.empty() ? "" : ", ") + upstream->name;
	}
	const long seconds = std::max(1L, static_cast<long>((wait.totalMicroseconds() + 999999) / 1000000));
	request.response.set("Retry-After", std::to_string(seconds));
	refuse(request, ApiError::RateLimited, "Every upstream is rate-limited or cooling down (" + names + ")" + tried + "; retry in " + std::to_string(seconds) + " s.");
}


bool ProxyRequestHandler::refuse(ProxiedRequest& request, ApiError::Kind kind, const std::string& message)
{
	ErrorResponse::send(request.response, kind, message);
	return false;
}

} // namespace AILoad

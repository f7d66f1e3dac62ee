#include "ProxyRequestHandler.h"

#include "AuthToken.h"
#include "CandidateResolver.h"
#include "ClientAddress.h"
#include "ClientWatch.h"
#include "ErrorResponse.h"
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
	// Rate limits, overload and upstream faults, and a bad upstream key (401/403):
	// another upstream may well answer. Anything else is the client's to see.
	switch (status)
	{
	case 401: case 403: case 408: case 429: case 500: case 502: case 503: case 504: return true;
	default: return false;
	}
}


} // namespace


ProxyRequestHandler::ProxyRequestHandler(Gateway& gateway, std::string pathAfterV1):
	_gateway(gateway),
	_pathAfterV1(std::move(pathAfterV1))
{
	_gateway.requestStarted();
}


ProxyRequestHandler::~ProxyRequestHandler()
{
	_gateway.requestFinished();
}


void ProxyRequestHandler::handleRequest(HTTPServerRequest& request, HTTPServerResponse& response)
{
	const GatewayConfig::Ptr config = _gateway.config();
	GatewayRequest& clientRequest = GatewayRequest::of(request);

	if (!AuthToken::authorizes(request, config->authToken))
	{
		refuseUnread(clientRequest, response, HTTPResponse::HTTP_UNAUTHORIZED, "Incorrect API key provided. Use the gateway's auth_token as the Bearer token.", "invalid_request_error", "invalid_api_key");
		return;
	}

	std::string body;
	BodyMemoryBudget::Reservation bodyMemory(_gateway.bodyBudget());
	if (!readBody(clientRequest, response, config->maxBodyBytes, bodyMemory, body)) return;
	_gateway.deadlines().requestRead(clientRequest.socket());

	const JsonScanner::Result json = JsonScanner::scan(body);
	if (!json.valid)
		return ErrorResponse::send(response, HTTPResponse::HTTP_BAD_REQUEST, "The request body is not valid JSON: " + json.describeError(), "invalid_request_error", "invalid_json");
	if (!json.isObject)
		return ErrorResponse::send(response, HTTPResponse::HTTP_BAD_REQUEST, "The request body must be a JSON object.", "invalid_request_error", "invalid_request");

	RouteRequest route;
	route.clientAddress = ClientAddress::of(request, config->trustedProxies);
	route.affinityKey = request.get("X-AILoad-Affinity", "");
	if (route.affinityKey.empty()) route.affinityKey = route.clientAddress;
	route.requestedModel = "auto";
	if (const JsonScanner::Member* model = json.find("model"))
	{
		std::string_view value(body.data() + model->valueBegin, model->valueEnd - model->valueBegin);
		if (value.empty() || value.front() != '"')
			return ErrorResponse::send(response, HTTPResponse::HTTP_BAD_REQUEST, "The request's \"model\" must be a string.", "invalid_request_error", "invalid_model");
		route.requestedModel = JsonScanner::decodeString(value);
	}
	if (const JsonScanner::Member* stream = json.find("stream"))
		route.stream = std::string_view(body.data() + stream->valueBegin, stream->valueEnd - stream->valueBegin) == "true";

	const std::vector<const UpstreamConfig*> candidates = CandidateResolver::resolve(*config, route.requestedModel);
	if (candidates.empty())
		return ErrorResponse::send(response, HTTPResponse::HTTP_NOT_FOUND, "The model `" + route.requestedModel + "` does not exist: name \"auto\", a group, or a model of this gateway (GET /v1/models lists them).", "invalid_request_error", "model_not_found");

	// Policy comes before ordering: the strategies order the upstreams that are ready; those
	// cooling down follow as a last resort; those at their rpm/rpd limit get nothing.
	std::vector<const UpstreamConfig*> ready;
	std::vector<const UpstreamConfig*> coolingDown;
	for (const UpstreamConfig* upstream : candidates)
	{
		if (_gateway.rateLimiter().waitTime(*upstream) > 0) continue;
		(_gateway.cooldowns().remaining(upstream->name) > 0 ? coolingDown : ready).push_back(upstream);
	}
	if (ready.empty())
		return sendAllBusy(response, candidates);
	std::vector<const UpstreamConfig*> ordered = _gateway.router().order(ready, route);
	ordered.insert(ordered.end(), coolingDown.begin(), coolingDown.end());

	ClientWatch client(clientRequest.socket());
	Failures failures;
	for (const UpstreamConfig* upstream : ordered)
	{
		if (static_cast<int>(failures.tried.size()) >= config->maxAttempts) break;
		if (!_gateway.rateLimiter().tryAcquire(*upstream)) continue;  // reached its limit meanwhile
		const ModelRewriter::Splice upstreamBody = ModelRewriter::splice(body, json, upstream->model);
		if (attempt(*upstream, *config, clientRequest, response, body, upstreamBody, route, client, failures) == Attempt::Answered)
			return;
	}
	sendExhausted(response, failures, candidates);
}


bool ProxyRequestHandler::readBody(GatewayRequest& request, HTTPServerResponse& response, std::size_t limit,
	BodyMemoryBudget::Reservation& bodyMemory, std::string& body)
{
	const std::string tooLarge = "The request body is larger than the gateway's limit of " + std::to_string(limit) + " bytes (settings.max_body_mb).";
	const std::string tooMany = "The gateway holds as many request bodies as it may (aiload.server.maxBodyMemoryMb); retry shortly.";
	const BodyFraming& framing = request.framing();
	if (framing.kind == BodyFraming::Kind::Length)
	{
		if (framing.length > limit)
			return refuseUnread(request, response, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, tooLarge, "invalid_request_error", "request_too_large");
		if (!bodyMemory.grow(framing.length))
			return refuseUnread(request, response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, tooMany, "server_error", "overloaded");
	}
	// Everything the head could decide is decided: now the client may send the body.
	if (request.getExpectContinue()) response.sendContinue();

	std::istream& in = request.stream();
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
			if (body.size() + n > limit)
				return refuseUnread(request, response, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, tooLarge, "invalid_request_error", "request_too_large");
			if (!bodyMemory.grow(n))
				return refuseUnread(request, response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, tooMany, "server_error", "overloaded");
			body.append(buffer, n);
		}
	}
	if (request.bodyComplete()) return true;
	response.setKeepAlive(false);
	if (request.bodyMalformed())
		ErrorResponse::send(response, HTTPResponse::HTTP_BAD_REQUEST, "The request body breaks the chunked framing: " + request.bodyError() + ".", "invalid_request_error", "invalid_http");
	else
		ErrorResponse::send(response, HTTPResponse::HTTP_BAD_REQUEST, "The request body could not be read to its end: " + request.bodyError() + ".", "invalid_request_error", "incomplete_body");
	return false;
}


bool ProxyRequestHandler::refuseUnread(GatewayRequest& request, HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
	const std::string& message, const std::string& type, const std::string& code)
{
	response.setKeepAlive(false);  // the unread body must not be taken for the next request
	if (status == HTTPResponse::HTTP_SERVICE_UNAVAILABLE) response.set("Retry-After", "1");
	ErrorResponse::send(response, status, message, type, code);
	// Closing with unread bytes makes the kernel send a reset, which can destroy the answer
	// before the client reads it. Discard (not keep) a bounded part of the rest first; a
	// client that asked for 100-continue sends nothing more, so there is nothing to wait for.
	if (!request.getExpectContinue()) request.stream().ignore(4 * 1024 * 1024);
	return false;
}


ProxyRequestHandler::Attempt ProxyRequestHandler::attempt(const UpstreamConfig& upstream, const GatewayConfig& config,
	GatewayRequest& request, HTTPServerResponse& response, const std::string& body, const ModelRewriter::Splice& upstreamBody,
	const RouteRequest& route, ClientWatch& client, Failures& failures)
{
	static Poco::Logger& logger = Poco::Logger::get("AILoad.Proxy");
	std::string uri = upstream.endpointPathAndQuery(_pathAfterV1);
	const std::string::size_type query = request.getURI().find('?');
	if (query != std::string::npos) uri += (uri.find('?') == std::string::npos ? "?" : "&") + request.getURI().substr(query + 1);

	Poco::Net::HTTPRequest upstreamRequest(request.getMethod(), uri, Poco::Net::HTTPMessage::HTTP_1_1);
	HeaderForwarding::copyRequestHeaders(request, upstreamRequest);
	if (!upstream.apiKey.empty()) upstreamRequest.set("Authorization", "Bearer " + upstream.apiKey);
	for (const auto& header : upstream.headers) upstreamRequest.set(header.first, header.second);
	HeaderForwarding::addVia(request, upstreamRequest, _gateway.viaMarker());  // after the model's headers: none removes it
	if (!upstreamRequest.has("Content-Type")) upstreamRequest.setContentType("application/json");
	upstreamRequest.setContentLength64(static_cast<Poco::Int64>(upstreamBody.size()));

	std::unique_ptr<UpstreamSession> session = _gateway.upstreams().acquire(upstream, config);
	HTTPResponse upstreamResponse;
	AttemptResult result;
	const Poco::Timestamp start;
	std::string failure;
	try
	{
		if (!exchange(session, upstream, config, upstreamRequest, body, upstreamBody, client, upstreamResponse))
		{
			// The client left, or a shutdown that ran out of time cut it off: then it may
			// still read why.
			response.setKeepAlive(false);
			if (_gateway.draining())
				ErrorResponse::send(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "The gateway is shutting down.", "server_error", "shutting_down");
			return Attempt::Answered;
		}
		result.status = upstreamResponse.getStatus();
	}
	catch (Poco::TimeoutException&)
	{
		result.timedOut = true;
		failure = "timed out";
	}
	catch (FramingError& error)
	{
		failure = "malformed answer: " + error.message();
	}
	catch (Poco::Exception& exc)
	{
		// Connection and TLS errors; their text names hosts and reasons, never keys.
		failure = exc.displayText();
	}
	result.timeToFirstByte = start.elapsed();
	result.answered = result.status != 0 && !isFailoverStatus(result.status);
	_gateway.router().attemptFinished(upstream, route, result);

	if (result.status == 0 || isFailoverStatus(result.status))
	{
		if (result.status != 0) failure = "HTTP " + std::to_string(result.status);
		failures.tried.push_back(upstream.name + " (" + failure + ")");
		failures.lastTimedOut = result.timedOut;
		failures.allRateLimited = failures.allRateLimited && result.status == HTTPResponse::HTTP_TOO_MANY_REQUESTS;
		CooldownTracker& cooldowns = _gateway.cooldowns();
		if (result.status == HTTPResponse::HTTP_TOO_MANY_REQUESTS)
		{
			cooldowns.rateLimited(upstream.name, CooldownTracker::parseRetryAfter(upstreamResponse.get("Retry-After", "")));
			logger.information("upstream %s is rate-limited: cooling down for %d s", upstream.name, static_cast<int>(cooldowns.remaining(upstream.name).totalSeconds()));
		}
		else if (result.status == HTTPResponse::HTTP_UNAUTHORIZED || result.status == HTTPResponse::HTTP_FORBIDDEN)
		{
			cooldowns.badKey(upstream.name);
			logger.error("upstream %s refused its API key (HTTP %d): check models[].api_key of %s; cooling it down for 10 minutes", upstream.name, result.status, upstream.name);
		}
		else
		{
			cooldowns.failed(upstream.name);
			logger.warning("upstream %s failed: %s", upstream.name, failure);
		}
		return Attempt::Failed;
	}

	ResponseRelay relay(*session, client, request.socket(), config.readTimeout, [this] { return _gateway.draining(); });
	const ResponseRelay::Outcome outcome = relay.relay(upstreamResponse, response, upstream, [&] {
		if (session->reusable(upstreamResponse)) _gateway.upstreams().release(upstream, std::move(session));
	});
	if (outcome == ResponseRelay::Outcome::UpstreamBroke || outcome == ResponseRelay::Outcome::UpstreamTimedOut)
	{
		_gateway.cooldowns().failed(upstream.name);
		logger.warning("upstream %s broke off a response to %s after it had started", upstream.name, route.clientAddress);
	}
	else _gateway.cooldowns().succeeded(upstream.name);
	if (logger.debug())
		logger.debug("%s %s -> %s: %d in %.1f ms", request.getMethod(), request.getURI(), upstream.name, result.status, start.elapsed() / 1000.0);
	return Attempt::Answered;
}


bool ProxyRequestHandler::exchange(std::unique_ptr<UpstreamSession>& session, const UpstreamConfig& upstream, const GatewayConfig& config,
	Poco::Net::HTTPRequest& upstreamRequest, const std::string& body, const ModelRewriter::Splice& upstreamBody, ClientWatch& client,
	HTTPResponse& upstreamResponse)
{
	for (;;)
	{
		try
		{
			std::ostream& out = session->sendRequest(upstreamRequest);
			upstreamBody.writeTo(out, body);
			out.flush();
			switch (session->waitForData(config.readTimeout, client))
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
			session = _gateway.upstreams().connectFresh(upstream, config);
		}
	}
}


void ProxyRequestHandler::sendExhausted(HTTPServerResponse& response, const Failures& failures, const std::vector<const UpstreamConfig*>& candidates)
{
	std::string tried;
	for (const auto& entry : failures.tried) tried += (tried.empty() ? "" : ", ") + entry;
	if (failures.tried.empty() || failures.allRateLimited)
		return sendAllBusy(response, candidates, tried.empty() ? "" : "; tried: " + tried);
	if (failures.lastTimedOut)
		return ErrorResponse::send(response, HTTPResponse::HTTP_GATEWAY_TIMEOUT, "No upstream answered in time; tried: " + tried + ".", "upstream_error", "upstream_timeout");
	ErrorResponse::send(response, HTTPResponse::HTTP_BAD_GATEWAY, "No upstream could answer; tried: " + tried + ".", "upstream_error", "upstream_unavailable");
}


void ProxyRequestHandler::sendAllBusy(HTTPServerResponse& response, const std::vector<const UpstreamConfig*>& candidates, const std::string& tried)
{
	// The honest wait: until the first of the candidates is free again.
	Poco::Timespan wait = -1;
	std::string names;
	for (const UpstreamConfig* upstream : candidates)
	{
		const Poco::Timespan free = std::max(_gateway.cooldowns().remaining(upstream->name), _gateway.rateLimiter().waitTime(*upstream));
		if (wait < 0 || free < wait) wait = free;
		names += (names.empty() ? "" : ", ") + upstream->name;
	}
	const long seconds = std::max(1L, static_cast<long>((wait.totalMicroseconds() + 999999) / 1000000));
	response.set("Retry-After", std::to_string(seconds));
	ErrorResponse::send(response, HTTPResponse::HTTP_TOO_MANY_REQUESTS, "Every upstream is rate-limited or cooling down (" + names + ")" + tried
		+ "; retry in " + std::to_string(seconds) + " s.", "rate_limit_error", "rate_limited");
}

} // namespace AILoad

//
// MockRequestHandler.cpp
//
// Library: AILoad test support
// Package: Mock
// Module:  MockRequestHandler
//


#include "MockRequestHandler.h"
#include "MockUpstream.h"
#include "ReceivedRequest.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPServerRequestImpl.h"
#include "Poco/StreamCopier.h"
#include <chrono>
#include <sstream>


namespace AILoad {
namespace Test {


namespace {
// Handlers check the stop flag at least this often while they wait.
const Poco::Timespan STOP_CHECK_INTERVAL(0, 50000);


bool endsWith(const std::string& s, const std::string& suffix)
{
	return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}


std::string pathOf(const std::string& uri)
{
	return uri.substr(0, uri.find('?'));
}


Poco::JSON::Object::Ptr newObject()
{
	// Key order as written makes the answers readable and stable for tests.
	return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}


std::string toJSON(const Poco::JSON::Object::Ptr& pObject)
{
	std::ostringstream out;
	pObject->stringify(out);
	return out.str();
}


std::string errorBody(int status)
{
	Poco::JSON::Object::Ptr pError = newObject();
	pError->set("message", "mock error " + std::to_string(status));
	pError->set("type", "mock");
	pError->set("code", std::to_string(status));
	Poco::JSON::Object::Ptr pBody = newObject();
	pBody->set("error", pError);
	return toJSON(pBody);
}
} // namespace


MockRequestHandler::MockRequestHandler(MockUpstream& mock):
	_mock(mock)
{
}


void MockRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	// The raw socket lets the handler notice a client going away while it waits.
	_socket = dynamic_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();

	ReceivedRequest received;
	received.method = request.getMethod();
	received.uri = request.getURI();
	for (const auto& header : request) received.headers.emplace_back(header.first, header.second);
	Poco::StreamCopier::copyToString(request.stream(), received.body);
	received.connectionId = _mock.connectionId(_socket.impl());
	received.receivedAt.update();

	Poco::Dynamic::Var model;
	bool stream = false;
	bool includeUsage = false;
	try
	{
		Poco::JSON::Parser parser;
		Poco::Dynamic::Var parsed = parser.parse(received.body);
		Poco::JSON::Object::Ptr pObject = parsed.extract<Poco::JSON::Object::Ptr>();
		if (pObject)
		{
			model = pObject->get("model");
			Poco::Dynamic::Var streamFlag = pObject->get("stream");
			stream = streamFlag.isBoolean() && streamFlag.extract<bool>();
			if (Poco::JSON::Object::Ptr pOptions = pObject->getObject("stream_options"))
			{
				Poco::Dynamic::Var includeUsageFlag = pOptions->get("include_usage");
				includeUsage = includeUsageFlag.isBoolean() && includeUsageFlag.extract<bool>();
			}
		}
	}
	catch (Poco::Exception&)
	{
		// Not JSON (GET, or a test sending garbage on purpose): answer with a null model.
	}

	const std::string method = received.method;
	const std::string path = pathOf(received.uri);
	const std::string uri = received.uri;
	const MockBehaviour behaviour = _mock.behaviour();

	// Recorded before any delay so tests can see the request while it hangs.
	_mock.recordRequest(std::move(received));

	if (!waitHead(behaviour)) return;

	if (behaviour.status != 200 || !behaviour.body.empty())
	{
		sendPlain(response, behaviour, behaviour.status, behaviour.body.empty() ? errorBody(behaviour.status) : behaviour.body);
	}
	else if (method == Poco::Net::HTTPRequest::HTTP_GET)
	{
		if (endsWith(path, "/models"))
			sendPlain(response, behaviour, 200, modelsBody());
		else
			sendPlain(response, behaviour, 404, errorBody(404));
	}
	else if (method != Poco::Net::HTTPRequest::HTTP_POST)
	{
		sendPlain(response, behaviour, 405, errorBody(405));
	}
	else if (stream)
	{
		sendStream(response, behaviour, model, includeUsage);
	}
	else if (endsWith(path, "/chat/completions"))
	{
		sendPlain(response, behaviour, 200, completionBody(model, behaviour));
	}
	else
	{
		sendPlain(response, behaviour, 200, otherBody(uri, model));
	}
}


MockRequestHandler::WaitResult MockRequestHandler::wait(Poco::Timespan duration, bool forever)
{
	const Poco::Timestamp deadline = Poco::Timestamp() + duration;
	do
	{
		if (_mock.stopping()) return WaitResult::STOPPED;
		Poco::Timespan slice = STOP_CHECK_INTERVAL;
		if (!forever)
		{
			const Poco::Timespan remaining = deadline - Poco::Timestamp();
			slice = std::max(Poco::Timespan(0), std::min(slice, remaining));
		}
		if (peerClosed(slice)) return WaitResult::PEER_CLOSED;
	} while (forever || Poco::Timestamp() < deadline);
	return WaitResult::ELAPSED;
}


bool MockRequestHandler::peerClosed(Poco::Timespan timeout)
{
	try
	{
		if (!_socket.poll(timeout, Poco::Net::Socket::SELECT_READ)) return false;
		// Readable while we are answering: either EOF (or a TLS close_notify), which
		// reads as 0 bytes, or unexpected data, which is dropped so the poll does not spin.
		char buffer[512];
		return _socket.receiveBytes(buffer, sizeof(buffer)) <= 0;
	}
	catch (Poco::Exception&)
	{
		// Reset by peer, or the socket was aborted by stop().
		return true;
	}
}


bool MockRequestHandler::waitHead(const MockBehaviour& behaviour)
{
	if (!behaviour.hang && behaviour.headDelay <= 0) return true;

	const WaitResult result = wait(behaviour.headDelay, behaviour.hang);
	if (result == WaitResult::PEER_CLOSED && !_mock.stopping()) _mock.recordClosedByPeer();
	return result == WaitResult::ELAPSED;
}


void MockRequestHandler::prepare(Poco::Net::HTTPServerResponse& response, const MockBehaviour& behaviour, int status)
{
	response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
	response.set("X-Mock-Name", _mock.name());
	for (const auto& header : behaviour.headers) response.add(header.first, header.second);
}


void MockRequestHandler::sendPlain(Poco::Net::HTTPServerResponse& response, const MockBehaviour& behaviour, int status, const std::string& body)
{
	prepare(response, behaviour, status);
	response.setContentType(behaviour.contentType);
	if (behaviour.chunkedPlain)
		response.setChunkedTransferEncoding(true);
	else
		response.setContentLength(static_cast<std::streamsize>(body.size()));

	std::ostream& out = response.send();
	if (behaviour.breakAfterEvents >= 0)
	{
		out.write(body.data(), static_cast<std::streamsize>(body.size() / 2));
		out.flush();
		MockUpstream::abortSocket(_socket.impl());
		return;
	}
	out.write(body.data(), static_cast<std::streamsize>(body.size()));
	out.flush();
	if (!out && !_mock.stopping()) _mock.recordClosedByPeer();
}


void MockRequestHandler::sendStream(Poco::Net::HTTPServerResponse& response, const MockBehaviour& behaviour, const Poco::Dynamic::Var& model, bool includeUsage)
{
	prepare(response, behaviour, 200);
	response.setContentType("text/event-stream");
	response.set("Cache-Control", "no-cache");
	response.setChunkedTransferEncoding(true);

	const std::string id = completionId(behaviour);
	const Poco::Int64 created = createdTime(behaviour);
	std::ostream& out = response.send();
	for (int i = 0; i <= behaviour.sseEvents; ++i)
	{
		// The first event goes right after the head; a zero wait still notices a closed client.
		const WaitResult result = wait(i == 0 ? Poco::Timespan(0) : behaviour.sseInterval, false);
		if (result == WaitResult::STOPPED) return;
		if (result == WaitResult::PEER_CLOSED)
		{
			if (!_mock.stopping()) _mock.recordClosedByPeer();
			return;
		}
		if (i == behaviour.breakAfterEvents)
		{
			// Shut down the socket so that the chunked terminator POCO writes when the
			// response is destroyed fails: the client sees a truncated stream.
			MockUpstream::abortSocket(_socket.impl());
			return;
		}

		if (i < behaviour.sseEvents)
		{
			Poco::JSON::Object::Ptr pDelta = newObject();
			pDelta->set("content", "tok" + std::to_string(i) + " ");
			Poco::JSON::Object::Ptr pChoice = newObject();
			pChoice->set("index", 0);
			pChoice->set("delta", pDelta);
			pChoice->set("finish_reason", Poco::Dynamic::Var());
			Poco::JSON::Array::Ptr pChoices = new Poco::JSON::Array;
			pChoices->add(pChoice);
			Poco::JSON::Object::Ptr pChunk = newObject();
			pChunk->set("id", id);
			pChunk->set("object", "chat.completion.chunk");
			pChunk->set("created", created);
			pChunk->set("model", model);
			pChunk->set("choices", pChoices);
			if (includeUsage) pChunk->set("usage", Poco::Dynamic::Var());
			out << "data: " << toJSON(pChunk) << "\n\n";
		}
		else
		{
			if (includeUsage)
			{
				Poco::JSON::Object::Ptr pUsage = newObject();
				pUsage->set("prompt_tokens", 5);
				pUsage->set("completion_tokens", behaviour.sseEvents);
				pUsage->set("total_tokens", 5 + behaviour.sseEvents);
				Poco::JSON::Object::Ptr pChunk = newObject();
				pChunk->set("id", id);
				pChunk->set("object", "chat.completion.chunk");
				pChunk->set("created", created);
				pChunk->set("model", model);
				pChunk->set("choices", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
				pChunk->set("usage", pUsage);
				out << "data: " << toJSON(pChunk) << "\n\n";
			}
			out << "data: [DONE]\n\n";
		}
		out.flush();
		if (!out)
		{
			if (!_mock.stopping()) _mock.recordClosedByPeer();
			return;
		}
		_mock.recordEventSent();
	}
}


std::string MockRequestHandler::completionBody(const Poco::Dynamic::Var& model, const MockBehaviour& behaviour)
{
	Poco::JSON::Object::Ptr pMessage = newObject();
	pMessage->set("role", "assistant");
	pMessage->set("content", "Hello from " + _mock.name());
	Poco::JSON::Object::Ptr pChoice = newObject();
	pChoice->set("index", 0);
	pChoice->set("message", pMessage);
	pChoice->set("finish_reason", "stop");
	Poco::JSON::Array::Ptr pChoices = new Poco::JSON::Array;
	pChoices->add(pChoice);
	Poco::JSON::Object::Ptr pUsage = newObject();
	pUsage->set("prompt_tokens", 5);
	pUsage->set("completion_tokens", 4);
	pUsage->set("total_tokens", 9);

	Poco::JSON::Object::Ptr pBody = newObject();
	pBody->set("id", completionId(behaviour));
	pBody->set("object", "chat.completion");
	pBody->set("created", createdTime(behaviour));
	pBody->set("model", model);
	pBody->set("choices", pChoices);
	pBody->set("usage", pUsage);
	return toJSON(pBody);
}


std::string MockRequestHandler::completionId(const MockBehaviour& behaviour)
{
	return behaviour.stableIds ? std::string("chatcmpl-mock") : "chatcmpl-" + std::to_string(_mock.nextCompletionNumber());
}


Poco::Int64 MockRequestHandler::createdTime(const MockBehaviour& behaviour)
{
	return behaviour.stableIds ? 1700000000 : static_cast<Poco::Int64>(Poco::Timestamp().epochTime());
}


std::string MockRequestHandler::otherBody(const std::string& uri, const Poco::Dynamic::Var& model)
{
	Poco::JSON::Object::Ptr pBody = newObject();
	pBody->set("object", "mock");
	pBody->set("path", uri);
	pBody->set("model", model);
	pBody->set("upstream", _mock.name());
	return toJSON(pBody);
}


std::string MockRequestHandler::modelsBody()
{
	Poco::JSON::Array::Ptr pData = new Poco::JSON::Array;
	for (const std::string& id : {std::string("mock-model"), std::string("mock-model-large")})
	{
		Poco::JSON::Object::Ptr pModel = newObject();
		pModel->set("id", id);
		pModel->set("object", "model");
		pModel->set("created", static_cast<Poco::Int64>(0));
		pModel->set("owned_by", _mock.name());
		pData->add(pModel);
	}
	Poco::JSON::Object::Ptr pBody = newObject();
	pBody->set("object", "list");
	pBody->set("data", pData);
	return toJSON(pBody);
}


} // namespace Test
} // namespace AILoad

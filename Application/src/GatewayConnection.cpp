#include "GatewayConnection.h"

#include "ErrorResponse.h"
#include <Poco/Delegate.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/NetException.h>
#include <cerrno>
#include <memory>
#include <poll.h>

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerSession;

namespace AILoad {

namespace {

class ServerSession final: public HTTPServerSession
	/// HTTPServerSession, telling whether a pipelined request already sits in its buffer.
{
public:
	using HTTPServerSession::HTTPServerSession;

	bool nextRequestArrives(Poco::Timespan timeout)
	{
		if (buffered() > 0) return true;
		pollfd client{static_cast<int>(socket().impl()->sockfd()), POLLIN, 0};
		int rc;
		do rc = ::poll(&client, 1, static_cast<int>(timeout.totalMilliseconds()));
		while (rc < 0 && errno == EINTR);
		return rc > 0;  // readable, closed or cut off: reading the head tells which
	}
};


void shutDown(Poco::Net::StreamSocket& socket)
{
	try
	{
		socket.shutdown();
	}
	catch (Poco::Exception&)
	{
	}
}

} // namespace


GatewayConnection::GatewayConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
	GatewayRequestHandlerFactory::Ptr handlers, ClientDeadlines& deadlines):
	TCPServerConnection(socket),
	_params(std::move(params)),
	_handlers(std::move(handlers)),
	_deadlines(deadlines)
{
	_handlers->connectionsStopping += Poco::delegate(this, &GatewayConnection::onStopping);
	_deadlines.expectRequest(socket);
}


GatewayConnection::~GatewayConnection()
{
	_handlers->connectionsStopping -= Poco::delegate(this, &GatewayConnection::onStopping);
	_deadlines.forget(socket());
}


void GatewayConnection::run()
{
	ServerSession session(socket(), _params);
	bool first = true;
	while (!_stopped && session.nextRequestArrives(first ? _params->getTimeout() : _params->getKeepAliveTimeout()))
	{
		first = false;
		Poco::FastMutex::ScopedLock lock(_serving);
		if (_stopped || !serve(session)) break;
	}
}


bool GatewayConnection::serve(HTTPServerSession& session)
{
	Poco::Net::HTTPServerResponseImpl response(session);
	std::unique_ptr<Poco::Net::HTTPServerRequestImpl> request;
	try
	{
		request = std::make_unique<Poco::Net::HTTPServerRequestImpl>(response, session, _params);
	}
	catch (Poco::Net::NoMessageException&)
	{
		return false;  // the client closed the connection between requests
	}
	catch (Poco::Net::MessageException& exc)
	{
		return refuse(session, HTTPResponse::HTTP_BAD_REQUEST, "The request is not valid HTTP/1.1: " + exc.message() + ".", "invalid_request_error", "invalid_http");
	}
	catch (Poco::SyntaxException&)
	{
		return refuse(session, HTTPResponse::HTTP_BAD_REQUEST, "The request's Content-Length is not a number.", "invalid_request_error", "invalid_http");
	}
	catch (Poco::Exception&)
	{
		return false;  // the connection failed or timed out while the head came in
	}
	// POCO takes any "HTTP/x.y" and any signed number.
	const std::string& version = request->getVersion();
	if (version != Poco::Net::HTTPMessage::HTTP_1_1 && version != Poco::Net::HTTPMessage::HTTP_1_0)
		return refuse(session, HTTPResponse::HTTP_VERSION_NOT_SUPPORTED, "The gateway speaks HTTP/1.1 and HTTP/1.0.", "invalid_request_error", "invalid_http");
	if (request->hasContentLength() && request->getContentLength64() < 0)
		return refuse(session, HTTPResponse::HTTP_BAD_REQUEST, "The request's Content-Length is negative.", "invalid_request_error", "invalid_http");

	response.setDate(Poco::Timestamp());
	response.setVersion(request->getVersion());
	response.setKeepAlive(_params->getKeepAlive() && request->getKeepAlive());
	if (!_params->getSoftwareVersion().empty()) response.set("Server", _params->getSoftwareVersion());
	try
	{
		std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(_handlers->createRequestHandler(*request));
		if (request->getExpectContinue() && response.getStatus() == HTTPResponse::HTTP_OK) response.sendContinue();
		handler->handleRequest(*request, response);
	}
	catch (Poco::Exception& exc)
	{
		// The handlers answer every failure they expect; what reaches here is a client
		// connection that broke, or a fault of the gateway's.
		static Poco::Logger& logger = Poco::Logger::get("AILoad.Connection");
		logger.warning("request %s %s failed: %s", request->getMethod(), request->getURI(), exc.displayText());
		if (!response.sent())
			return refuse(session, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "The gateway failed to handle the request.", "server_error", "internal_error");
		return false;
	}
	return response.getKeepAlive();  // set above from the params and the request; a handler may clear it
}


bool GatewayConnection::refuse(HTTPServerSession& session, HTTPResponse::HTTPStatus status, const std::string& message,
	const std::string& type, const std::string& code)
{
	// A response of its own: the one being built may point to a request that failed to construct.
	try
	{
		Poco::Net::HTTPServerResponseImpl response(session);
		response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
		response.setKeepAlive(false);
		ErrorResponse::send(response, status, message, type, code);
	}
	catch (Poco::Exception&)
	{
	}
	return false;
}


void GatewayConnection::onStopping(const bool& abortCurrent)
{
	// Ends the connection: at once when aborting, else once the request being handled is done.
	_stopped = true;
	if (abortCurrent) return shutDown(socket());
	Poco::FastMutex::ScopedLock lock(_serving);
	shutDown(socket());
}

} // namespace AILoad

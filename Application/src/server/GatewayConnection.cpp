#include "GatewayConnection.h"

#include "BusyConnectionFilter.h"
#include "ErrorResponse.h"
#include "FramingError.h"
#include "GatewayRequest.h"
#include "HttpHeadParser.h"
#include <Poco/Delegate.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <memory>

using Poco::Net::HTTPResponse;

namespace AILoad {

namespace {

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


GatewayConnection::GatewayConnection(const Poco::Net::StreamSocket& socket, ConnectionsPerAddress::Ticket ticket, Poco::Net::HTTPServerParams::Ptr params,
	GatewayRequestHandlerFactory::Ptr handlers, ClientDeadlines& deadlines, Poco::Timespan firstByteTimeout):
	TCPServerConnection(socket),
	_ticket(std::move(ticket)),
	_params(std::move(params)),
	_handlers(std::move(handlers)),
	_deadlines(deadlines),
	_firstByteTimeout(firstByteTimeout)
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
	if (!_ticket) return BusyConnectionFilter::refuseTooManyConnections(socket());
	ClientSession session(socket(), _params);
	// A connection that sends nothing soon is closed: idle sockets must not pile up.
	bool first = true;
	while (!_stopped && session.nextRequestArrives(first ? _firstByteTimeout : _params->getKeepAliveTimeout()))
	{
		first = false;
		Poco::FastMutex::ScopedLock lock(_serving);
		if (_stopped || !serve(session)) break;
	}
}


bool GatewayConnection::serve(ClientSession& session)
{
	Poco::Net::HTTPServerResponseImpl response(session);
	std::unique_ptr<GatewayRequest> request;
	try
	{
		const std::string head = HttpHeadParser::readHead([&session] { return session.nextByte(); }, true);
		if (head.empty()) return false;  // the client closed the connection between requests
		request = std::make_unique<GatewayRequest>(session, response, _params, head);
	}
	catch (FramingError& error)
	{
		if (_stopped) return false;  // cut off by a shutdown, not malformed
		// Whatever follows a head that breaks the rules cannot be trusted to be a next
		// request: answer, then close.
		if (error.status() == HTTPResponse::HTTP_VERSION_NOT_SUPPORTED)
			return refuse(session, HTTPResponse::HTTP_VERSION_NOT_SUPPORTED, "The gateway speaks HTTP/1.1 and HTTP/1.0.", "invalid_request_error", "invalid_http");
		if (error.status() == HTTPResponse::HTTP_NOT_IMPLEMENTED)
			return refuse(session, HTTPResponse::HTTP_NOT_IMPLEMENTED, "The request's Transfer-Encoding is not supported: only \"chunked\" is.", "invalid_request_error", "unsupported_transfer_encoding");
		return refuse(session, HTTPResponse::HTTP_BAD_REQUEST, "The request is not valid HTTP/1.1: " + error.message() + ".", "invalid_request_error", "invalid_http");
	}
	catch (Poco::Exception&)
	{
		return false;  // the connection failed or timed out while the head came in
	}

	response.setDate(Poco::Timestamp());
	response.setVersion(request->getVersion());
	response.setKeepAlive(_params->getKeepAlive() && request->getKeepAlive());
	if (!_params->getSoftwareVersion().empty()) response.set("Server", _params->getSoftwareVersion());
	try
	{
		std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(_handlers->createRequestHandler(*request));
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
	// A body left unread would be taken for the next request.
	return response.getKeepAlive() && request->bodyComplete();  // a handler may have cleared keep-alive
}


bool GatewayConnection::refuse(ClientSession& session, HTTPResponse::HTTPStatus status, const std::string& message,
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
	// An abort shuts only the receiving side: every wait of the handler watches it and ends,
	// and the client can still be told that the gateway is shutting down.
	_stopped = true;
	if (abortCurrent)
	{
		try
		{
			socket().shutdownReceive();
		}
		catch (Poco::Exception&)
		{
		}
		return;
	}
	Poco::FastMutex::ScopedLock lock(_serving);
	shutDown(socket());
}

} // namespace AILoad

#include "GatewayConnection.h"

#include <Poco/Delegate.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/NetException.h>
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

} // namespace


GatewayConnection::GatewayConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
	GatewayRequestHandlerFactory::Ptr handlers, ClientDeadlines& deadlines):
	TCPServerConnection(socket),
	_params(std::move(params)),
	_handlers(std::move(handlers)),
	_deadlines(deadlines)
{
	_handlers->connectionsStopping += Poco::delegate(this, &GatewayConnection::onServerStopped);
	_deadlines.expectRequest(socket);
}


GatewayConnection::~GatewayConnection()
{
	_handlers->connectionsStopping -= Poco::delegate(this, &GatewayConnection::onServerStopped);
	_deadlines.forget(socket());
}


void GatewayConnection::run()
{
	ServerSession session(socket(), _params);
	bool first = true;
	while (!_stopped && session.nextRequestArrives(first ? _params->getTimeout() : _params->getKeepAliveTimeout()))
	{
		first = false;
		try
		{
			Poco::FastMutex::ScopedLock lock(_serving);
			if (_stopped) break;
			serve(session);
		}
		catch (Poco::Net::NoMessageException&)
		{
			break;  // the client closed the connection between requests
		}
		catch (Poco::Net::MessageException&)
		{
			sendError(session, HTTPResponse::HTTP_BAD_REQUEST);
		}
		if (!session.getKeepAlive()) break;
	}
}


void GatewayConnection::serve(HTTPServerSession& session)
{
	Poco::Net::HTTPServerResponseImpl response(session);
	Poco::Net::HTTPServerRequestImpl request(response, session, _params);
	response.setDate(Poco::Timestamp());
	response.setVersion(request.getVersion());
	response.setKeepAlive(_params->getKeepAlive() && request.getKeepAlive());
	if (!_params->getSoftwareVersion().empty()) response.set("Server", _params->getSoftwareVersion());
	try
	{
		std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(_handlers->createRequestHandler(request));
		if (request.getExpectContinue() && response.getStatus() == HTTPResponse::HTTP_OK) response.sendContinue();
		handler->handleRequest(request, response);
		session.setKeepAlive(_params->getKeepAlive() && response.getKeepAlive());
	}
	catch (Poco::Exception&)
	{
		if (!response.sent())
		{
			try
			{
				sendError(session, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
			}
			catch (...)
			{
			}
		}
		throw;
	}
}


void GatewayConnection::sendError(HTTPServerSession& session, HTTPResponse::HTTPStatus status)
{
	Poco::Net::HTTPServerResponseImpl response(session);
	response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
	response.setStatusAndReason(status);
	response.setKeepAlive(false);
	response.send();
	session.setKeepAlive(false);
}


void GatewayConnection::onServerStopped(const bool& abortCurrent)
{
	// Ends the connection: at once when aborting, else once the request being handled is done.
	_stopped = true;
	std::unique_ptr<Poco::FastMutex::ScopedLock> lock;
	if (!abortCurrent) lock = std::make_unique<Poco::FastMutex::ScopedLock>(_serving);
	try
	{
		socket().shutdown();
	}
	catch (Poco::Exception&)
	{
	}
}

} // namespace AILoad

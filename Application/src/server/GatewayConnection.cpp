#include "GatewayConnection.h"

#include "BusyConnectionFilter.h"
#include "ErrorResponse.h"
#include "FramingError.h"
#include "GatewayRequest.h"
#include "GatewayResponse.h"
#include "HttpHeadParser.h"
#include "RequestId.h"
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
	GatewayRequestHandlerFactory::Ptr handlers, ClientDeadlines& deadlines, Poco::Timespan firstByteTimeout, RequestLedger& ledger):
	TCPServerConnection(socket),
	_ticket(std::move(ticket)),
	_params(std::move(params)),
	_handlers(std::move(handlers)),
	_deadlines(deadlines),
	_firstByteTimeout(firstByteTimeout),
	_ledger(ledger)
{
	_ledger.connectionOpened();
	_handlers->connectionsStopping += Poco::delegate(this, &GatewayConnection::onStopping);
	_deadlines.expectRequest(socket);
}


GatewayConnection::~GatewayConnection()
{
	_handlers->connectionsStopping -= Poco::delegate(this, &GatewayConnection::onStopping);
	_deadlines.forget(socket());
	_ledger.connectionClosed();
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
	RequestRecord record;
	const Poco::UInt64 sentBefore = session.bytesSent();
	const bool another = answer(session, record);
	if (record.status != 0)  // else the client closed the connection, or broke it, before a request
	{
		record.bytesOut = session.bytesSent() - sentBefore;
		record.durationMicros = record.started.elapsed();
		_ledger.finished(std::move(record));
	}
	return another;
}


bool GatewayConnection::answer(ClientSession& session, RequestRecord& record)
{
	GatewayResponse response(session, record);
	std::unique_ptr<GatewayRequest> request;
	try
	{
		const std::string head = HttpHeadParser::readHead([&session] { return session.nextByte(); }, true);
		if (head.empty()) return false;  // the client closed the connection between requests
		// The request deadline ends when the body is in (ClientDeadlines), at once without one.
		request = std::make_unique<GatewayRequest>(session, response, _params, head, [this] { _deadlines.requestRead(socket()); });
		record.bytesIn = head.size();
	}
	catch (FramingError& error)
	{
		if (_stopped) return false;  // cut off by a shutdown, not malformed
		// Whatever follows a head that breaks the rules cannot be trusted to be a next
		// request: answer, then close.
		if (error.status() == HTTPResponse::HTTP_VERSION_NOT_SUPPORTED)
			return refuse(session, record, ApiError::HttpVersionNotSupported, "The gateway speaks HTTP/1.1 and HTTP/1.0.");
		if (error.status() == HTTPResponse::HTTP_NOT_IMPLEMENTED)
			return refuse(session, record, ApiError::UnsupportedTransferEncoding, "The request's Transfer-Encoding is not supported: only \"chunked\" is.");
		return refuse(session, record, ApiError::InvalidHttp, "The request is not valid HTTP/1.1: " + error.message() + ".");
	}
	catch (Poco::Exception&)
	{
		return false;  // the connection failed or timed out while the head came in
	}

	record.method = request->getMethod();
	record.path = request->getURI().substr(0, request->getURI().find('?'));  // a query may hold a key: never logged
	record.address = request->clientAddress().host().toString();
	record.requestId = RequestId::accept(request->get("X-Request-Id", ""));
	response.set("X-Request-Id", record.requestId);
	response.setDate(Poco::Timestamp());
	response.setVersion(request->getVersion());
	response.setKeepAlive(_params->getKeepAlive() && request->getKeepAlive());
	if (!_params->getSoftwareVersion().empty()) response.set("Server", _params->getSoftwareVersion());
	try
	{
		std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(_handlers->createRequestHandler(*request));
		handler->handleRequest(*request, response);
		_deadlines.expectRequest(socket(), _params->getKeepAliveTimeout());  // the next one
	}
	catch (Poco::Exception& exc)
	{
		// The handlers answer every failure they expect; what reaches here is a client
		// connection that broke, or a fault of the gateway's.
		static Poco::Logger& logger = Poco::Logger::get("AILoad.Connection");
		logger.warning("request %s %s failed: %s", request->getMethod(), request->getURI(), exc.displayText());
		if (!response.sent())
			return refuse(session, record, ApiError::InternalError, "The gateway failed to handle the request.");
		record.status = response.getStatus();
		return false;
	}
	// A client that left before any answer: nginx's 499.
	record.status = response.sent() ? response.getStatus() : 499;
	record.bytesIn += request->bodyBytesRead();
	if (request->bodyComplete()) return response.getKeepAlive();  // a handler may have cleared it
	// A body left unread would be taken for the next request: close. A client that asked for
	// 100-continue and did not get it sends nothing more.
	if (!request->getExpectContinue()) lingerBeforeClose(session);
	return false;
}


void GatewayConnection::lingerBeforeClose(ClientSession& session)
{
	// Closing with unread bytes in the receive queue makes the kernel send a reset, which can
	// destroy the answer before the client has read it. So end the sending side and discard
	// what still comes, for a bounded time and amount (nginx's lingering close).
	try
	{
		Poco::Net::StreamSocket& client = session.socket();
		client.shutdownSend();
		const Poco::Timestamp start;
		std::size_t discarded = 0;
		char buffer[16384];
		while (discarded < 4 * 1024 * 1024 && start.elapsed() < 2000000
			&& client.poll(Poco::Timespan(2, 0) - start.elapsed(), Poco::Net::Socket::SELECT_READ))
		{
			const int n = client.receiveBytes(buffer, sizeof(buffer));
			if (n <= 0) break;
			discarded += static_cast<std::size_t>(n);
		}
	}
	catch (Poco::Exception&)
	{
	}
}


bool GatewayConnection::refuse(ClientSession& session, RequestRecord& record, ApiError::Kind kind, const std::string& message)
{
	record.status = ApiError::status(kind);
	if (record.requestId.empty()) record.requestId = RequestId::generate();
	// A response of its own: the one being built may point to a request that failed to construct.
	try
	{
		GatewayResponse response(session, record);
		response.set("X-Request-Id", record.requestId);
		response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
		response.setKeepAlive(false);
		ErrorResponse::send(response, kind, message);
	}
	catch (Poco::Exception&)
	{
		return false;
	}
	lingerBeforeClose(session);  // what follows the refused head is never read
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

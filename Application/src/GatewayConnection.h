#ifndef AILoad_GatewayConnection_INCLUDED
#define AILoad_GatewayConnection_INCLUDED

#include "ClientDeadlines.h"
#include "GatewayRequestHandlerFactory.h"
#include <Poco/Mutex.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/TCPServerConnection.h>
#include <atomic>

namespace AILoad {

class GatewayConnection final: public Poco::Net::TCPServerConnection
	/// One client connection: its requests, one after the other, each handed to a handler
	/// from the factory. POCO's HTTPServerConnection does the same; this one differs in three
	/// ways:
	/// - a request deadline from the moment the connection is accepted until it closes
	///   (see ClientDeadlines);
	/// - it waits for the next request with one poll(2). POCO 1.11's Socket::poll(), which
	///   HTTPServerSession::hasMoreRequests() uses, creates, fills, waits on and closes an
	///   epoll set each time: four system calls per request instead of one;
	/// - a request head it cannot parse gets an error in the OpenAI shape (POCO's is an
	///   empty 400, and a Content-Length that is not a number got no answer at all).
	/// There is no cap on the requests per connection (HTTPServerParams' maxKeepAliveRequests
	/// is not used).
{
public:
	GatewayConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
		GatewayRequestHandlerFactory::Ptr handlers, ClientDeadlines& deadlines);
	~GatewayConnection() override;

	void run() override;

private:
	bool serve(Poco::Net::HTTPServerSession& session);
		/// Reads one request and answers it; true if the connection can carry another.
	static bool refuse(Poco::Net::HTTPServerSession& session, Poco::Net::HTTPResponse::HTTPStatus status,
		const std::string& message, const std::string& type, const std::string& code);
		/// Answers with an error and Connection: close; false.
	void onStopping(const bool& abortCurrent);

	Poco::Net::HTTPServerParams::Ptr _params;
	GatewayRequestHandlerFactory::Ptr _handlers;
	ClientDeadlines& _deadlines;
	std::atomic<bool> _stopped{false};
	Poco::FastMutex _serving;  /// held while a request is handled: a graceful stop waits for it
};

} // namespace AILoad

#endif

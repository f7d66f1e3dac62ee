#ifndef AILoad_GatewayConnection_INCLUDED
#define AILoad_GatewayConnection_INCLUDED

#include "ApiError.h"
#include "ClientDeadlines.h"
#include "ClientSession.h"
#include "ConnectionsPerAddress.h"
#include "GatewayRequestHandlerFactory.h"
#include "RequestLedger.h"
#include <Poco/Mutex.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnection.h>
#include <atomic>

namespace AILoad {

class GatewayConnection final: public Poco::Net::TCPServerConnection
	/// One client connection: its requests, one after the other, each handed to a handler
	/// from the factory. POCO's HTTPServerConnection does the same; this one differs in three
	/// ways:
	/// - a request deadline from the moment the connection is accepted until it closes
	///   (see ClientDeadlines);
	/// - it waits for the next request with one poll(2) (see ClientSession);
	/// - requests are read strictly (HttpHeadParser, BodyFraming: see docs/reliability.md),
	///   and one that breaks the rules gets an error in the OpenAI shape, then the
	///   connection closes (POCO's parser is lenient, and its 400 is empty).
	/// There is no cap on the requests per connection (HTTPServerParams' maxKeepAliveRequests
	/// is not used).
{
public:
	GatewayConnection(const Poco::Net::StreamSocket& socket, ConnectionsPerAddress::Ticket ticket, Poco::Net::HTTPServerParams::Ptr params,
		GatewayRequestHandlerFactory::Ptr handlers, ClientDeadlines& deadlines, Poco::Timespan firstByteTimeout, RequestLedger& ledger);
		/// Without a ticket (its address holds too many connections), it answers 503
		/// `too_many_connections` and closes.
	~GatewayConnection() override;

	void run() override;

private:
	bool serve(ClientSession& session);
		/// Reads one request, answers it and enters it in the ledger; true if the connection
		/// can carry another.
	bool answer(ClientSession& session, RequestRecord& record);
	static bool refuse(ClientSession& session, RequestRecord& record, ApiError::Kind kind, const std::string& message);
		/// Answers with an error and Connection: close, then lets the client read it; false.
	static void lingerBeforeClose(ClientSession& session);
		/// Lets the client read the answer to a request whose body is left unread.
	void onStopping(const bool& abortCurrent);

	ConnectionsPerAddress::Ticket _ticket;  /// given back when the connection is gone
	Poco::Net::HTTPServerParams::Ptr _params;
	GatewayRequestHandlerFactory::Ptr _handlers;
	ClientDeadlines& _deadlines;
	const Poco::Timespan _firstByteTimeout;
	RequestLedger& _ledger;
	std::atomic<bool> _stopped{false};
	Poco::FastMutex _serving;  /// held while a request is handled: a graceful stop waits for it
};

} // namespace AILoad

#endif

#ifndef AILoad_GatewayConnectionFactory_INCLUDED
#define AILoad_GatewayConnectionFactory_INCLUDED

#include "ClientDeadlines.h"
#include "ConnectionsPerAddress.h"
#include "RequestLedger.h"
#include "GatewayRequestHandlerFactory.h"
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

namespace AILoad {

class GatewayConnectionFactory final: public Poco::Net::TCPServerConnectionFactory
	/// Makes a GatewayConnection for each accepted socket (POCO's HTTPServer would make a
	/// plain HTTPServerConnection: no request deadline, four system calls per keep-alive wait),
	/// counted against its address's connection cap.
{
public:
	GatewayConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, GatewayRequestHandlerFactory::Ptr handlers,
		ClientDeadlines& deadlines, Poco::Timespan sendTimeout, Poco::Timespan firstByteTimeout, ConnectionsPerAddress& perAddress, RequestLedger& ledger);

	Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

private:
	Poco::Net::HTTPServerParams::Ptr _params;
	GatewayRequestHandlerFactory::Ptr _handlers;
	ClientDeadlines& _deadlines;
	Poco::Timespan _sendTimeout;
	Poco::Timespan _firstByteTimeout;
	ConnectionsPerAddress& _perAddress;
	RequestLedger& _ledger;
};

} // namespace AILoad

#endif

#ifndef AILoad_GatewayConnection_INCLUDED
#define AILoad_GatewayConnection_INCLUDED

#include "ClientDeadlines.h"
#include <Poco/Net/HTTPServerConnection.h>

namespace AILoad {

class GatewayConnection final: public Poco::Net::HTTPServerConnection
	/// POCO's HTTP connection, with a request deadline from the moment it is accepted
	/// until it closes (see ClientDeadlines).
{
public:
	GatewayConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
		Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, ClientDeadlines& deadlines);
	~GatewayConnection() override;

private:
	ClientDeadlines& _deadlines;
};

} // namespace AILoad

#endif

#ifndef AILoad_GatewayRequestHandlerFactory_INCLUDED
#define AILoad_GatewayRequestHandlerFactory_INCLUDED

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Timespan.h>

namespace AILoad {

class Gateway;

class GatewayRequestHandlerFactory final: public Poco::Net::HTTPRequestHandlerFactory
	/// Maps method and path to a handler; everything it cannot map gets a clear error.
{
public:
	GatewayRequestHandlerFactory(Gateway& gateway, Poco::Timespan sendTimeout);
	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

private:
	Gateway& _gateway;
	Poco::Timespan _sendTimeout;
};

} // namespace AILoad

#endif

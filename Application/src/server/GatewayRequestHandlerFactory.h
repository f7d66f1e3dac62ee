#ifndef AILoad_GatewayRequestHandlerFactory_INCLUDED
#define AILoad_GatewayRequestHandlerFactory_INCLUDED

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/SharedPtr.h>

namespace AILoad {

class Gateway;

class GatewayRequestHandlerFactory final: public Poco::Net::HTTPRequestHandlerFactory
	/// Maps method and path to a handler; everything it cannot map gets a clear error.
{
public:
	explicit GatewayRequestHandlerFactory(Gateway& gateway);
	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

	using Ptr = Poco::SharedPtr<GatewayRequestHandlerFactory>;

private:
	Gateway& _gateway;
};

} // namespace AILoad

#endif

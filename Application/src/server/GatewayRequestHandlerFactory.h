#ifndef AILoad_GatewayRequestHandlerFactory_INCLUDED
#define AILoad_GatewayRequestHandlerFactory_INCLUDED

#include <Poco/BasicEvent.h>
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

	void stopConnections(bool abortCurrent);
		/// Ends every open client connection: at once, or each after the request it is
		/// serving (what HTTPServer::stopAll() does).

	Poco::BasicEvent<const bool> connectionsStopping;
		/// Fired by stopConnections(); each GatewayConnection listens. (The base class's
		/// serverStopped is open to POCO's own connection class only.)

private:
	Gateway& _gateway;
};

} // namespace AILoad

#endif

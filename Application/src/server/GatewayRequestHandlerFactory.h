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

	static bool runsWithoutWaiting(const Poco::Net::HTTPRequestHandler& handler);
		/// The handler may run on an event loop: it writes little, and what may wait it
		/// leaves to a worker (GatewayResponse::continueOnWorker()). /metrics and the status
		/// pages write more than a socket may take at once: they run on a worker.

private:
	Gateway& _gateway;
};

} // namespace AILoad

#endif

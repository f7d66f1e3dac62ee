#ifndef AILoad_MetricsRequestHandler_INCLUDED
#define AILoad_MetricsRequestHandler_INCLUDED

#include <Poco/Net/HTTPRequestHandler.h>

namespace AILoad {

class Gateway;

class MetricsRequestHandler final: public Poco::Net::HTTPRequestHandler
	/// GET /metrics: the gateway's metrics in the Prometheus text format 0.0.4. Their names
	/// and labels are a contract (docs/observability.md, "Metrics"). Guarded by the admin
	/// token unless settings.metrics_public.
{
public:
	explicit MetricsRequestHandler(Gateway& gateway);

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	Gateway& _gateway;
};

} // namespace AILoad

#endif

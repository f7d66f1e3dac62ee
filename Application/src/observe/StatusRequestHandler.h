#ifndef AILoad_StatusRequestHandler_INCLUDED
#define AILoad_StatusRequestHandler_INCLUDED

#include <Poco/Net/HTTPRequestHandler.h>

namespace AILoad {

class Gateway;

class StatusRequestHandler final: public Poco::Net::HTTPRequestHandler
	/// GET /status.json: what /status shows, for programs (docs/observability.md,
	/// "Status"). Guarded by the admin token.
{
public:
	explicit StatusRequestHandler(Gateway& gateway);

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	Gateway& _gateway;
};

} // namespace AILoad

#endif

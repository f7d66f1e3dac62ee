#ifndef AILoad_HealthRequestHandler_INCLUDED
#define AILoad_HealthRequestHandler_INCLUDED

#include <Poco/Net/HTTPRequestHandler.h>

namespace AILoad {

class Gateway;

class HealthRequestHandler final: public Poco::Net::HTTPRequestHandler
	/// GET /health: {"status":"ok"} for anyone; with the client token, also each
	/// upstream's name, model and state: "up", "disabled", "cooling_down" (with its reason
	/// and seconds_left) or "at_limit" (rpm/rpd reached; seconds_left), as the gateway's
	/// UpstreamRegistry has it. Never a key.
{
public:
	explicit HealthRequestHandler(Gateway& gateway);
	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	Gateway& _gateway;
};

} // namespace AILoad

#endif

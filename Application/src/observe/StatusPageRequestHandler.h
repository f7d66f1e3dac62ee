#ifndef AILoad_StatusPageRequestHandler_INCLUDED
#define AILoad_StatusPageRequestHandler_INCLUDED

#include <Poco/Net/HTTPRequestHandler.h>
#include <string>

namespace AILoad {

class StatusPageRequestHandler final: public Poco::Net::HTTPRequestHandler
	/// GET /status: the status page for a person (docs/observability.md, "Status page"), one
	/// self-contained HTML file built into the binary (StatusPage.html). Open to anyone: the
	/// page holds no data, its script reads /status.json with the admin token it asks for.
{
public:
	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

	static const std::string CONTENT_SECURITY_POLICY;
		/// Inline script and style, and requests to the gateway itself; nothing else, so the
		/// page stays self-contained in any browser and cannot send the token elsewhere.
};

} // namespace AILoad

#endif

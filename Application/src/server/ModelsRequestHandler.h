#ifndef AILoad_ModelsRequestHandler_INCLUDED
#define AILoad_ModelsRequestHandler_INCLUDED

#include <Poco/Net/HTTPRequestHandler.h>

namespace AILoad {

class Gateway;

class ModelsRequestHandler final: public Poco::Net::HTTPRequestHandler
	/// GET /v1/models: every name a client may put in `model`, in OpenAI's list format:
	/// "auto", each group, each model `name` and each upstream `model`.
{
public:
	explicit ModelsRequestHandler(Gateway& gateway);
	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	Gateway& _gateway;
};

} // namespace AILoad

#endif

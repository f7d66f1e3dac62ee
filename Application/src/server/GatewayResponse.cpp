#include "GatewayResponse.h"

namespace AILoad {

GatewayResponse::GatewayResponse(Poco::Net::HTTPServerSession& session, RequestRecord& record):
	HTTPServerResponseImpl(session),
	_record(record)
{
}


GatewayResponse& GatewayResponse::of(Poco::Net::HTTPServerResponse& response)
{
	return dynamic_cast<GatewayResponse&>(response);
}


RequestRecord* GatewayResponse::recordOf(Poco::Net::HTTPServerResponse& response)
{
	auto* ours = dynamic_cast<GatewayResponse*>(&response);
	return ours ? &ours->_record : nullptr;
}


RequestRecord& GatewayResponse::record()
{
	return _record;
}

} // namespace AILoad

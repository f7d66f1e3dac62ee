#ifndef AILoad_GatewayResponse_INCLUDED
#define AILoad_GatewayResponse_INCLUDED

#include "RequestRecord.h"
#include <Poco/Net/HTTPServerResponseImpl.h>

namespace AILoad {

class GatewayResponse final: public Poco::Net::HTTPServerResponseImpl
	/// The answer to one client request, carrying the RequestRecord of that request, so that
	/// whatever answers it (a handler, an error reply) can note what it did there.
{
public:
	GatewayResponse(Poco::Net::HTTPServerSession& session, RequestRecord& record);

	static GatewayResponse& of(Poco::Net::HTTPServerResponse& response);
		/// Every response the gateway's handlers get is a GatewayResponse.

	static RequestRecord* recordOf(Poco::Net::HTTPServerResponse& response);
		/// The record when `response` is a GatewayResponse, else null.

	RequestRecord& record();

private:
	RequestRecord& _record;
};

} // namespace AILoad

#endif

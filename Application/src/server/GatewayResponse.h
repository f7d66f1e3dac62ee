#ifndef AILoad_GatewayResponse_INCLUDED
#define AILoad_GatewayResponse_INCLUDED

#include "RequestRecord.h"
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <memory>
#include <string>

namespace AILoad {

class ResponseRelay;

class GatewayResponse final: public Poco::Net::HTTPServerResponseImpl
	/// The answer to one client request, carrying the RequestRecord of that request, so that
	/// whatever answers it (a handler, an error reply) can note what it did there.
{
public:
	GatewayResponse(Poco::Net::HTTPServerSession& session, RequestRecord& record);
	~GatewayResponse() override;

	static GatewayResponse& of(Poco::Net::HTTPServerResponse& response);
		/// Every response the gateway's handlers get is a GatewayResponse.

	static RequestRecord* recordOf(Poco::Net::HTTPServerResponse& response);
		/// The record when `response` is a GatewayResponse, else null.

	RequestRecord& record();

	std::string takeHead();
		/// The status line and headers as they go on the wire, for a caller that writes the
		/// body itself (ResponseRelay); the response counts as sent from then on.

	bool sent() const override;

	void handOver(std::unique_ptr<ResponseRelay> relay);
		/// The rest of the answer is the relay's: the connection's event loop carries it on
		/// once the handler has returned (GatewayConnection).
	std::unique_ptr<ResponseRelay> takeRelay();

private:
	RequestRecord& _record;
	bool _headTaken = false;
	std::unique_ptr<ResponseRelay> _relay;
};

} // namespace AILoad

#endif

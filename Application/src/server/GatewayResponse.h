#ifndef AILoad_GatewayResponse_INCLUDED
#define AILoad_GatewayResponse_INCLUDED

#include "RequestRecord.h"
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Timespan.h>
#include <functional>
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

	enum class Wait { Ready, TimedOut, ClientGone };
	using Resume = std::function<void(Wait)>;

	void waitForUpstream(int fd, Poco::Timespan timeout, Resume resume);
		/// The handler waits for the upstream's socket to become readable: it returns, the
		/// connection's event loop waits (also watching the client), and `resume` is then
		/// called on a worker, once, with why the wait ended (GatewayConnection). Where the
		/// handler waited for an upstream's answer with a thread of its own, it now says this.
	bool waiting() const;
	int waitFd() const;
	Poco::Timespan waitTimeout() const;
	Resume takeResume();

private:
	RequestRecord& _record;
	bool _headTaken = false;
	std::unique_ptr<ResponseRelay> _relay;
	int _waitFd = -1;
	Poco::Timespan _waitTimeout;
	Resume _resume;
};

} // namespace AILoad

#endif

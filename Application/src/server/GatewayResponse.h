#ifndef AILoad_GatewayResponse_INCLUDED
#define AILoad_GatewayResponse_INCLUDED

#include "RequestRecord.h"
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Timespan.h>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace AILoad {

class GatewayRequest;
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

	void answers(const GatewayRequest& request);
	bool bodyUnread() const;
		/// The request's body has not been read to its end: the connection closes after
		/// this answer, which should say so (ErrorResponse).

	std::string takeHead(std::string_view moreFields = {});
		/// The status line and headers as they go on the wire, for a caller that writes the
		/// body itself (ResponseRelay), `moreFields` ("Name: value\r\n" lines) after this
		/// response's own; the response counts as sent from then on.

	bool sent() const override;

	void handOver(std::unique_ptr<ResponseRelay> relay);
		/// The rest of the answer is the relay's: the connection's event loop carries it on
		/// once the handler has returned (GatewayConnection).
	std::unique_ptr<ResponseRelay> takeRelay();

	enum class Wait
	{
		Ready,
		TimedOut,
		ClientGone
	};
	using Resume = std::function<void(Wait)>;

	void waitForUpstream(int fd, Poco::Timespan timeout, Resume resume);
		/// The handler waits for the upstream's socket to become readable: it returns, the
		/// connection's event loop waits (also watching the client), and `resume` is then
		/// called on a worker, once, with why the wait ended (GatewayConnection). Where the
		/// handler waited for an upstream's answer with a thread of its own, it now says this.
	void continueOnWorker(Resume resume);
		/// The handler must next do what may take a while (connect to an upstream, read an
		/// error body): it returns, and `resume` runs on a worker thread.

	void setOnLoop(bool onLoop);
	bool onLoop() const;
		/// The handler runs on the connection's event loop: it must not wait for anything,
		/// and continues on a worker (continueOnWorker()) before it would.

	bool waiting() const;
	int waitFd() const;
		/// -1 for continueOnWorker().
	Poco::Timespan waitTimeout() const;
	Resume takeResume();

private:
	RequestRecord& _record;
	const GatewayRequest* _request = nullptr;
	bool _headTaken = false;
	std::unique_ptr<ResponseRelay> _relay;
	int _waitFd = -1;
	Poco::Timespan _waitTimeout;
	Resume _resume;
	bool _onLoop = false;
};

} // namespace AILoad

#endif

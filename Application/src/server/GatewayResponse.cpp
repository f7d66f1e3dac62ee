#include "GatewayResponse.h"

#include "GatewayRequest.h"
#include "HttpHeadParser.h"
#include "ResponseRelay.h"

namespace AILoad {

GatewayResponse::GatewayResponse(Poco::Net::HTTPServerSession& session, RequestRecord& record):
	HTTPServerResponseImpl(session),
	_record(record)
{
	HttpHeadParser::takeFieldStorage(*this); // every response gets fields: no vector grown per response
}


GatewayResponse::~GatewayResponse()
{
	HttpHeadParser::giveFieldStorageBack(*this);
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


void GatewayResponse::answers(const GatewayRequest& request)
{
	_request = &request;
}


bool GatewayResponse::bodyUnread() const
{
	return _request && !_request->bodyComplete();
}


std::string GatewayResponse::takeHead(std::string_view moreFields)
{
	// What HTTPResponse::write() writes, without an ostream.
	std::string head;
	head.reserve(512 + moreFields.size());
	head.append(getVersion()).append(1, ' ').append(std::to_string(static_cast<int>(getStatus()))).append(1, ' ').append(getReason()).append("\r\n");
	for (const auto& field : *this) head.append(field.first).append(": ").append(field.second).append("\r\n");
	head.append(moreFields).append("\r\n");
	_headTaken = true;
	return head;
}


bool GatewayResponse::sent() const
{
	return _headTaken || HTTPServerResponseImpl::sent();
}

} // namespace AILoad


namespace AILoad {

void GatewayResponse::handOver(std::unique_ptr<ResponseRelay> relay)
{
	_relay = std::move(relay);
}


std::unique_ptr<ResponseRelay> GatewayResponse::takeRelay()
{
	return std::move(_relay);
}


void GatewayResponse::waitForUpstream(int fd, Poco::Timespan timeout, Resume resume)
{
	_waitFd = fd;
	_waitTimeout = timeout;
	_resume = std::move(resume);
}


void GatewayResponse::continueOnWorker(Resume resume)
{
	_waitFd = -1;
	_resume = std::move(resume);
}


void GatewayResponse::setOnLoop(bool onLoop)
{
	_onLoop = onLoop;
}


bool GatewayResponse::onLoop() const
{
	return _onLoop;
}


bool GatewayResponse::waiting() const
{
	return static_cast<bool>(_resume);
}


int GatewayResponse::waitFd() const
{
	return _waitFd;
}


Poco::Timespan GatewayResponse::waitTimeout() const
{
	return _waitTimeout;
}


GatewayResponse::Resume GatewayResponse::takeResume()
{
	Resume resume = std::move(_resume);
	_resume = nullptr;
	_waitFd = -1;
	return resume;
}

} // namespace AILoad

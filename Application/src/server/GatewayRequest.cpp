#include "GatewayRequest.h"

#include "HttpHeadParser.h"

namespace AILoad {

GatewayRequest::GatewayRequest(ClientSession& session, Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPServerParams::Ptr params,
	std::string_view head, std::function<void()> bodyRead):
	_session(session),
	_response(response),
	_params(std::move(params)),
	_clientAddress(session.clientAddress()),
	_serverAddress(session.serverAddress()),
	_framing(parse(head, *this)), // the base is built by now; the body needs its framing
	_body(session, _framing, std::move(bodyRead)),
	_stream(&_body)
{
}


GatewayRequest::~GatewayRequest()
{
	HttpHeadParser::giveFieldStorageBack(*this);
}


BodyFraming GatewayRequest::parse(std::string_view head, GatewayRequest& request)
{
	HttpHeadParser::parseRequest(head, request);
	return BodyFraming::ofRequest(request);
}


GatewayRequest& GatewayRequest::of(Poco::Net::HTTPServerRequest& request)
{
	return static_cast<GatewayRequest&>(request);
}


std::istream& GatewayRequest::stream()
{
	return _stream;
}


const Poco::Net::SocketAddress& GatewayRequest::clientAddress() const
{
	return _clientAddress;
}


const std::string& GatewayRequest::clientHost() const
{
	return _session.clientHost();
}


const Poco::Net::SocketAddress& GatewayRequest::serverAddress() const
{
	return _serverAddress;
}


const Poco::Net::HTTPServerParams& GatewayRequest::serverParams() const
{
	return *_params;
}


Poco::Net::HTTPServerResponse& GatewayRequest::response() const
{
	return _response;
}


bool GatewayRequest::secure() const
{
	return false;
}


ClientSession& GatewayRequest::session()
{
	return _session;
}


Poco::Net::StreamSocket& GatewayRequest::socket()
{
	return _session.socket();
}


const BodyFraming& GatewayRequest::framing() const
{
	return _framing;
}


bool GatewayRequest::bodyComplete() const
{
	return _body.complete();
}


const std::string& GatewayRequest::bodyError() const
{
	return _body.error();
}


bool GatewayRequest::bodyMalformed() const
{
	return _body.malformed();
}


Poco::UInt64 GatewayRequest::bodyBytesRead() const
{
	return _body.bytesRead();
}

} // namespace AILoad

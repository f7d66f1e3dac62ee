#ifndef AILoad_GatewayRequest_INCLUDED
#define AILoad_GatewayRequest_INCLUDED

#include "ClientSession.h"
#include "RequestBody.h"
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <istream>
#include <string_view>

namespace AILoad {

class GatewayRequest final: public Poco::Net::HTTPServerRequest
	/// A client's request as the handlers see it: its head parsed strictly by HttpHeadParser,
	/// its body delimited by BodyFraming, and the connection it came on. Handlers reach the
	/// parts POCO's interface lacks (the socket, whether the body was read) through of().
	///
	/// POCO's HTTPServerResponseImpl::sendBuffer() writes no body for a response whose request
	/// is not POCO's own HTTPServerRequestImpl: write bodies through send().
{
public:
	GatewayRequest(ClientSession& session, Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPServerParams::Ptr params,
		std::string_view head, std::function<void()> bodyRead);
		/// Throws FramingError for a head or a framing that breaks the rules. `bodyRead` is
		/// called once the body has been read to its end, at once when there is none.

	~GatewayRequest() override;

	static GatewayRequest& of(Poco::Net::HTTPServerRequest& request);
		/// Every request the gateway's handlers get is a GatewayRequest.

	std::istream& stream() override;
	const Poco::Net::SocketAddress& clientAddress() const override;
	const Poco::Net::SocketAddress& serverAddress() const override;
	const std::string& clientHost() const;
		/// The client's address as text, made once per connection (ClientAddress::textOf).
	const Poco::Net::HTTPServerParams& serverParams() const override;
	Poco::Net::HTTPServerResponse& response() const override;
	bool secure() const override;

	Poco::Net::StreamSocket& socket();
	ClientSession& session();

	const BodyFraming& framing() const;
	bool bodyComplete() const;
		/// The body was read to its end (trivially so when there is none).
	const std::string& bodyError() const;
		/// Why reading the body stopped early, or "".
	bool bodyMalformed() const;
		/// The body broke the framing rules.
	Poco::UInt64 bodyBytesRead() const;

private:
	static BodyFraming parse(std::string_view head, GatewayRequest& request);

	ClientSession& _session;
	Poco::Net::HTTPServerResponse& _response;
	Poco::Net::HTTPServerParams::Ptr _params;
	const Poco::Net::SocketAddress _clientAddress;
	const Poco::Net::SocketAddress _serverAddress;
	const BodyFraming _framing;
	RequestBody _body;
	std::istream _stream;
};

} // namespace AILoad

#endif

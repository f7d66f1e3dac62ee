#include "TestClient.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

namespace AILoad {
namespace Test {

std::string HttpAnswer::header(const std::string& name) const
{
	for (const auto& header : headers)
	{
		if (Poco::icompare(header.first, name) == 0) return header.second;
	}
	return "";
}


bool HttpAnswer::hasHeader(const std::string& name) const
{
	for (const auto& header : headers)
	{
		if (Poco::icompare(header.first, name) == 0) return true;
	}
	return false;
}


TestClient::TestClient(Poco::UInt16 port, std::string token):
	_port(port),
	_token(std::move(token)),
	_timeout(30, 0)
{
}


void TestClient::setTimeout(Poco::Timespan timeout)
{
	_timeout = timeout;
}


HttpAnswer TestClient::post(const std::string& path, const std::string& body, const Headers& headers) const
{
	return send(Poco::Net::HTTPRequest::HTTP_POST, path, body, headers);
}


HttpAnswer TestClient::get(const std::string& path, const Headers& headers) const
{
	return send(Poco::Net::HTTPRequest::HTTP_GET, path, "", headers);
}


HttpAnswer TestClient::send(const std::string& method, const std::string& path, const std::string& body, const Headers& headers) const
{
	Poco::Net::HTTPClientSession session("127.0.0.1", _port);
	session.setTimeout(_timeout);
	return send(session, method, path, body, headers);
}


HttpAnswer TestClient::send(Poco::Net::HTTPClientSession& session, const std::string& method, const std::string& path, const std::string& body, const Headers& headers) const
{
	Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
	bool hasAuthorization = false;
	for (const auto& header : headers)
	{
		request.add(header.first, header.second);
		hasAuthorization = hasAuthorization || Poco::icompare(header.first, "Authorization") == 0;
	}
	if (!_token.empty() && !hasAuthorization) request.set("Authorization", "Bearer " + _token);
	if (method == Poco::Net::HTTPRequest::HTTP_POST)
	{
		if (!request.has("Content-Type")) request.setContentType("application/json");
		request.setContentLength(static_cast<std::streamsize>(body.size()));
	}
	session.sendRequest(request) << body;
	Poco::Net::HTTPResponse response;
	std::istream& in = session.receiveResponse(response);
	HttpAnswer answer;
	answer.status = response.getStatus();
	for (const auto& header : response) answer.headers.push_back(header);
	Poco::StreamCopier::copyToString(in, answer.body);
	return answer;
}


std::vector<TimedPiece> TestClient::raw(const std::string& bytes, Poco::Timespan timeout) const
{
	Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", _port));
	socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
	std::vector<TimedPiece> pieces;
	const Poco::Timestamp start;
	std::string piece;
	while (receiveSome(socket, piece, timeout - start.elapsed()) > 0)
	{
		pieces.push_back({Poco::Timestamp(), piece});
		piece.clear();
	}
	return pieces;
}


std::string TestClient::rawRequest(const std::string& path, const std::string& body, const Headers& headers) const
{
	std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n";
	if (!_token.empty()) request += "Authorization: Bearer " + _token + "\r\n";
	for (const auto& header : headers) request += header.first + ": " + header.second + "\r\n";
	request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
	return request;
}


std::string TestClient::joined(const std::vector<TimedPiece>& pieces)
{
	std::string all;
	for (const auto& piece : pieces) all += piece.bytes;
	return all;
}

int TestClient::receiveSome(Poco::Net::StreamSocket& socket, std::string& received, Poco::Timespan timeout)
{
	if (timeout <= 0 || !socket.poll(timeout, Poco::Net::Socket::SELECT_READ)) return -1;
	char buffer[65536];
	int n = 0;
	try
	{
		n = socket.receiveBytes(buffer, sizeof(buffer));
	}
	catch (Poco::Exception&)
	{
		return 0; // reset by the peer
	}
	if (n > 0) received.append(buffer, static_cast<std::size_t>(n));
	return n < 0 ? 0 : n;
}


std::string TestClient::readToEnd(Poco::Net::StreamSocket& socket, Poco::Timespan timeout, bool& closed)
{
	std::string received;
	const Poco::Timestamp start;
	int n = 0;
	while ((n = receiveSome(socket, received, timeout - start.elapsed())) > 0)
	{
	}
	closed = n == 0;
	return received;
}


bool TestClient::receiveUntil(Poco::Net::StreamSocket& socket, const std::string& marker, std::string& received, Poco::Timespan timeout)
{
	const Poco::Timestamp start;
	while (received.find(marker) == std::string::npos)
	{
		if (receiveSome(socket, received, timeout - start.elapsed()) <= 0) return false;
	}
	return true;
}

} // namespace Test
} // namespace AILoad

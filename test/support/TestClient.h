#ifndef AILoad_Test_TestClient_INCLUDED
#define AILoad_Test_TestClient_INCLUDED

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <Poco/Types.h>
#include <string>
#include <utility>
#include <vector>

namespace AILoad {
namespace Test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpAnswer
	/// What a client received: status, headers as sent, and the whole body.
{
	int status = 0;
	Headers headers;
	std::string body;

	std::string header(const std::string& name) const;
		/// Case-insensitive; "" when absent.
	bool hasHeader(const std::string& name) const;
};

struct TimedPiece
	/// Bytes as they arrived on a raw connection, and when.
{
	Poco::Timestamp at;
	std::string bytes;
};

class TestClient
	/// An HTTP client for the tests, each request on a fresh connection to 127.0.0.1.
	/// With a token, it sends `Authorization: Bearer <token>` unless the headers carry one.
{
public:
	explicit TestClient(Poco::UInt16 port, std::string token = "");

	void setTimeout(Poco::Timespan timeout);
		/// How long a request may wait for the server (30 s unless set).

	HttpAnswer post(const std::string& path, const std::string& body, const Headers& headers = {}) const;
	HttpAnswer get(const std::string& path, const Headers& headers = {}) const;
	HttpAnswer send(const std::string& method, const std::string& path, const std::string& body, const Headers& headers) const;
	HttpAnswer send(Poco::Net::HTTPClientSession& session, const std::string& method, const std::string& path, const std::string& body, const Headers& headers = {}) const;
		/// On a session the caller keeps, so that requests can share one keep-alive connection.

	std::vector<TimedPiece> raw(const std::string& bytes, Poco::Timespan timeout) const;
		/// Sends the bytes as they are and records everything that comes back until the
		/// server closes the connection or `timeout` passes.

	std::string rawRequest(const std::string& path, const std::string& body, const Headers& headers = {}) const;
		/// The bytes of a POST with Content-Length, Connection: close and the token.

	static std::string joined(const std::vector<TimedPiece>& pieces);

	static int receiveSome(Poco::Net::StreamSocket& socket, std::string& received, Poco::Timespan timeout);
		/// Waits up to `timeout` for bytes and appends what arrived to `received`: their
		/// number, 0 if the peer closed or reset the connection, -1 if nothing came in time.

	static std::string readToEnd(Poco::Net::StreamSocket& socket, Poco::Timespan timeout, bool& closed);
		/// Everything the server sends until it closes the connection (closed) or the time is up.

	static bool receiveUntil(Poco::Net::StreamSocket& socket, const std::string& marker, std::string& received, Poco::Timespan timeout);
		/// Appends what arrives to `received` until it holds `marker` (true), or the peer
		/// closes, fails or the time is up (false).

private:
	Poco::UInt16 _port;
	std::string _token;
	Poco::Timespan _timeout;
};

} // namespace Test
} // namespace AILoad

#endif

#ifndef AILoad_Test_TestClient_INCLUDED
#define AILoad_Test_TestClient_INCLUDED

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

	HttpAnswer post(const std::string& path, const std::string& body, const Headers& headers = {}) const;
	HttpAnswer get(const std::string& path, const Headers& headers = {}) const;
	HttpAnswer send(const std::string& method, const std::string& path, const std::string& body, const Headers& headers) const;

	std::vector<TimedPiece> raw(const std::string& bytes, Poco::Timespan timeout) const;
		/// Sends the bytes as they are and records everything that comes back until the
		/// server closes the connection or `timeout` passes.

	std::string rawRequest(const std::string& path, const std::string& body, const Headers& headers = {}) const;
		/// The bytes of a POST with Content-Length, Connection: close and the token.

	static std::string joined(const std::vector<TimedPiece>& pieces);

	static bool receiveUntil(Poco::Net::StreamSocket& socket, const std::string& marker, std::string& received, Poco::Timespan timeout);
		/// Appends what arrives to `received` until it holds `marker` (true), or the peer
		/// closes, fails or the time is up (false).

private:
	Poco::UInt16 _port;
	std::string _token;
};

} } // namespace AILoad::Test

#endif

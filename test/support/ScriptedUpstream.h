#ifndef AILoad_Test_ScriptedUpstream_INCLUDED
#define AILoad_Test_ScriptedUpstream_INCLUDED

#include "TestClient.h"
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace AILoad {
namespace Test {

struct ScriptedRequest
	/// One request as a ScriptedUpstream read it.
{
	std::string method;
	std::string target;
	std::string head;
		/// The raw bytes of the head, the final CRLFCRLF included.
	Headers headers;
		/// In received order; values without the whitespace around them.
	std::string body;
		/// By Content-Length, or de-chunked.
	std::size_t connection = 0;
		/// Number of the TCP connection that carried it: 1, 2, ... in accepting order.
	std::size_t number = 0;
		/// 1 for the first request the upstream received, 2 for the next, ...

	std::string header(const std::string& name) const;
		/// The first header of that name (case-insensitive); "" when absent.
};

struct ScriptedReply
	/// The raw bytes a ScriptedUpstream answers with, and what it does after writing them.
{
	enum Then
	{
		KEEP_OPEN, /// read the next request from the connection
		CLOSE, /// close the connection
		HANG /// send nothing more and read nothing, until the upstream is destroyed
	};

	ScriptedReply(std::string bytes = "", Then then = KEEP_OPEN);

	std::string bytes;
	Then then;
	std::size_t pauseAfter = 0; /// > 0: write that many bytes first, then pause, then the rest
	Poco::Timespan pause;
};

class ScriptedUpstream
	/// A plain TCP server on 127.0.0.1 and an ephemeral port that answers each request
	/// with the bytes its script gives, however malformed: for tests of how the gateway
	/// reads an upstream's answer. A thread per accepted connection reads each request (body by
	/// Content-Length or chunked), records it and calls the script, which must therefore allow
	/// calls from several threads.
{
public:
	using Script = std::function<ScriptedReply(const ScriptedRequest&)>;

	explicit ScriptedUpstream(Script script);
		/// Listens and serves at once.

	~ScriptedUpstream();
		/// Stops listening, cuts every connection (hanging ones too) and joins the threads.

	ScriptedUpstream(const ScriptedUpstream&) = delete;
	ScriptedUpstream& operator=(const ScriptedUpstream&) = delete;

	std::string apiBase() const;
		/// "http://127.0.0.1:PORT/v1".

	std::vector<ScriptedRequest> received() const;
		/// Every request read so far, in order.

	std::size_t connectionsAccepted() const;
		/// How many TCP connections were accepted: a number that grows tells a new connection.

private:
	void accept();
	void serve(Poco::Net::StreamSocket socket, std::size_t connection);
	bool readRequest(Poco::Net::StreamSocket& socket, std::string& buffer, ScriptedRequest& request);

	Poco::Net::ServerSocket _listener;
	const Script _script;
	std::atomic<bool> _stopping{false};
	std::thread _acceptor;

	// Guards what follows; _stopping is set under it too, and _stopped wakes the hanging connections.
	mutable std::mutex _mutex;
	std::condition_variable _stopped;
	std::vector<ScriptedRequest> _received;
	std::size_t _accepted = 0;
	std::map<std::size_t, Poco::Net::StreamSocket> _open;
	std::vector<std::thread> _connections;
};

} // namespace Test
} // namespace AILoad

#endif

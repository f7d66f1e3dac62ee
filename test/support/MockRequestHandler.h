//
// MockRequestHandler.h
//
// Library: AILoad test support
// Package: Mock
// Module:  MockRequestHandler
//
// Definition of the MockRequestHandler class.
//


#ifndef AILoad_Test_MockRequestHandler_INCLUDED
#define AILoad_Test_MockRequestHandler_INCLUDED


#include "MockBehaviour.h"
#include "Poco/Dynamic/Var.h"
#include "Poco/Net/HTTPRequestHandler.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/Net/HTTPServerResponse.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/Timespan.h"
#include "Poco/Types.h"
#include <string>


namespace AILoad {
namespace Test {


class MockUpstream;


class MockRequestHandler: public Poco::Net::HTTPRequestHandler
	/// Records one request and answers it according to the mock's behaviour.
{
public:
	explicit MockRequestHandler(MockUpstream& mock);
		/// Creates the handler.

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
		/// Records the request, then answers it.

private:
	enum class WaitResult
		/// How a wait() ended.
	{
		ELAPSED,
		PEER_CLOSED,
		STOPPED
	};

	WaitResult wait(Poco::Timespan duration, bool forever);
		/// Waits while watching the client's socket and the mock's stop flag.

	bool peerClosed(Poco::Timespan timeout);
		/// Returns true if the client closed its connection (checked for up to timeout).

	bool waitHead(const MockBehaviour& behaviour);
		/// Handles hang and headDelay. Returns false if the answer must not be sent.

	void prepare(Poco::Net::HTTPServerResponse& response, const MockBehaviour& behaviour, int status);
		/// Sets status and the common headers.

	void sendPlain(Poco::Net::HTTPServerResponse& response, const MockBehaviour& behaviour, int status, const std::string& body);
		/// Sends a JSON answer, chunked or with Content-Length, possibly truncated.

	void sendStream(Poco::Net::HTTPServerResponse& response, const MockBehaviour& behaviour, const Poco::Dynamic::Var& model, bool includeUsage);
		/// Sends SSE chat completion chunks. With includeUsage (the request's
		/// stream_options.include_usage), as OpenAI does: every chunk ends with "usage":null,
		/// and a last chunk with empty choices and the usage (5 prompt tokens, one completion
		/// token a content chunk) comes before [DONE], in the same write.

	std::string completionBody(const Poco::Dynamic::Var& model, const MockBehaviour& behaviour);
		/// Returns an OpenAI chat.completion.

	std::string completionId(const MockBehaviour& behaviour);
		/// Returns the id of the next completion: "chatcmpl-<n>", or a fixed one (stableIds).

	static Poco::Int64 createdTime(const MockBehaviour& behaviour);
		/// Returns the created time of a completion: now, or a fixed one (stableIds).

	std::string otherBody(const std::string& uri, const Poco::Dynamic::Var& model);
		/// Returns the answer for POST paths other than chat completions.

	std::string modelsBody();
		/// Returns an OpenAI model list.

	MockUpstream& _mock;
	Poco::Net::StreamSocket _socket;
};


} // namespace Test
} // namespace AILoad


#endif // AILoad_Test_MockRequestHandler_INCLUDED

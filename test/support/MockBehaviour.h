//
// MockBehaviour.h
//
// Library: AILoad test support
// Package: Mock
// Module:  MockBehaviour
//
// Definition of the MockBehaviour struct.
//


#ifndef AILoad_Test_MockBehaviour_INCLUDED
#define AILoad_Test_MockBehaviour_INCLUDED


#include "Poco/Timespan.h"
#include <string>
#include <utility>
#include <vector>


namespace AILoad {
namespace Test {


struct MockBehaviour
	/// How the MockUpstream answers the requests it receives from now on.
	/// A copy is taken when a request arrives, so changing it does not affect
	/// requests already being answered.
{
	int status = 200;
		/// Status of the answer.

	std::string body;
		/// If non-empty, sent verbatim (Content-Type application/json) instead of
		/// the generated answer, also for "stream": true requests.

	std::string contentType = "application/json";
		/// Of `body` (e.g. text/event-stream for a stream written out in `body`).

	std::vector<std::pair<std::string, std::string>> headers;
		/// Extra response headers added to every answer (e.g. Retry-After).

	Poco::Timespan headDelay = 0;
		/// Wait before sending the response head (the peer is watched meanwhile).

	bool hang = false;
		/// Never answer, until the client goes away or the mock stops.

	int sseEvents = 3;
		/// Number of content events for "stream": true requests, followed by "data: [DONE]".

	Poco::Timespan sseInterval = 0;
		/// Delay between two consecutive SSE events, [DONE] included. The first
		/// event is sent right after the head.

	int breakAfterEvents = -1;
		/// >= 0: after that many content events, drop the connection abruptly
		/// (no [DONE], no chunked terminator). For a plain answer: send the head
		/// and half of the body, then drop.

	bool chunkedPlain = false;
		/// Plain (non-stream) answer with chunked transfer encoding instead of Content-Length.

	bool stableIds = false;
		/// Every answer has the id "chatcmpl-mock" and the created time 1700000000, so that
		/// two answers to the same request are the same byte for byte.
};


} // namespace Test
} // namespace AILoad


#endif // AILoad_Test_MockBehaviour_INCLUDED

#ifndef AILoad_UpstreamAttempt_INCLUDED
#define AILoad_UpstreamAttempt_INCLUDED

#include "AttemptOutcome.h"
#include "FirstEvent.h"
#include "ModelRewriter.h"
#include "UpstreamConfig.h"
#include "UpstreamSession.h"
#include "UpstreamState.h"
#include "AILoad/AttemptResult.h"
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timestamp.h>
#include <memory>
#include <string>

namespace AILoad {

struct UpstreamAttempt
	/// One try of a request at one upstream (ProxyRequestHandler), kept while the event loop
	/// waits for the upstream's answer.
{
	const UpstreamConfig* upstream = nullptr;
	UpstreamState::Ptr state; /// the upstream's, looked up once for the attempt
	std::unique_ptr<UpstreamSession> session;
	std::string head; /// the request line and header fields sent, less Host (UpstreamSession::headOf), kept for a resend on a fresh connection
	bool hostSet = false; /// a model's headers set Host
	bool keepAlive = true; /// unless a model's headers say Connection: close
	ModelRewriter::Splice body;
	Poco::Timestamp start; /// when the request went out
	Poco::Net::HTTPResponse response; /// the answer's head
	bool eventStream = false; /// the answer is text/event-stream
	AttemptResult result; /// what the strategies are told
	FirstEvent::Result first; /// of an event stream, what was read before the head goes to the client
	std::string failure; /// why it failed, for the log and the client's error
	AttemptOutcome outcome = AttemptOutcome::Ok;

	~UpstreamAttempt();
		/// Gives the answer head's field storage back (HttpHeadParser::giveFieldStorageBack).
};

} // namespace AILoad

#endif

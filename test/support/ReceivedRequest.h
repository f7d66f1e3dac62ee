//
// ReceivedRequest.h
//
// Library: AILoad test support
// Package: Mock
// Module:  ReceivedRequest
//
// Definition of the ReceivedRequest struct.
//


#ifndef AILoad_Test_ReceivedRequest_INCLUDED
#define AILoad_Test_ReceivedRequest_INCLUDED


#include "Poco/Timestamp.h"
#include <cstddef>
#include <string>
#include <utility>
#include <vector>


namespace AILoad {
namespace Test {


struct ReceivedRequest
	/// One request as the MockUpstream received it.
{
	std::string method;
	std::string uri;
		/// Path and query as received.
	std::vector<std::pair<std::string, std::string>> headers;
		/// In received order, names and values as received.
	std::string body;
		/// Raw body bytes.
	std::size_t connectionId = 0;
		/// Number of the TCP connection that carried it (1, 2, ... per mock), to check connection reuse.
	Poco::Timestamp receivedAt;
		/// When the body had been read completely.

	std::string header(const std::string& name) const;
		/// Returns the first header with that name (case-insensitive), or "" when absent.

	bool hasHeader(const std::string& name) const;
		/// Returns true if a header with that name (case-insensitive) was received.
};


} // namespace Test
} // namespace AILoad


#endif // AILoad_Test_ReceivedRequest_INCLUDED

//
// MockConnection.h
//
// Library: AILoad test support
// Package: Mock
// Module:  MockConnection
//
// Definition of the MockConnection class.
//


#ifndef AILoad_Test_MockConnection_INCLUDED
#define AILoad_Test_MockConnection_INCLUDED


#include "Poco/Net/HTTPRequestHandlerFactory.h"
#include "Poco/Net/HTTPServerConnection.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/StreamSocket.h"


namespace AILoad {
namespace Test {


class MockUpstream;


class MockConnection: public Poco::Net::HTTPServerConnection
	/// An HTTPServerConnection that registers its socket with the MockUpstream for
	/// its whole life, so that connections can be counted and aborted by stop().
{
public:
	MockConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr pParams, Poco::Net::HTTPRequestHandlerFactory::Ptr pFactory, MockUpstream& mock);
		/// Creates and registers the connection.

	~MockConnection();
		/// Unregisters the connection.

private:
	MockUpstream& _mock;
	Poco::Net::SocketImpl* _pSocket;
};


} // namespace Test
} // namespace AILoad


#endif // AILoad_Test_MockConnection_INCLUDED

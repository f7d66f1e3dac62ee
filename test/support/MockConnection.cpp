//
// MockConnection.cpp
//
// Library: AILoad test support
// Package: Mock
// Module:  MockConnection
//


#include "MockConnection.h"
#include "MockUpstream.h"


namespace AILoad {
namespace Test {


MockConnection::MockConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr pParams, Poco::Net::HTTPRequestHandlerFactory::Ptr pFactory, MockUpstream& mock):
	Poco::Net::HTTPServerConnection(socket, pParams, pFactory),
	_mock(mock),
	_pSocket(this->socket().impl())
{
	// SSE events are small writes: without TCP_NODELAY they can wait for a delayed ACK.
	// The send timeout keeps a client that stops reading from pinning a thread forever.
	try
	{
		this->socket().setNoDelay(true);
		this->socket().setSendTimeout(Poco::Timespan(10, 0));
	}
	catch (Poco::Exception&)
	{
	}
	_mock.connectionOpened(_pSocket);
}


MockConnection::~MockConnection()
{
	_mock.connectionClosed(_pSocket);
}


} // namespace Test
} // namespace AILoad

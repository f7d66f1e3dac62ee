//
// MockConnectionFactory.cpp
//
// Library: AILoad test support
// Package: Mock
// Module:  MockConnectionFactory
//


#include "MockConnectionFactory.h"
#include "MockConnection.h"


namespace AILoad {
namespace Test {


MockConnectionFactory::MockConnectionFactory(Poco::Net::HTTPServerParams::Ptr pParams, Poco::Net::HTTPRequestHandlerFactory::Ptr pFactory, MockUpstream& mock):
	_pParams(pParams),
	_pFactory(pFactory),
	_mock(mock)
{
}


Poco::Net::TCPServerConnection* MockConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
	return new MockConnection(socket, _pParams, _pFactory, _mock);
}


} // namespace Test
} // namespace AILoad

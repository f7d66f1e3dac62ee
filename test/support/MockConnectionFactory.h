//
// MockConnectionFactory.h
//
// Library: AILoad test support
// Package: Mock
// Module:  MockConnectionFactory
//
// Definition of the MockConnectionFactory class.
//


#ifndef AILoad_Test_MockConnectionFactory_INCLUDED
#define AILoad_Test_MockConnectionFactory_INCLUDED


#include "Poco/Net/HTTPRequestHandlerFactory.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/TCPServerConnectionFactory.h"


namespace AILoad {
namespace Test {


class MockUpstream;


class MockConnectionFactory: public Poco::Net::TCPServerConnectionFactory
	/// Creates MockConnections. Replaces HTTPServer's own factory so that connections are counted.
{
public:
	MockConnectionFactory(Poco::Net::HTTPServerParams::Ptr pParams, Poco::Net::HTTPRequestHandlerFactory::Ptr pFactory, MockUpstream& mock);
		/// Creates the factory.

	Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket);
		/// Creates a MockConnection for an accepted socket.

private:
	Poco::Net::HTTPServerParams::Ptr _pParams;
	Poco::Net::HTTPRequestHandlerFactory::Ptr _pFactory;
	MockUpstream& _mock;
};


} // namespace Test
} // namespace AILoad


#endif // AILoad_Test_MockConnectionFactory_INCLUDED

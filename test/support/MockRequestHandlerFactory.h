//
// MockRequestHandlerFactory.h
//
// Library: AILoad test support
// Package: Mock
// Module:  MockRequestHandlerFactory
//
// Definition of the MockRequestHandlerFactory class.
//


#ifndef AILoad_Test_MockRequestHandlerFactory_INCLUDED
#define AILoad_Test_MockRequestHandlerFactory_INCLUDED


#include "Poco/Net/HTTPRequestHandlerFactory.h"


namespace AILoad {
namespace Test {


class MockUpstream;


class MockRequestHandlerFactory: public Poco::Net::HTTPRequestHandlerFactory
	/// Creates a MockRequestHandler for every request.
{
public:
	explicit MockRequestHandlerFactory(MockUpstream& mock);
		/// Creates the factory.

	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&);
		/// Creates a MockRequestHandler.

private:
	MockUpstream& _mock;
};


} // namespace Test
} // namespace AILoad


#endif // AILoad_Test_MockRequestHandlerFactory_INCLUDED

//
// MockRequestHandlerFactory.cpp
//
// Library: AILoad test support
// Package: Mock
// Module:  MockRequestHandlerFactory
//


#include "MockRequestHandlerFactory.h"
#include "MockRequestHandler.h"


namespace AILoad {
namespace Test {


MockRequestHandlerFactory::MockRequestHandlerFactory(MockUpstream& mock):
	_mock(mock)
{
}


Poco::Net::HTTPRequestHandler* MockRequestHandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest&)
{
	return new MockRequestHandler(_mock);
}


} // namespace Test
} // namespace AILoad

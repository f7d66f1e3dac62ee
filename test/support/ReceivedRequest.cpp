//
// ReceivedRequest.cpp
//
// Library: AILoad test support
// Package: Mock
// Module:  ReceivedRequest
//


#include "ReceivedRequest.h"
#include "Poco/String.h"
#include <algorithm>


namespace AILoad {
namespace Test {


std::string ReceivedRequest::header(const std::string& name) const
{
	for (const auto& h : headers)
	{
		if (Poco::icompare(h.first, name) == 0) return h.second;
	}
	return std::string();
}


bool ReceivedRequest::hasHeader(const std::string& name) const
{
	return std::any_of(headers.begin(), headers.end(), [&name](const std::pair<std::string, std::string>& h) {
		return Poco::icompare(h.first, name) == 0;
	});
}


} // namespace Test
} // namespace AILoad

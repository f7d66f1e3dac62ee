#include "AuthToken.h"

#include <Poco/RandomStream.h>
#include <Poco/String.h>

namespace AILoad {

std::string AuthToken::generate()
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	const std::size_t length = 48;
	std::string token = "sk-";
	Poco::RandomInputStream random;
	while (token.size() < 3 + length)
	{
		unsigned char byte = static_cast<unsigned char>(random.get());
		// 248 = 4 * 62: bytes above it would favour the first letters.
		if (byte < 248) token += alphabet[byte % 62];
	}
	return token;
}


bool AuthToken::matches(const std::string& presented, const std::string& expected)
{
	if (expected.empty()) return false;
	unsigned char difference = presented.size() == expected.size() ? 0 : 1;
	for (std::size_t i = 0; i < presented.size(); ++i)
		difference |= static_cast<unsigned char>(presented[i] ^ expected[i % expected.size()]);
	return difference == 0;
}


bool AuthToken::authorizes(const Poco::Net::HTTPRequest& request, const std::string& expected)
{
	const std::string authorization = request.get("Authorization", ""); // a copy: get() may return its default, a temporary
	if (Poco::icompare(authorization, 0, 7, "Bearer ") != 0) return false;
	return matches(Poco::trim(authorization.substr(7)), expected);
}

} // namespace AILoad

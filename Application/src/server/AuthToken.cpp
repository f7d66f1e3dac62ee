#include "AuthToken.h"

#include "HttpHeadParser.h"
#include <Poco/Ascii.h>
#include <Poco/RandomStream.h>
#include <algorithm>

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


bool AuthToken::matches(std::string_view presented, const std::string& expected)
{
	if (expected.empty()) return false;
	unsigned char difference = presented.size() == expected.size() ? 0 : 1;
	for (std::size_t i = 0; i < presented.size(); ++i)
		difference |= static_cast<unsigned char>(presented[i] ^ expected[i % expected.size()]);
	return difference == 0;
}


bool AuthToken::authorizes(const Poco::Net::HTTPRequest& request, const std::string& expected)
{
	static const std::string none;
	const std::string_view authorization = request.get("Authorization", none);
	static constexpr std::string_view bearer = "Bearer ";
	const auto sameLetter = [](char a, char b) { return Poco::Ascii::toLower(a) == Poco::Ascii::toLower(b); };
	if (authorization.size() < bearer.size() || !std::equal(bearer.begin(), bearer.end(), authorization.begin(), sameLetter)) return false;
	return matches(HttpHeadParser::trimmed(authorization.substr(bearer.size())), expected);
}

} // namespace AILoad

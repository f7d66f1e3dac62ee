#ifndef AILoad_AuthToken_INCLUDED
#define AILoad_AuthToken_INCLUDED

#include <Poco/Net/HTTPRequest.h>
#include <string>
#include <string_view>

namespace AILoad {

class AuthToken
	/// The client token: generating one, and checking what a client presented.
{
public:
	static std::string generate();
		/// "sk-" and 48 characters of [A-Za-z0-9] from the operating system's CSPRNG
		/// (Poco::RandomInputStream reads /dev/urandom), without modulo bias.

	static bool matches(std::string_view presented, const std::string& expected);
		/// Compares in time that depends only on the lengths, never on where they differ.

	static bool authorizes(const Poco::Net::HTTPRequest& request, const std::string& expected);
		/// True if the request carries `Authorization: Bearer <expected>`.
};

} // namespace AILoad

#endif

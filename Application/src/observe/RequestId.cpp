#include "RequestId.h"

#include <Poco/RandomStream.h>
#include <algorithm>
#include <atomic>
#include <cstdio>

namespace AILoad {

namespace {

std::string processPrefix()
{
	unsigned char bytes[4];
	Poco::RandomInputStream random;
	random.read(reinterpret_cast<char*>(bytes), sizeof(bytes));
	char hex[9];
	std::snprintf(hex, sizeof(hex), "%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3]);
	return hex;
}

} // namespace


std::string RequestId::accept(const std::string& fromClient)
{
	return acceptable(fromClient) ? fromClient : generate();
}


std::string RequestId::generate()
{
	static const std::string prefix = processPrefix();
	static std::atomic<unsigned long long> next{0};
	// The counter's hex digits by hand: snprintf cost 800 instructions a request.
	static constexpr char hex[] = "0123456789abcdef";
	unsigned long long counter = next.fetch_add(1, std::memory_order_relaxed);
	std::string id(prefix.size() + 16, '0');
	std::copy(prefix.begin(), prefix.end(), id.begin());
	for (std::size_t i = id.size(); counter != 0; counter >>= 4) id[--i] = hex[counter & 0xf];
	return id;
}


bool RequestId::acceptable(const std::string& id)
{
	if (id.empty() || id.size() > 128) return false;
	for (const char c : id)
	{
		const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-';
		if (!ok) return false;
	}
	return true;
}

} // namespace AILoad

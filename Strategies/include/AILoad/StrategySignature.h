#ifndef AILoad_StrategySignature_INCLUDED
#define AILoad_StrategySignature_INCLUDED

#include "AILoad/Strategy.h"
#include <Poco/Version.h>
#include <cstddef>
#include <string>

// What a plugin and AILoad must agree on to share objects, as text, so that a refusal can show
// both sides (nginx's module signature does the same). The SDK hands std::string, std::vector,
// std::map, std::set, Poco::JSON::Object and Poco::Timespan across the library boundary and
// both sides run inline code on them, so what has to match is whatever decides their layout
// and the way calls are made:
//   - the strategy API version (the SDK's own types);
//   - the POCO version (major.minor.revision) whose headers laid out the POCO types;
//   - the C++ ABI family: vtables, name mangling and exceptions. Every GCC and Clang on one
//     platform implements the Itanium C++ ABI, so a plugin built with clang++ works in an
//     AILoad built with g++; the compiler and its version are therefore left out on purpose;
//   - the C++ standard library and the ABI of its types: libstdc++ has kept its ABI since
//     GCC 5 (its version is left out, a newer library runs older code) but has two std::string
//     and std::list layouts (_GLIBCXX_USE_CXX11_ABI), and its debug mode (_GLIBCXX_DEBUG)
//     gives the containers another layout; libc++ has its own types and ABI versions.
// The operating system and the architecture are not in it: the dynamic loader refuses a
// library built for another one before AILoad could read anything.
#if defined(_MSC_VER)
#define AILOAD_STRATEGY_CXX_ABI "MSVC C++ ABI"
#elif defined(__GXX_ABI_VERSION)
#define AILOAD_STRATEGY_CXX_ABI "Itanium C++ ABI"
#else
#define AILOAD_STRATEGY_CXX_ABI "unknown C++ ABI"
#endif

#if defined(_LIBCPP_VERSION)
#define AILOAD_STRATEGY_CXX_LIBRARY "libc++ abi-v"
#define AILOAD_STRATEGY_CXX_LIBRARY_ABI _LIBCPP_ABI_VERSION
#elif defined(__GLIBCXX__)
#if _GLIBCXX_USE_CXX11_ABI
#define AILOAD_STRATEGY_CXX_LIBRARY_BASE "libstdc++ cxx11-abi"
#else
#define AILOAD_STRATEGY_CXX_LIBRARY_BASE "libstdc++ old-abi"
#endif
#if defined(_GLIBCXX_DEBUG)
#define AILOAD_STRATEGY_CXX_LIBRARY AILOAD_STRATEGY_CXX_LIBRARY_BASE " debug"
#else
#define AILOAD_STRATEGY_CXX_LIBRARY AILOAD_STRATEGY_CXX_LIBRARY_BASE
#endif
#else
#define AILOAD_STRATEGY_CXX_LIBRARY "unknown C++ library"
#endif

namespace AILoad {

struct StrategySignature
	/// The signature of one side of the plugin boundary: "aiload-strategy 3; POCO 1.11.0;
	/// Itanium C++ ABI; libstdc++ cxx11-abi". A plugin exports the one it was compiled with
	/// (AILOAD_STRATEGY_PLUGIN, symbol `aiload_strategy_signature`); AILoad compiles its own
	/// from the same header and refuses a plugin whose signature differs.
	///
	/// A fixed array of characters, filled at compile time, so that AILoad reads it with dlsym
	/// alone, before it runs any code of the plugin.
{
	char text[120] = {}; /// the signature, NUL-terminated

	constexpr void append(const char* part)
		/// Appends part; what does not fit is left out (the array always ends with a NUL).
	{
		std::size_t length = 0;
		while (text[length] != '\0') ++length;
		while (*part != '\0' && length + 1 < sizeof(text)) text[length++] = *part++;
	}

	constexpr void append(unsigned long number)
		/// Appends number in decimal.
	{
		char digits[24] = {};
		std::size_t count = 0;
		do
		{
			digits[count++] = static_cast<char>('0' + number % 10);
			number /= 10;
		} while (number != 0);
		char reversed[24] = {};
		for (std::size_t i = 0; i < count; ++i) reversed[i] = digits[count - 1 - i];
		append(reversed);
	}

	static constexpr StrategySignature build()
		/// The signature of the code that includes this header, as it is compiled.
	{
		StrategySignature signature;
		signature.append("aiload-strategy ");
		signature.append(static_cast<unsigned long>(AILOAD_STRATEGY_API_VERSION));
		// POCO_VERSION is 0xAABBCCDD: major, minor, revision, and a pre-release number that
		// does not change the ABI.
		signature.append("; POCO ");
		signature.append(static_cast<unsigned long>((POCO_VERSION >> 24) & 0xFF));
		signature.append(".");
		signature.append(static_cast<unsigned long>((POCO_VERSION >> 16) & 0xFF));
		signature.append(".");
		signature.append(static_cast<unsigned long>((POCO_VERSION >> 8) & 0xFF));
		signature.append("; " AILOAD_STRATEGY_CXX_ABI "; " AILOAD_STRATEGY_CXX_LIBRARY);
#if defined(AILOAD_STRATEGY_CXX_LIBRARY_ABI)
		signature.append(static_cast<unsigned long>(AILOAD_STRATEGY_CXX_LIBRARY_ABI));
#endif
		return signature;
	}

	std::string str() const
		/// The text, read at most to the end of the array (a plugin's could lack its NUL).
	{
		std::size_t length = 0;
		while (length < sizeof(text) && text[length] != '\0') ++length;
		return std::string(text, length);
	}
};

} // namespace AILoad

#endif

#ifndef AILoad_JsonScanner_INCLUDED
#define AILoad_JsonScanner_INCLUDED

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace AILoad {

class JsonScanner
	/// A strict JSON (RFC 8259) syntax check in one pass, without building a document.
	///
	/// It exists because the relay must forward the client's original bytes (a parse and
	/// stringify round trip changes numbers, escapes and key order) and because POCO's parser
	/// reports no position for an error. Besides validity it reports the byte spans of the
	/// top-level object's members, so single values can be read or spliced in place.
	/// Nesting is tracked on a heap stack, so deep input cannot exhaust a thread's stack.
{
public:
	struct Member
		/// One member of the top-level object: the key as written (without quotes,
		/// escapes untouched) and the value's bytes [valueBegin, valueEnd).
	{
		std::string_view rawKey;
		std::size_t valueBegin = 0;
		std::size_t valueEnd = 0;

		bool hasKey(std::string_view key) const;
			/// Compares the key; one written with escapes is decoded first.
	};

	struct Result
	{
		bool valid = false;
		bool isObject = false; /// the top-level value is an object
		std::vector<Member> members; /// top-level members in order (only when isObject)
		std::size_t errorOffset = 0; /// byte offset of the error
		int errorLine = 0; /// 1-based
		int errorColumn = 0; /// 1-based, in bytes
		std::string errorMessage; /// what was expected

		const Member* find(std::string_view key) const;
			/// The last member with that key (as JSON parsers take the last duplicate), or null.

		std::string describeError() const;
			/// "line L, column C (byte B): message".
	};

	static Result scan(std::string_view text);

	static std::string decodeString(std::string_view quoted);
		/// The value of a JSON string literal (with its quotes) that scan() accepted.
};

} // namespace AILoad

#endif

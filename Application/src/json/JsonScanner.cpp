#include "JsonScanner.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UTF8Encoding.h>

namespace AILoad {

namespace {

class Scan
	/// The state of one scan; error() records the first failure and stops it.
{
public:
	explicit Scan(std::string_view text):
		_text(text)
	{}

	JsonScanner::Result run()
	{
		JsonScanner::Result result;
		result.members.reserve(16); // one allocation for the objects an API sends
		skipSpace();
		if (_pos < _text.size()) result.isObject = _text[_pos] == '{';
		bool ok = value(result);
		if (ok)
		{
			skipSpace();
			if (_pos != _text.size()) ok = fail("unexpected data after the JSON value");
		}
		result.valid = ok;
		if (!ok)
		{
			result.isObject = false;
			result.members.clear();
			result.errorOffset = _pos;
			result.errorMessage = _message;
			result.errorLine = 1;
			std::size_t lineStart = 0;
			for (std::size_t i = 0; i < _pos && i < _text.size(); ++i)
			{
				if (_text[i] == '\n')
				{
					++result.errorLine;
					lineStart = i + 1;
				}
			}
			result.errorColumn = static_cast<int>(_pos - lineStart) + 1;
		}
		return result;
	}

private:
	bool value(JsonScanner::Result& result)
	{
		// Containers are walked iteratively: `_stack` holds the open brackets.
		enum class Next
		{
			Value,
			KeyOrEnd,
			Key,
			AfterValue
		};
		Next next = Next::Value;
		JsonScanner::Member member;
		bool memberOpen = false;
		for (;;)
		{
			skipSpace();
			switch (next)
			{
			case Next::Value:
				if (_pos >= _text.size()) return fail("expected a value, found the end of the text");
				if (_stack.size() == 1 && _stack.back() == '{')
				{
					member.valueBegin = _pos;
					memberOpen = true;
				}
				switch (_text[_pos])
				{
				case '{':
					_stack.push_back('{');
					++_pos;
					next = Next::KeyOrEnd;
					continue;
				case '[':
					_stack.push_back('[');
					++_pos;
					skipSpace();
					if (_pos < _text.size() && _text[_pos] == ']')
					{
						_stack.pop_back();
						++_pos;
						next = Next::AfterValue;
					}
					continue;
				case '"':
					if (!string()) return false;
					break;
				case 't':
					if (!literal("true")) return false;
					break;
				case 'f':
					if (!literal("false")) return false;
					break;
				case 'n':
					if (!literal("null")) return false;
					break;
				default:
					if (_text[_pos] == '-' || isDigit(_text[_pos]))
					{
						if (!number()) return false;
					}
					else
						return fail("expected a value");
				}
				next = Next::AfterValue;
				continue;
			case Next::KeyOrEnd:
				if (_pos < _text.size() && _text[_pos] == '}')
				{
					_stack.pop_back();
					++_pos;
					next = Next::AfterValue;
					continue;
				}
				next = Next::Key;
				continue;
			case Next::Key:
			{
				if (_pos >= _text.size() || _text[_pos] != '"') return fail("expected a string key");
				std::size_t keyBegin = _pos;
				if (!string()) return false;
				if (_stack.size() == 1) member.rawKey = _text.substr(keyBegin + 1, _pos - keyBegin - 2);
				skipSpace();
				if (_pos >= _text.size() || _text[_pos] != ':') return fail("expected ':' after the key");
				++_pos;
				next = Next::Value;
				continue;
			}
			case Next::AfterValue:
				if (_stack.empty()) return true;
				if (memberOpen && _stack.size() == 1)
				{
					// `_pos` is past the spaces; the value ended at the last non-space byte.
					std::size_t end = _pos;
					while (end > member.valueBegin && isSpace(_text[end - 1])) --end;
					member.valueEnd = end;
					result.members.push_back(member);
					memberOpen = false;
				}
				if (_pos >= _text.size()) return fail(_stack.back() == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
				if (_text[_pos] == ',')
				{
					++_pos;
					next = _stack.back() == '{' ? Next::Key : Next::Value;
				}
				else if (_text[_pos] == (_stack.back() == '{' ? '}' : ']'))
				{
					_stack.pop_back();
					++_pos;
				}
				else
					return fail(_stack.back() == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
				continue;
			}
		}
	}

	bool string()
	{
		++_pos; // opening quote
		while (_pos < _text.size())
		{
			// Most of a string is printable ASCII that needs no look: skipped in a tight loop.
			while (_pos < _text.size() && isPlain(_text[_pos])) ++_pos;
			if (_pos == _text.size()) break;
			unsigned char c = static_cast<unsigned char>(_text[_pos]);
			if (c == '"')
			{
				++_pos;
				return true;
			}
			if (c < 0x20) return fail("control character in a string (escape it)");
			if (c >= 0x80)
			{
				// RFC 8259 text is UTF-8; upstreams (and POCO's parser) refuse anything else.
				const int length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3
					: c >= 0xC0                              ? 2
															 : 0;
				const std::size_t available = _text.size() - _pos;
				if (length == 0 || static_cast<std::size_t>(length) > available
					|| !Poco::UTF8Encoding::isLegal(reinterpret_cast<const unsigned char*>(_text.data() + _pos), length))
					return fail("invalid UTF-8 in a string");
				_pos += static_cast<std::size_t>(length);
				continue;
			}
			if (c == '\\')
			{
				++_pos;
				if (_pos >= _text.size()) break;
				char e = _text[_pos];
				if (e == 'u')
				{
					for (int i = 1; i <= 4; ++i)
					{
						if (_pos + i >= _text.size() || !isHex(_text[_pos + i]))
						{
							_pos += i;
							return fail("expected four hex digits after \\u");
						}
					}
					_pos += 4;
				}
				else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't')
					return fail("invalid escape in a string");
			}
			++_pos;
		}
		return fail("unterminated string");
	}

	bool number()
	{
		if (_text[_pos] == '-') ++_pos;
		if (_pos >= _text.size() || !isDigit(_text[_pos])) return fail("expected a digit");
		if (_text[_pos] == '0') ++_pos;
		else
			while (_pos < _text.size() && isDigit(_text[_pos])) ++_pos;
		if (_pos < _text.size() && _text[_pos] == '.')
		{
			++_pos;
			if (_pos >= _text.size() || !isDigit(_text[_pos])) return fail("expected a digit after '.'");
			while (_pos < _text.size() && isDigit(_text[_pos])) ++_pos;
		}
		if (_pos < _text.size() && (_text[_pos] == 'e' || _text[_pos] == 'E'))
		{
			++_pos;
			if (_pos < _text.size() && (_text[_pos] == '+' || _text[_pos] == '-')) ++_pos;
			if (_pos >= _text.size() || !isDigit(_text[_pos])) return fail("expected a digit in the exponent");
			while (_pos < _text.size() && isDigit(_text[_pos])) ++_pos;
		}
		return true;
	}

	bool literal(std::string_view word)
	{
		for (char c : word)
		{
			if (_pos >= _text.size() || _text[_pos] != c) return fail("invalid literal (expected true, false or null)");
			++_pos;
		}
		return true;
	}

	void skipSpace()
	{
		while (_pos < _text.size() && isSpace(_text[_pos])) ++_pos;
	}

	bool fail(const char* message)
	{
		_message = message;
		return false;
	}

	static bool isPlain(char c)
	{
		const auto u = static_cast<unsigned char>(c);
		return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
	}
	static bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
	static bool isDigit(char c) { return c >= '0' && c <= '9'; }
	static bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

	std::string_view _text;
	std::size_t _pos = 0;
	std::string _stack; /// the open brackets: in the string itself up to 15 deep, no allocation
	const char* _message = "";
};

} // namespace


JsonScanner::Result JsonScanner::scan(std::string_view text)
{
	return Scan(text).run();
}


std::string JsonScanner::decodeString(std::string_view quoted)
{
	if (quoted.find('\\') == std::string_view::npos) return std::string(quoted.substr(1, quoted.size() - 2));
	// POCO's parser takes no bare string at the top level (and Poco::UTF8::unescape
	// leaves \" and \/ as they are), so the string is parsed inside an array.
	try
	{
		Poco::JSON::Parser parser;
		const Poco::JSON::Array::Ptr array = parser.parse("[" + std::string(quoted) + "]").extract<Poco::JSON::Array::Ptr>();
		return array->getElement<std::string>(0);
	}
	catch (Poco::Exception&)
	{
		// What scan() accepts but POCO will not decode (a lone surrogate escape) names
		// nothing the gateway knows: keep it as written.
		return std::string(quoted.substr(1, quoted.size() - 2));
	}
}


bool JsonScanner::Member::hasKey(std::string_view key) const
{
	// An escape only ever makes a key longer as written than as read: most keys are told
	// apart by their length alone, and one of the same length matches only unescaped.
	if (rawKey.size() < key.size()) return false;
	if (rawKey.size() == key.size()) return rawKey == key && rawKey.find('\\') == std::string_view::npos;
	return rawKey.find('\\') != std::string_view::npos && decodeString("\"" + std::string(rawKey) + "\"") == key;
}


const JsonScanner::Member* JsonScanner::Result::find(std::string_view key) const
{
	const Member* found = nullptr;
	for (const auto& member : members)
	{
		if (member.hasKey(key)) found = &member;
	}
	return found;
}


std::string JsonScanner::Result::describeError() const
{
	return "line " + std::to_string(errorLine) + ", column " + std::to_string(errorColumn)
		+ " (byte " + std::to_string(errorOffset) + "): " + errorMessage;
}

} // namespace AILoad

#include "UsageReader.h"

namespace AILoad {

namespace {

Poco::Int64 countOf(std::string_view number)
{
	// Digits only: a sign, a fraction or an exponent is no token count. 18 digits fit an Int64.
	if (number.empty() || number.size() > 18) return -1;
	Poco::Int64 n = 0;
	for (const char c : number)
	{
		if (c < '0' || c > '9') return -1;
		n = n * 10 + (c - '0');
	}
	return n;
}


Poco::Int64 count(std::string_view usage, const JsonScanner::Member* member)
{
	return member ? countOf(usage.substr(member->valueBegin, member->valueEnd - member->valueBegin)) : -1;
}


class SimpleUsage
	/// The usage objects upstreams send: members whose values are numbers, or objects of
	/// such (OpenAI's `prompt_tokens_details`), keys without escapes. Read in one pass, as
	/// strictly as JSON has them; read() says false for anything else, valid or not.
{
public:
	explicit SimpleUsage(std::string_view text):
		_text(text)
	{}

	bool read(TokenUsage& tokens)
	{
		if (!object(1, &tokens)) return false;
		space();
		return _pos == _text.size();
	}

private:
	bool object(int depth, TokenUsage* tokens)
	{
		if (depth > 3 || !take('{')) return false;
		space();
		if (take('}')) return true;
		for (;;)
		{
			std::string_view key;
			if (!string(key)) return false;
			space();
			if (!take(':')) return false;
			space();
			const std::size_t begin = _pos;
			if (peek() == '{' ? !object(depth + 1, nullptr) : !number()) return false;
			// An object there is no count: countOf() says so.
			if (tokens && key == "prompt_tokens") tokens->prompt = countOf(_text.substr(begin, _pos - begin));
			else if (tokens && key == "completion_tokens")
				tokens->completion = countOf(_text.substr(begin, _pos - begin));
			space();
			if (take('}')) return true;
			if (!take(',')) return false;
			space();
		}
	}

	bool string(std::string_view& value)
	{
		if (!take('"')) return false;
		const std::size_t begin = _pos;
		for (; _pos < _text.size(); ++_pos)
		{
			const auto c = static_cast<unsigned char>(_text[_pos]);
			if (c == '"') break;
			if (c == '\\' || c < 0x20 || c >= 0x80) return false; // escapes and UTF-8: the scanner's
		}
		if (_pos == _text.size()) return false;
		value = _text.substr(begin, _pos++ - begin);
		return true;
	}

	bool number()
	{
		// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
		take('-');
		if (take('0')) {}
		else if (!digits())
			return false;
		if (take('.') && !digits()) return false;
		if (take('e') || take('E'))
		{
			if (!take('+')) take('-');
			if (!digits()) return false;
		}
		return true;
	}

	bool digits()
	{
		const std::size_t begin = _pos;
		while (_pos < _text.size() && _text[_pos] >= '0' && _text[_pos] <= '9') ++_pos;
		return _pos > begin;
	}

	char peek() const { return _pos < _text.size() ? _text[_pos] : '\0'; }

	bool take(char c)
	{
		if (peek() != c) return false;
		++_pos;
		return true;
	}

	void space()
	{
		while (_pos < _text.size() && (_text[_pos] == ' ' || _text[_pos] == '\t' || _text[_pos] == '\n' || _text[_pos] == '\r')) ++_pos;
	}

	std::string_view _text;
	std::size_t _pos = 0;
};

} // namespace


TokenUsage UsageReader::ofBody(std::string_view json)
{
	// Read from the end: OpenAI-compatible answers write their usage last, so only the
	// bytes after it are looked at. In valid JSON a backslash only occurs in strings, so a
	// quote ends or starts a string unless an odd number of backslashes comes before it.
	static constexpr std::string_view space = " \t\r\n";
	const std::size_t first = json.find_first_not_of(space);
	const std::size_t last = json.find_last_not_of(space);
	if (first == std::string_view::npos || json[first] != '{' || json[last] != '}') return TokenUsage();
	const auto escaped = [&](std::size_t quote) {
		std::size_t backslashes = 0;
		while (quote > backslashes && json[quote - backslashes - 1] == '\\') ++backslashes;
		return backslashes % 2 == 1;
	};
	int depth = 0;
	std::size_t memberEnd = last; // of the top-level member being read: its ',' or the final '}'
	std::size_t colon = std::string_view::npos; // of that member, once passed
	for (std::size_t i = last + 1; i-- > first;)
	{
		switch (json[i])
		{
		case '"':
		{
			const std::size_t end = i;
			do
			{
				if (i == 0 || (i = json.rfind('"', i - 1)) == std::string_view::npos) return TokenUsage();
			} while (escaped(i));
			if (depth == 1 && colon != std::string_view::npos)
			{
				// The member's key: the value lies between its colon and its end.
				if (json.substr(i + 1, end - i - 1) == "usage")
				{
					const std::string_view value = json.substr(colon + 1, memberEnd - colon - 1);
					const std::size_t begin = value.find_first_not_of(space);
					if (begin == std::string_view::npos) return TokenUsage();
					return ofUsage(value.substr(begin, value.find_last_not_of(space) - begin + 1));
				}
				colon = std::string_view::npos;
			}
			break;
		}
		case ':':
			if (depth == 1) colon = i;
			break;
		case ',':
			if (depth == 1) memberEnd = i;
			break;
		case '}':
		case ']':
			++depth;
			break;
		case '{':
		case '[':
			if (--depth == 0) return TokenUsage(); // the top-level object, without a usage
			break;
		default:
			break;
		}
	}
	return TokenUsage(); // the object does not start where it ends
}


TokenUsage UsageReader::ofUsage(std::string_view usage)
{
	TokenUsage read;
	if (usage.empty() || usage.front() != '{') return read;
	if (SimpleUsage(usage).read(read)) return read;
	TokenUsage tokens;
	// Anything else is read by the strict scanner: strings, arrays, escapes, errors.
	const JsonScanner::Result scanned = JsonScanner::scan(usage);
	if (!scanned.valid || !scanned.isObject) return tokens;
	tokens.prompt = count(usage, scanned.find("prompt_tokens"));
	tokens.completion = count(usage, scanned.find("completion_tokens"));
	return tokens;
}

} // namespace AILoad

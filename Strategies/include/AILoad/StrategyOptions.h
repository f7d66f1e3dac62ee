#ifndef AILoad_StrategyOptions_INCLUDED
#define AILoad_StrategyOptions_INCLUDED

#include <Poco/Exception.h>
#include <Poco/JSONString.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberFormatter.h>
#include <cmath>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace AILoad {

class StrategyOptions final
	/// A strategy's options: its object in `settings.strategy_options.<name>` of
	/// data/config.json, with getters that check each value and refuse a wrong one the way
	/// AILoad's config loader does, with the JSON path and what is expected:
	///
	///     settings.strategy_options.latency.alpha: expected a number from 0.01 to 1
	///
	/// A getter returns the default when the key is absent and throws
	/// Poco::InvalidArgumentException with such a message when its value is not acceptable;
	/// thrown from Strategy::configure(), it stops start-up or refuses a reload as it is.
	///
	/// The getters remember the keys asked for: after configure() AILoad warns about every
	/// other key ("unknown key, ignored"), as the config loader does for its own keys. A
	/// strategy that reads object() itself is trusted to know its keys and gets no warnings.
	///
	/// All of it is inline, compiled into the plugin: nothing here is a call into AILoad.
{
public:
	StrategyOptions():
		_object(new Poco::JSON::Object),
		_path("settings.strategy_options")
		/// No options: an empty object.
	{
	}

	StrategyOptions(Poco::JSON::Object::Ptr object, std::string path):
		_object(object ? std::move(object) : Poco::JSON::Object::Ptr(new Poco::JSON::Object)),
		_path(std::move(path))
		/// The options in object (null is taken as empty), found at the JSON path `path`
		/// (`settings.strategy_options.<name>`).
	{
	}

	bool has(const std::string& key) const
		/// Whether the key is given (even as null).
	{
		_asked.insert(key);
		return _object->has(key);
	}

	int getInt(const std::string& key, int defaultValue, int minimum, int maximum) const
		/// An integer from minimum to maximum; a number with a fraction is refused, 5.0 is 5.
	{
		Poco::Dynamic::Var value;
		if (!given(key, value)) return defaultValue;
		const double number = value.isNumeric() && !value.isBoolean() ? value.convert<double>() : std::nan("");
		if (!(number == std::floor(number) && number >= minimum && number <= maximum))
			refuse(key, "expected an integer from " + std::to_string(minimum) + " to " + std::to_string(maximum));
		return static_cast<int>(number);
	}

	double getDouble(const std::string& key, double defaultValue, double minimum, double maximum) const
		/// A number from minimum to maximum.
	{
		Poco::Dynamic::Var value;
		if (!given(key, value)) return defaultValue;
		const double number = value.isNumeric() && !value.isBoolean() ? value.convert<double>() : std::nan("");
		if (!(number >= minimum && number <= maximum))
			refuse(key, "expected a number from " + Poco::NumberFormatter::format(minimum) + " to " + Poco::NumberFormatter::format(maximum));
		return number;
	}

	bool getBool(const std::string& key, bool defaultValue) const
		/// true or false.
	{
		Poco::Dynamic::Var value;
		if (!given(key, value)) return defaultValue;
		if (!value.isBoolean()) refuse(key, "expected true or false");
		return value.extract<bool>();
	}

	std::string getString(const std::string& key, const std::string& defaultValue) const
		/// A string, maybe empty.
	{
		Poco::Dynamic::Var value;
		if (!given(key, value)) return defaultValue;
		if (!value.isString()) refuse(key, "expected a string");
		return value.convert<std::string>();
	}

	std::string getString(const std::string& key, const std::string& defaultValue, const std::vector<std::string>& choices) const
		/// One of the strings in choices.
	{
		Poco::Dynamic::Var value;
		if (!given(key, value)) return defaultValue;
		for (const std::string& choice : choices)
		{
			if (value.isString() && value.convert<std::string>() == choice) return choice;
		}
		std::string expected = "expected ";
		for (std::size_t i = 0; i < choices.size(); ++i)
			expected += (i == 0 ? "" : i + 1 == choices.size() ? " or "
															   : ", ")
				+ Poco::toJSON(choices[i]);
		refuse(key, expected);
	}

	std::vector<std::string> getStringList(const std::string& key, const std::vector<std::string>& defaultValue) const
		/// An array of non-empty strings, maybe empty itself.
	{
		Poco::Dynamic::Var value;
		if (!given(key, value)) return defaultValue;
		Poco::JSON::Array::Ptr array = _object->getArray(key);
		std::vector<std::string> strings;
		for (std::size_t i = 0; array && i < array->size(); ++i)
		{
			const Poco::Dynamic::Var item = array->get(i);
			if (!item.isString() || item.convert<std::string>().empty()) array = nullptr;
			else
				strings.push_back(item.convert<std::string>());
		}
		if (!array) refuse(key, "expected an array of non-empty strings");
		return strings;
	}

	[[noreturn]] void refuse(const std::string& key, const std::string& expected) const
		/// Throws Poco::InvalidArgumentException("<path>.<key>: <expected>"): for the checks
		/// the getters cannot make, such as one option that must be less than another.
	{
		throw Poco::InvalidArgumentException(pathOf(key) + ": " + expected);
	}

	const Poco::JSON::Object& object() const
		/// The options as they are in the file, for a strategy that reads them itself; then
		/// AILoad leaves checking the keys to it.
	{
		_raw = true;
		return *_object;
	}

	const std::string& path() const
		/// The JSON path of the options: `settings.strategy_options.<name>`.
	{
		return _path;
	}

	std::string pathOf(const std::string& key) const
		/// The JSON path of one option. A key comes from the user's file: it is escaped, so
		/// that a message stays one line.
	{
		return _path + "." + Poco::toJSON(key, 0);
	}

	std::vector<std::string> unknownKeys() const
		/// The keys given but never asked for (has(), a getter); none after object().
	{
		std::vector<std::string> unknown;
		if (_raw) return unknown;
		for (const auto& entry : *_object)
		{
			if (!_asked.count(entry.first)) unknown.push_back(entry.first);
		}
		return unknown;
	}

private:
	bool given(const std::string& key, Poco::Dynamic::Var& value) const
		/// Whether key is given, and then its value.
	{
		_asked.insert(key);
		if (!_object->has(key)) return false;
		value = _object->get(key);
		return true;
	}

	Poco::JSON::Object::Ptr _object;
	std::string _path;
	mutable std::set<std::string> _asked; /// keys the strategy asked for: the others are unknown to it
	mutable bool _raw = false; /// the strategy read the object itself
};

} // namespace AILoad

#endif

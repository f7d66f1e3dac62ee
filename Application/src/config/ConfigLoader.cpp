#include "ConfigLoader.h"

#include "ConfigFile.h"
#include "JsonScanner.h"
#include <Poco/Environment.h>
#include <Poco/JSONString.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetworkInterface.h>
#include <Poco/String.h>
#include <cmath>
#include <set>
#include <sstream>

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace AILoad {

namespace {

class Validation
	/// Collects the problems and warnings of one config while it is converted.
{
public:
	explicit Validation(const std::string& fileName):
		_file(fileName)
	{}

	void problem(const std::string& path, const std::string& what) { _result.problems.push_back(_file + ": " + path + ": " + what); }
	void warning(const std::string& path, const std::string& what) { _result.warnings.push_back(_file + ": " + path + ": " + what); }

	void unknownKeys(const Object& object, const std::string& path, std::initializer_list<const char*> known)
	{
		std::set<std::string> names(known.begin(), known.end());
		for (const auto& entry : object)
		{
			if (!names.count(entry.first)) warning(join(path, entry.first), "unknown key, ignored");
		}
	}

	Object::Ptr object(const Object& parent, const std::string& key, const std::string& path)
	{
		if (!parent.has(key) || parent.get(key).isEmpty()) return nullptr;
		Object::Ptr child = parent.getObject(key);
		if (!child) problem(join(path, key), "expected an object");
		return child;
	}

	bool string(const Object& parent, const std::string& key, const std::string& path, std::string& out)
	{
		if (!parent.has(key)) return false;
		const Var& value = parent.get(key);
		if (!value.isString())
		{
			problem(join(path, key), "expected a string");
			return false;
		}
		out = value.extract<std::string>();
		return true;
	}

	bool boolean(const Object& parent, const std::string& key, const std::string& path, bool& out)
	{
		if (!parent.has(key)) return false;
		const Var& value = parent.get(key);
		if (!value.isBoolean())
		{
			problem(join(path, key), "expected true or false");
			return false;
		}
		out = value.extract<bool>();
		return true;
	}

	bool integer(const Object& parent, const std::string& key, const std::string& path, int minimum, int maximum, int& out)
	{
		double number = 0;
		if (!numeric(parent, key, path, number)) return false;
		if (number != std::floor(number) || number < minimum || number > maximum)
		{
			problem(join(path, key), "expected an integer from " + std::to_string(minimum) + " to " + std::to_string(maximum));
			return false;
		}
		out = static_cast<int>(number);
		return true;
	}

	bool positive(const Object& parent, const std::string& key, const std::string& path, double& out)
	{
		double number = 0;
		if (!numeric(parent, key, path, number)) return false;
		if (!(number > 0))
		{
			problem(join(path, key), "expected a number greater than 0");
			return false;
		}
		out = number;
		return true;
	}

	bool stringList(const Object& parent, const std::string& key, const std::string& path, bool acceptSingle, std::vector<std::string>& out)
	{
		if (!parent.has(key)) return false;
		const Var& value = parent.get(key);
		if (acceptSingle && value.isString())
		{
			out = {value.extract<std::string>()};
			return true;
		}
		Array::Ptr array = parent.getArray(key);
		bool ok = static_cast<bool>(array);
		if (ok)
		{
			out.clear();
			for (std::size_t i = 0; i < array->size(); ++i)
			{
				if (!array->get(i).isString() || array->get(i).extract<std::string>().empty()) ok = false;
				else
					out.push_back(array->get(i).extract<std::string>());
			}
		}
		if (!ok) problem(join(path, key), acceptSingle ? "expected a non-empty string or an array of them" : "expected an array of non-empty strings");
		return ok;
	}

	static std::string join(const std::string& path, const std::string& key)
	{
		// Keys come from the user's file: escape them so that each message stays one line.
		const std::string printable = Poco::toJSON(key, 0);
		return path.empty() ? printable : path + "." + printable;
	}

	ConfigLoader::Result& result() { return _result; }

private:
	bool numeric(const Object& parent, const std::string& key, const std::string& path, double& out)
	{
		if (!parent.has(key)) return false;
		const Var& value = parent.get(key);
		if (!value.isNumeric())
		{
			problem(join(path, key), "expected a number");
			return false;
		}
		out = value.convert<double>();
		return true;
	}

	std::string _file;
	ConfigLoader::Result _result;
};


bool validHeaderText(const std::string& text)
{
	return text.find_first_of(std::string("\r\n\0", 3)) == std::string::npos;
}


void loadUpstream(Validation& v, const Object& entry, const std::string& path, UpstreamConfig& upstream)
{
	v.unknownKeys(entry, path, {"name", "model", "base_url", "api_key", "api_key_env", "group", "weight", "enabled", "rpm", "rpd", "tpm", "headers", "verify_tls"});

	if (!v.string(entry, "model", path, upstream.model) && !entry.has("model")) v.problem(path + ".model", "required: the upstream model name");
	else if (entry.has("model") && upstream.model.empty())
		v.problem(path + ".model", "expected a non-empty string");

	std::string baseUrl;
	if (!v.string(entry, "base_url", path, baseUrl))
	{
		if (!entry.has("base_url")) v.problem(path + ".base_url", "required: an http or https URL");
	}
	else
	{
		try
		{
			Poco::URI uri(baseUrl);
			std::string scheme = Poco::toLower(uri.getScheme());
			if ((scheme != "http" && scheme != "https") || uri.getHost().empty())
				throw Poco::SyntaxException("scheme or host");
			std::string basePath = uri.getPath();
			while (!basePath.empty() && basePath.back() == '/') basePath.pop_back();
			const std::string chat = "/chat/completions";
			if (basePath.size() >= chat.size() && basePath.compare(basePath.size() - chat.size(), chat.size(), chat) == 0)
				basePath.erase(basePath.size() - chat.size());
			uri.setPath(basePath);
			uri.setFragment("");
			upstream.apiBase = uri;
		}
		catch (Poco::Exception&)
		{
			v.problem(path + ".base_url", "expected an http or https URL such as https://api.openai.com/v1");
		}
	}

	std::string keyEnv;
	v.string(entry, "api_key", path, upstream.apiKey);
	if (v.string(entry, "api_key_env", path, keyEnv))
	{
		if (entry.has("api_key")) v.problem(path + ".api_key_env", "give either api_key or api_key_env, not both");
		else if (!Poco::Environment::has(keyEnv))
			v.problem(path + ".api_key_env", "environment variable " + keyEnv + " is not set");
		else
			upstream.apiKey = Poco::Environment::get(keyEnv);
	}
	if (!validHeaderText(upstream.apiKey)) v.problem(path + ".api_key", "must not contain CR, LF or NUL");

	v.string(entry, "name", path, upstream.name);
	if (entry.has("name") && upstream.name.empty()) v.problem(path + ".name", "expected a non-empty string");
	v.stringList(entry, "group", path, true, upstream.groups);
	v.integer(entry, "weight", path, 0, 1000000, upstream.weight);
	v.boolean(entry, "enabled", path, upstream.enabled);
	int limit = 0;
	if (v.integer(entry, "rpm", path, 1, 1000000000, limit)) upstream.rpm = limit;
	if (v.integer(entry, "rpd", path, 1, 1000000000, limit)) upstream.rpd = limit;
	if (v.integer(entry, "tpm", path, 1, 1000000000, limit)) upstream.tpm = limit;
	v.boolean(entry, "verify_tls", path, upstream.verifyTls);

	if (Object::Ptr headers = v.object(entry, "headers", path))
	{
		for (const auto& header : *headers)
		{
			const std::string headerPath = Validation::join(path + ".headers", header.first);
			if (!header.second.isString()) v.problem(headerPath, "expected a string");
			else if (header.first.empty() || !validHeaderText(header.first) || !validHeaderText(header.second.extract<std::string>()))
				v.problem(headerPath, "header names and values must not contain CR, LF or NUL");
			else
				upstream.headers.emplace_back(header.first, header.second.extract<std::string>());
		}
	}
}


void assignNames(Validation& v, std::vector<UpstreamConfig>& upstreams, const std::vector<bool>& named)
{
	std::set<std::string> taken;
	for (std::size_t i = 0; i < upstreams.size(); ++i)
	{
		if (!named[i]) continue;
		if (!taken.insert(upstreams[i].name).second)
			v.problem("models[" + std::to_string(i) + "].name", "\"" + upstreams[i].name + "\" is already used by another model");
	}
	// An unnamed entry is called after its model; repeats get #2, #3 ... in order.
	std::map<std::string, int> seen;
	for (std::size_t i = 0; i < upstreams.size(); ++i)
	{
		if (named[i]) continue;
		const std::string& model = upstreams[i].model;
		std::string name = model;
		int& count = seen[model];
		if (count == 0) count = 1;
		while (taken.count(name)) name = model + "#" + std::to_string(++count);
		upstreams[i].name = name;
		taken.insert(name);
	}
}

bool isThisHost(const std::string& host)
{
	// Names only as far as they are known without asking DNS: validation must not hang.
	const std::string name = Poco::toLower(host);
	if (name == "localhost" || (name.size() > 10 && name.compare(name.size() - 10, 10, ".localhost") == 0)) return true;
	Poco::Net::IPAddress address;
	if (!Poco::Net::IPAddress::tryParse(host, address))
	{
		try
		{
			return name == Poco::toLower(Poco::Net::DNS::hostName());
		}
		catch (Poco::Exception&)
		{
			return false;
		}
	}
	if (address.isLoopback() || address.isWildcard()) return true;
	if (address.family() == Poco::Net::IPAddress::IPv6 && address.isIPv4Mapped())
	{
		const Poco::Net::IPAddress v4(static_cast<const unsigned char*>(address.addr()) + 12, 4);
		if (v4.isLoopback() || v4.isWildcard()) return true;
		address = v4;
	}
	try
	{
		for (const auto& network : Poco::Net::NetworkInterface::list(true, false))
		{
			for (const auto& assigned : network.addressList())
			{
				if (assigned.get<Poco::Net::NetworkInterface::IP_ADDRESS>() == address) return true;
			}
		}
	}
	catch (Poco::Exception&)
	{
	}
	return false;
}


void warnAboutLoops(Validation& v, const GatewayConfig& config)
{
	for (std::size_t i = 0; i < config.upstreams.size(); ++i)
	{
		const Poco::URI& base = config.upstreams[i].apiBase;
		if (base.getHost().empty() || base.getPort() != config.serverPort || !isThisHost(base.getHost())) continue;
		v.warning("models[" + std::to_string(i) + "].base_url", "leads to this gateway itself (" + base.getHost() + ", port " + std::to_string(config.serverPort) + " is server.port): its requests would come back and be refused with 508 loop_detected");
	}
}

} // namespace


ConfigLoader::Result ConfigLoader::load(const std::string& path)
{
	Result result;
	// Checked before opening: a FIFO would block the start, or a reload, for ever.
	const std::string irregular = ConfigFile::irregularity(path);
	if (!irregular.empty())
	{
		result.problems.push_back(path + ": " + irregular);
		return result;
	}
	std::string text;
	try
	{
		text = ConfigFile::read(path);
	}
	catch (Poco::FileNotFoundException&)
	{
		result.problems.push_back(path + ": cannot read the file: there is none");
		return result;
	}
	catch (Poco::Exception& exc)
	{
		result.problems.push_back(path + ": cannot read the file: " + exc.message());
		return result;
	}
	return parse(text, path);
}


ConfigLoader::Result ConfigLoader::parse(const std::string& text, const std::string& fileName)
{
	Validation v(fileName);
	Result& result = v.result();

	JsonScanner::Result syntax = JsonScanner::scan(text);
	if (!syntax.valid)
	{
		result.problems.push_back(fileName + ":" + std::to_string(syntax.errorLine) + ":" + std::to_string(syntax.errorColumn)
			+ ": invalid JSON: " + syntax.errorMessage);
		return result;
	}
	if (!syntax.isObject)
	{
		v.problem("(root)", "expected a JSON object");
		return result;
	}
	Object::Ptr root;
	try
	{
		root = Poco::JSON::Parser().parse(text).extract<Object::Ptr>();
	}
	catch (Poco::Exception& exc)
	{
		v.problem("(root)", "cannot be parsed: " + exc.message());
		return result;
	}

	auto config = std::make_shared<GatewayConfig>();
	v.unknownKeys(*root, "", {"auth_token", "admin_token", "models", "server", "settings", "groups"});
	v.string(*root, "auth_token", "", config->authToken);
	v.string(*root, "admin_token", "", config->adminToken);

	Array::Ptr models = root->has("models") ? root->getArray("models") : nullptr;
	if (!models || models->size() == 0)
	{
		v.problem("models", "expected a non-empty array of upstream models");
	}
	else
	{
		std::vector<bool> named;
		for (std::size_t i = 0; i < models->size(); ++i)
		{
			const std::string path = "models[" + std::to_string(i) + "]";
			Object::Ptr entry = models->getObject(i);
			if (!entry)
			{
				v.problem(path, "expected an object with model and base_url");
				continue;
			}
			UpstreamConfig upstream;
			loadUpstream(v, *entry, path, upstream);
			named.push_back(entry->has("name"));
			config->upstreams.push_back(std::move(upstream));
		}
		assignNames(v, config->upstreams, named);
	}

	if (Object::Ptr server = v.object(*root, "server", ""))
	{
		v.unknownKeys(*server, "server", {"model", "port", "host"});
		v.integer(*server, "port", "server", 0, 65535, config->serverPort);
		if (v.string(*server, "host", "server", config->serverHost))
		{
			Poco::Net::IPAddress address;
			if (!Poco::Net::IPAddress::tryParse(config->serverHost, address)) v.problem("server.host", "expected an IP address such as 0.0.0.0 or 127.0.0.1");
		}
	}

	bool strategyGiven = false;
	if (Object::Ptr settings = v.object(*root, "settings", ""))
	{
		v.unknownKeys(*settings, "settings", {"timeout", "connect_timeout", "max_attempts", "ip_affinity", "ip_affinity_ttl", "strategy", "strategy_options", "max_body_mb", "trusted_proxies", "metrics_public", "quota_cooldown", "probe_interval"});
		v.boolean(*settings, "metrics_public", "settings", config->metricsPublic);
		int wait = 0;
		if (v.integer(*settings, "quota_cooldown", "settings", 0, 366 * 86400, wait)) config->quotaCooldown = Poco::Timespan(wait, 0);
		if (v.integer(*settings, "probe_interval", "settings", 0, 86400, wait)) config->probeInterval = Poco::Timespan(wait, 0);
		double seconds = 0;
		if (v.positive(*settings, "timeout", "settings", seconds)) config->readTimeout = Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(seconds * Poco::Timespan::SECONDS));
		if (v.positive(*settings, "connect_timeout", "settings", seconds)) config->connectTimeout = Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(seconds * Poco::Timespan::SECONDS));
		v.integer(*settings, "max_attempts", "settings", 1, 100, config->maxAttempts);
		v.boolean(*settings, "ip_affinity", "settings", config->ipAffinity);
		v.integer(*settings, "ip_affinity_ttl", "settings", 0, 365 * 86400, config->ipAffinityTtlSeconds);
		strategyGiven = v.stringList(*settings, "strategy", "settings", false, config->strategy);
		config->strategyOptions = v.object(*settings, "strategy_options", "settings");
		double megabytes = 0;
		if (v.positive(*settings, "max_body_mb", "settings", megabytes)) config->maxBodyBytes = static_cast<std::size_t>(megabytes * 1024 * 1024);
		if (v.stringList(*settings, "trusted_proxies", "settings", false, config->trustedProxies))
		{
			for (std::size_t i = 0; i < config->trustedProxies.size(); ++i)
			{
				Poco::Net::IPAddress address;
				if (!Poco::Net::IPAddress::tryParse(config->trustedProxies[i], address))
					v.problem("settings.trusted_proxies[" + std::to_string(i) + "]", "expected an IP address");
			}
		}
	}
	if (!config->strategyOptions) config->strategyOptions = new Object;
	if (!strategyGiven)
	{
		config->strategy = {"group", "round-robin"};
		if (config->ipAffinity) config->strategy.push_back("ip-affinity");
	}

	if (Object::Ptr groups = v.object(*root, "groups", ""))
	{
		for (const auto& group : *groups)
		{
			const std::string path = Validation::join("groups", group.first);
			Object::Ptr settings = v.object(*groups, group.first, "groups");
			if (!settings) continue;
			v.unknownKeys(*settings, path, {"priority"});
			int priority = 0;
			if (v.integer(*settings, "priority", path, -1000000, 1000000, priority)) config->groupPriority[group.first] = priority;
		}
	}

	if (result.problems.empty())
	{
		warnAboutLoops(v, *config); // only now is models[i] sure to be upstreams[i]
		result.config = config;
	}
	return result;
}

} // namespace AILoad

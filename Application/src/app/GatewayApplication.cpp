#include "GatewayApplication.h"

#include "ConfigFile.h"
#include "ConfigFileWatcher.h"
#include "Gateway.h"
#include "StrategyChain.h"
#include <Poco/File.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Path.h>
#include <Poco/StringTokenizer.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <algorithm>
#include <csignal>
#include <iostream>
#include <sys/resource.h>

using Poco::Util::Option;
using Poco::Util::OptionSet;

#ifndef AILOAD_VERSION
#define AILOAD_VERSION "0.0.0"
#endif

namespace AILoad {

namespace {

void raiseOpenFileLimit()
{
	// Every stream holds two sockets; the usual soft limit of 1024 is far too low.
	rlimit limit;
	if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
	{
		limit.rlim_cur = limit.rlim_max;
		::setrlimit(RLIMIT_NOFILE, &limit);
	}
}

} // namespace


GatewayApplication::GatewayApplication(std::string startDirectory):
	_startDirectory(std::move(startDirectory))
{
	setUnixOptions(true);
}


void GatewayApplication::defineOptions(OptionSet& options)
{
	ServerApplication::defineOptions(options);
	options.addOption(Option("help", "h", "Show the options and exit.")
						  .required(false)
						  .repeatable(false));
	options.addOption(Option("version", "V", "Show the version and exit.")
						  .required(false)
						  .repeatable(false));
	options.addOption(Option("check-config", "", "Validate etc/aiload.properties and data/config.json, print `config OK` or each problem, exit 0 or 1.")
						  .required(false)
						  .repeatable(false));
	options.addOption(Option("properties", "p", "Load process settings from FILE.")
						  .required(false)
						  .repeatable(false)
						  .argument("FILE"));
	options.addOption(Option("define", "D", "Set a property, overriding the properties file (e.g. -Daiload.config=/tmp/x.json).")
						  .required(false)
						  .repeatable(true)
						  .argument("key=value"));
}


void GatewayApplication::handleOption(const std::string& name, const std::string& value)
{
	ServerApplication::handleOption(name, value);
	if (name == "help")
	{
		_helpRequested = true;
		stopOptionsProcessing();
	}
	else if (name == "version")
		_versionRequested = true;
	else if (name == "check-config")
		_checkConfig = true;
	else if (name == "properties")
		_propertiesFile = value;
	else if (name == "define")
	{
		const std::string::size_type equals = value.find('=');
		config().setString(value.substr(0, equals), equals == std::string::npos ? "" : value.substr(equals + 1));
	}
}


void GatewayApplication::initialize(Poco::Util::Application& self)
{
	const std::string properties = _propertiesFile.empty() ? defaultPropertiesFile() : resolve(_propertiesFile);
	if (!_propertiesFile.empty() && !Poco::File(properties).exists())
		throw Poco::FileNotFoundException("properties file " + properties);
	// Before ServerApplication::initialize(), so that logging is configured from the file.
	if (!properties.empty()) loadConfiguration(properties);
	ServerApplication::initialize(self);
}


int GatewayApplication::main(const std::vector<std::string>&)
{
	if (_helpRequested)
	{
		displayHelp();
		return EXIT_OK;
	}
	if (_versionRequested)
	{
		std::cout << "aiload " << AILOAD_VERSION << std::endl;
		return EXIT_OK;
	}

	const std::string configPath = resolve(config().getString("aiload.config", "data/config.json"));
	if (_checkConfig)
	{
		const ConfigLoader::Result result = ConfigLoader::load(configPath);
		for (const auto& warning : result.warnings) std::cout << "warning: " << warning << std::endl;
		if (!reportProblems(result)) return 1;
		try
		{
			StrategyChain(pluginPath()).configure(*result.config);
		}
		catch (Poco::Exception& exc)
		{
			std::cerr << configPath << ": " << exc.message() << std::endl;
			return 1;
		}
		std::cout << "config OK" << std::endl;
		return EXIT_OK;
	}

	if (ConfigFile::createIfMissing(configPath))
		logger().information("No config at %s: wrote the default one. Add your models there.", configPath);
	ConfigLoader::Result loaded = ConfigLoader::load(configPath);
	if (!reportProblems(loaded)) return EXIT_CONFIG;
	if (loaded.config->authToken.empty())
	{
		ConfigFile::ensureAuthToken(configPath);
		logger().notice("Generated a client token and wrote it to %s (auth_token).", configPath);
		loaded = ConfigLoader::load(configPath);
		if (!reportProblems(loaded)) return EXIT_CONFIG;
	}
	for (const auto& warning : loaded.warnings) logger().warning(warning);
	if (ConfigFile::readableByOthers(configPath))
		logger().warning("%s holds keys and is readable by group or others: chmod 600 it.", configPath);

	raiseOpenFileLimit();
	Gateway::ServerSettings settings;
	settings.eventLoops = config().getInt("aiload.server.eventLoops", settings.eventLoops);
	settings.minThreads = config().getInt("aiload.server.minThreads", settings.minThreads);
	settings.maxThreads = config().getInt("aiload.server.maxThreads", settings.maxThreads);
	settings.stackSize = config().getInt("aiload.server.stackSize", settings.stackSize);
	settings.backlog = config().getInt("aiload.server.backlog", settings.backlog);
	settings.keepAliveTimeout = Poco::Timespan(config().getInt("aiload.server.keepAliveTimeout", 15), 0);
	settings.receiveTimeout = Poco::Timespan(config().getInt("aiload.server.receiveTimeout", 30), 0);
	settings.sendTimeout = Poco::Timespan(config().getInt("aiload.server.sendTimeout", 30), 0);
	settings.requestTimeout = Poco::Timespan(config().getInt("aiload.server.requestTimeout", 30), 0);
	settings.firstByteTimeout = Poco::Timespan(config().getInt("aiload.server.firstByteTimeout", 5), 0);
	settings.maxBodyMemory = static_cast<std::size_t>(std::max(1, config().getInt("aiload.server.maxBodyMemoryMb", 256))) * 1024 * 1024;
	settings.upstreamIdleTimeout = Poco::Timespan(config().getInt("aiload.upstream.idleTimeout", 15), 0);
	settings.maxIdlePerHost = static_cast<std::size_t>(config().getInt("aiload.upstream.maxIdlePerHost", 64));
	settings.extraCaLocation = config().getString("aiload.tls.caLocation", "");
	if (!settings.extraCaLocation.empty()) settings.extraCaLocation = resolve(settings.extraCaLocation);
	settings.maxConnectionsPerAddress = static_cast<std::size_t>(std::max(0, config().getInt("aiload.server.maxConnectionsPerAddress", 256)));
	settings.connectionLimitExempt.clear();
	const Poco::StringTokenizer exempt(config().getString("aiload.server.connectionLimitExempt", "127.0.0.1, ::1"), ",",
		Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
	for (const auto& address : exempt)
	{
		Poco::Net::IPAddress parsed;
		if (!Poco::Net::IPAddress::tryParse(address, parsed))
		{
			startupError("aiload.server.connectionLimitExempt: \"" + address + "\" is not an IP address");
			return EXIT_CONFIG;
		}
		settings.connectionLimitExempt.push_back(address);
	}
	if (config().getBool("aiload.accessLog.enabled", true))
	{
		AccessLog::Settings log;
		log.path = resolve(config().getString("aiload.accessLog.path", log.path));
		log.rotateSize = config().getString("aiload.accessLog.rotateSize", log.rotateSize);
		log.keep = std::max(0, config().getInt("aiload.accessLog.keep", log.keep));
		log.queueLines = static_cast<std::size_t>(std::max(1, config().getInt("aiload.accessLog.queueLines", static_cast<int>(log.queueLines))));
		try
		{
			settings.accessLog = std::make_shared<AccessLog>(log);
		}
		catch (Poco::Exception& exc)
		{
			startupError("cannot open the access log " + log.path + ": " + exc.displayText() + " (aiload.accessLog.path; aiload.accessLog.enabled = false turns it off)");
			return EXIT_CANTCREAT;
		}
	}

	std::unique_ptr<Gateway> gateway;
	try
	{
		gateway = std::make_unique<Gateway>(loaded.config, settings, std::make_unique<StrategyChain>(pluginPath()));
	}
	catch (Poco::Exception& exc)
	{
		// A strategy plugin that is missing, broken or refuses its options.
		startupError(configPath + ": " + exc.message());
		return EXIT_CONFIG;
	}
	try
	{
		gateway->start();
	}
	catch (Poco::Exception& exc)
	{
		// Most often the port is taken: say so, rather than a stack of POCO's words.
		startupError(exc.message());
		return EXIT_UNAVAILABLE;
	}
	logger().information("AILoad %s listening on %s:%hu with %z upstreams (config %s)", std::string(AILOAD_VERSION),
		loaded.config->serverHost, gateway->port(), loaded.config->upstreams.size(), configPath);

	serveUntilTerminated(*gateway, configPath);

	const Poco::Timespan drain(config().getInt("aiload.shutdown.drainSeconds", 10), 0);
	logger().information("Stopping: letting requests in flight finish (up to %d s).", static_cast<int>(drain.totalSeconds()));
	if (!gateway->stop(drain)) logger().warning("Drain time over: cut the requests still in flight.");
	logger().information("Stopped.");
	return EXIT_OK;
}


sigset_t GatewayApplication::handledSignals()
{
	sigset_t signals;
	sigemptyset(&signals);
	for (int signal : {SIGINT, SIGTERM, SIGQUIT, SIGHUP}) sigaddset(&signals, signal);
	return signals;
}


void GatewayApplication::serveUntilTerminated(Gateway& gateway, const std::string& configPath)
{
	ConfigFileWatcher watcher(configPath, [&] { reload(gateway, configPath, "it changed on disk"); });
	// main() blocked these signals before any thread started, so they queue for sigwait here.
	const sigset_t signals = handledSignals();
	for (;;)
	{
		int signal = 0;
		if (sigwait(&signals, &signal) != 0 || signal != SIGHUP) return;
		reload(gateway, configPath, "SIGHUP");
	}
}


void GatewayApplication::reload(Gateway& gateway, const std::string& configPath, const std::string& why)
{
	std::lock_guard<std::mutex> lock(_reloadMutex); // SIGHUP and the file watcher may coincide
	const ConfigLoader::Result reloaded = ConfigLoader::load(configPath);
	for (const auto& warning : reloaded.warnings) logger().warning(warning);
	if (!reloaded.config || reloaded.config->authToken.empty())
	{
		for (const auto& problem : reloaded.problems) logger().error(problem);
		logger().error("Reload of %s (%s) refused: %s; the running config stays.", configPath, why,
			reloaded.config ? std::string("auth_token is empty") : std::string("invalid config"));
		gateway.ledger().configReloaded(false);
		return;
	}
	const GatewayConfig::Ptr running = gateway.config();
	if (reloaded.config->serverHost != running->serverHost || reloaded.config->serverPort != running->serverPort)
		logger().warning("server.host and server.port take effect at the next start.");
	try
	{
		gateway.setConfig(reloaded.config);
	}
	catch (Poco::Exception& exc)
	{
		logger().error("%s: %s", configPath, exc.message());
		logger().error("Reload of %s (%s) refused (strategy plugins); the running config stays.", configPath, why);
		gateway.ledger().configReloaded(false);
		return;
	}
	gateway.ledger().configReloaded(true);
	logger().information("Reloaded %s (%s): %z upstreams.", configPath, why, reloaded.config->upstreams.size());
}


bool GatewayApplication::reportProblems(const ConfigLoader::Result& result)
{
	for (const auto& problem : result.problems) startupError(problem);
	return result.problems.empty();
}


void GatewayApplication::startupError(const std::string& message)
{
	std::cerr << message << std::endl;
	// A daemon's standard error is /dev/null: the log is where an operator looks.
	if (config().getBool("application.runAsDaemon", false)) logger().critical(message);
}


std::string GatewayApplication::resolve(const std::string& path) const
{
	Poco::Path resolved(path);
	if (resolved.isRelative()) resolved.makeAbsolute(Poco::Path(_startDirectory).makeDirectory());
	return resolved.toString();
}


std::string GatewayApplication::pluginPath() const
{
	const std::string configured = config().getString("aiload.plugins.path", "");
	return configured.empty() ? defaultPluginPath() : resolve(configured);
}


std::string GatewayApplication::defaultPluginPath() const
{
	// An installation keeps its plugins in lib/aiload/plugins beside bin/, and the build tree
	// does the same (build/Application/aiload -> build/lib/aiload/plugins). The folder the
	// build wrote them to serves a binary that was copied elsewhere.
	Poco::Path installed(config().getString("application.dir", ""));
	installed.makeDirectory().popDirectory().pushDirectory("lib").pushDirectory("aiload").pushDirectory("plugins");
	if (Poco::File(installed).exists()) return installed.toString();
#ifdef AILOAD_BUILD_PLUGIN_DIR
	if (Poco::File(AILOAD_BUILD_PLUGIN_DIR).exists()) return AILOAD_BUILD_PLUGIN_DIR;
#endif
	return installed.toString();
}


std::string GatewayApplication::defaultPropertiesFile() const
{
	const std::string inStartDirectory = resolve("etc/aiload.properties");
	if (Poco::File(inStartDirectory).exists()) return inStartDirectory;
	Poco::Path installed(config().getString("application.dir", ""));
	installed.makeDirectory().popDirectory().pushDirectory("etc").setFileName("aiload.properties");
	if (Poco::File(installed).exists()) return installed.toString();
	return "";
}


void GatewayApplication::displayHelp()
{
	Poco::Util::HelpFormatter help(options());
	help.setCommand(commandName());
	help.setUsage("[--properties=FILE] [-Dkey=value ...] [--check-config] [--daemon --pidfile=FILE]");
	const std::string properties = _propertiesFile.empty() ? defaultPropertiesFile() : resolve(_propertiesFile);
	help.setHeader("AILoad: one OpenAI-compatible endpoint in front of many upstream model APIs.");
	help.setFooter("Properties file: " + (properties.empty() ? std::string("none found (looked for etc/aiload.properties here and beside the installation)") : properties)
		+ ". Config: the property aiload.config (default data/config.json, relative to the start directory)."
		+ " Strategy plugins: the property aiload.plugins.path (default " + defaultPluginPath() + ").");
	help.format(std::cout);
}

} // namespace AILoad

#ifndef AILoad_GatewayApplication_INCLUDED
#define AILoad_GatewayApplication_INCLUDED

#include "ConfigLoader.h"
#include <Poco/Util/ServerApplication.h>
#include <csignal>
#include <mutex>
#include <string>

namespace AILoad {

class Gateway;

class GatewayApplication final: public Poco::Util::ServerApplication
	/// The `aiload` process: options, etc/aiload.properties, data/config.json chores
	/// (seed, token, validation), then the Gateway until SIGTERM/SIGINT; SIGHUP reloads.
{
public:
	static sigset_t handledSignals();
		/// SIGINT, SIGTERM, SIGQUIT (stop) and SIGHUP (reload): main() blocks them before any
		/// thread starts, so that the main thread takes them with sigwait().

	explicit GatewayApplication(std::string startDirectory);

protected:
	void defineOptions(Poco::Util::OptionSet& options) override;
	void handleOption(const std::string& name, const std::string& value) override;
	void initialize(Poco::Util::Application& self) override;
	int main(const std::vector<std::string>& args) override;

private:
	std::string resolve(const std::string& path) const;
		/// A relative path is taken from the directory the process started in
		/// (a daemon later changes to "/").
	std::string pluginPath() const;
		/// The plugin folder: `aiload.plugins.path`, or defaultPluginPath().
	std::string defaultPluginPath() const;
		/// lib/aiload/plugins of the installation (or build tree) the binary is in, else the
		/// folder the build put the built-in plugins in.
	std::string defaultPropertiesFile() const;
	void displayHelp();
	void startupError(const std::string& message);
		/// Standard error, and the log when running as a daemon.
	bool reportProblems(const ConfigLoader::Result& result);
	void serveUntilTerminated(Gateway& gateway, const std::string& configPath);
		/// Until SIGTERM/SIGINT/SIGQUIT; reloads on SIGHUP and when the config file changes.
	void reload(Gateway& gateway, const std::string& configPath, const std::string& why);
		/// A valid file takes effect for new requests; an invalid one is refused and logged.

	std::string _startDirectory;
	std::string _propertiesFile;
	bool _helpRequested = false;
	bool _versionRequested = false;
	bool _checkConfig = false;
	std::mutex _reloadMutex;
};

} // namespace AILoad

#endif

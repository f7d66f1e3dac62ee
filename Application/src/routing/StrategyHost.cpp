#include "StrategyHost.h"

#include "AILoad/StrategyPlugin.h"
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/SharedLibrary.h>

namespace AILoad {

StrategyHost::StrategyHost(std::string pluginPath):
	_pluginPath(std::move(pluginPath)),
	_loader(std::make_shared<Loader>())
{
}


Strategy::Ptr StrategyHost::create(const std::string& name)
{
	// A name is a file name, never a path: settings.strategy must not reach outside the folder.
	if (name.empty() || name.front() == '.' || name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != std::string::npos)
		throw Poco::LibraryLoadException("\"" + name + "\" is not a plugin name: use letters, digits, '.', '_' and '-'");
	const std::string path = libraryPath(name);
	if (!Poco::File(path).exists())
		throw Poco::LibraryLoadException(path + ": no such file (the plugin folder is " + _pluginPath + ", property aiload.plugins.path)");

	checkCompatibility(path);
	try
	{
		_loader->loadLibrary(path);
	}
	catch (Poco::Exception& exc)
	{
		throw Poco::LibraryLoadException(path + ": it has no AILoad::Strategy manifest (" + exc.message() + "): build it with AILOAD_STRATEGY_PLUGIN()");
	}

	Strategy* strategy = nullptr;
	try
	{
		const Loader::Manif& manifest = *_loader->findManifest(path);
		if (manifest.size() != 1)
			throw Poco::LibraryLoadException(path + ": it exports " + std::to_string(manifest.size()) + " strategy classes, expected exactly one");
		strategy = (*manifest.begin())->create();
	}
	catch (Poco::LibraryLoadException&)
	{
		_loader->unloadLibrary(path);
		throw;
	}
	catch (std::exception& exc)
	{
		_loader->unloadLibrary(path);
		throw Poco::LibraryLoadException(path + ": its strategy could not be created: " + exc.what());
	}

	// The deleter runs the plugin's destructor, then gives back this object's reference to the
	// library, which is unloaded with the last one.
	std::shared_ptr<Loader> loader = _loader;
	return Strategy::Ptr(strategy, [loader, path](Strategy* doomed) {
		delete doomed;
		loader->unloadLibrary(path);
	});
}


std::string StrategyHost::libraryPath(const std::string& name) const
{
	return Poco::Path(Poco::Path::forDirectory(_pluginPath), name + Poco::SharedLibrary::suffix()).toString();
}


void StrategyHost::checkCompatibility(const std::string& path) const
{
	// Read with dlsym only: a plugin built for another version or C++ library is refused
	// before any call into it that depends on the layout of the SDK's types.
	Poco::SharedLibrary library;
	try
	{
		library.load(path);
	}
	catch (Poco::Exception& exc)
	{
		throw Poco::LibraryLoadException(path + ": cannot be loaded: " + exc.message());
	}
	if (!library.hasSymbol(AILOAD_STRATEGY_API_VERSION_SYMBOL))
	{
		library.unload();
		throw Poco::LibraryLoadException(path + ": not an AILoad strategy plugin (it exports no " AILOAD_STRATEGY_API_VERSION_SYMBOL "): build it with AILOAD_STRATEGY_PLUGIN()");
	}
	const int version = *static_cast<const int*>(library.getSymbol(AILOAD_STRATEGY_API_VERSION_SYMBOL));
	// A plugin of another version may not export a signature at all (version 1 had none): the
	// version is the plainer reason.
	if (version != AILOAD_STRATEGY_API_VERSION)
	{
		library.unload();
		throw Poco::LibraryLoadException(path + ": built for strategy API version " + std::to_string(version) + ", but this AILoad needs version "
			+ std::to_string(AILOAD_STRATEGY_API_VERSION) + ": rebuild the plugin against this AILoad's SDK");
	}
	if (!library.hasSymbol(AILOAD_STRATEGY_SIGNATURE_SYMBOL))
	{
		library.unload();
		throw Poco::LibraryLoadException(path + ": it exports no " AILOAD_STRATEGY_SIGNATURE_SYMBOL ": build it with AILOAD_STRATEGY_PLUGIN() of this AILoad's SDK");
	}
	const std::string signature = static_cast<const StrategySignature*>(library.getSymbol(AILOAD_STRATEGY_SIGNATURE_SYMBOL))->str();
	library.unload();
	const std::string own = StrategySignature::build().str();
	if (signature != own)
		throw Poco::LibraryLoadException(path + ": built for \"" + signature + "\" but this AILoad is \"" + own
			+ "\": rebuild the plugin against this AILoad's SDK, with the same C++ library and POCO");
}


} // namespace AILoad

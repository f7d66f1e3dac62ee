#ifndef AILoad_StrategyHost_INCLUDED
#define AILoad_StrategyHost_INCLUDED

#include "AILoad/Strategy.h"
#include <Poco/ClassLoader.h>
#include <memory>
#include <string>

namespace AILoad {

class StrategyHost final
	/// Loads strategy plugins from the plugin folder (`aiload.plugins.path`) with
	/// Poco::ClassLoader and creates their strategies.
	///
	/// The strategy `name` is the library `<folder>/<name>.so`. Before any of its code is
	/// called through the Strategy interface, the library's API version (the symbol
	/// `aiload_strategy_api_version`) must equal this build's AILOAD_STRATEGY_API_VERSION, its
	/// signature (`aiload_strategy_signature`: API version, POCO version, C++ ABI and library)
	/// must equal this build's StrategySignature, and its POCO manifest must export exactly
	/// one AILoad::Strategy class.
	///
	/// Every strategy holds a reference to its library (and to the class loader), so no
	/// object outlives the code it runs on, whichever is destroyed first. Thread-safe.
{
public:
	explicit StrategyHost(std::string pluginPath);

	Strategy::Ptr create(const std::string& name);
		/// A new strategy from the plugin `name`. Throws Poco::LibraryLoadException with a
		/// message naming the file and the reason when it cannot.

	std::string libraryPath(const std::string& name) const;
		/// The file that holds the plugin `name`.

private:
	using Loader = Poco::ClassLoader<Strategy>;

	void checkCompatibility(const std::string& path) const;
		/// Throws unless the library's API version and signature are this build's.

	std::string _pluginPath;
	std::shared_ptr<Loader> _loader;
};

} // namespace AILoad

#endif

#include "ConfigFileWatcher.h"

#include <Poco/File.h>

namespace AILoad {

ConfigFileWatcher::ConfigFileWatcher(std::string path, std::function<void()> changed, long intervalMilliseconds):
	_path(std::move(path)),
	_changed(std::move(changed)),
	_timer(intervalMilliseconds, intervalMilliseconds)
{
	snapshot(_modified, _size);
	_timer.start(Poco::TimerCallback<ConfigFileWatcher>(*this, &ConfigFileWatcher::check));
}


ConfigFileWatcher::~ConfigFileWatcher()
{
	_timer.stop();
}


void ConfigFileWatcher::check(Poco::Timer&)
{
	Poco::Timestamp modified;
	Poco::File::FileSize size = 0;
	if (!snapshot(modified, size) || (modified == _modified && size == _size)) return;
	_modified = modified;
	_size = size;
	_changed();
}


bool ConfigFileWatcher::snapshot(Poco::Timestamp& modified, Poco::File::FileSize& size) const
{
	try
	{
		Poco::File file(_path);
		modified = file.getLastModified();
		size = file.getSize();
		return true;
	}
	catch (Poco::Exception&)
	{
		return false; // gone for a moment (being replaced): look again next time
	}
}

} // namespace AILoad

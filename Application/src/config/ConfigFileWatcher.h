#ifndef AILoad_ConfigFileWatcher_INCLUDED
#define AILoad_ConfigFileWatcher_INCLUDED

#include <Poco/File.h>
#include <Poco/Timer.h>
#include <Poco/Timestamp.h>
#include <functional>
#include <string>

namespace AILoad {

class ConfigFileWatcher
	/// Calls back when a file's modification time or size changes, checking once a second.
	/// Polling a stat() is cheap and, unlike inotify on the file, survives editors and
	/// ConfigFile::writeAtomically() replacing the file by a rename.
{
public:
	ConfigFileWatcher(std::string path, std::function<void()> changed, long intervalMilliseconds = 1000);
	~ConfigFileWatcher();

private:
	void check(Poco::Timer&);
	bool snapshot(Poco::Timestamp& modified, Poco::File::FileSize& size) const;

	const std::string _path;
	const std::function<void()> _changed;
	Poco::Timestamp _modified;
	Poco::File::FileSize _size = 0;
	Poco::Timer _timer;
};

} // namespace AILoad

#endif

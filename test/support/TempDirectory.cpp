#include "TempDirectory.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>
#include <sys/stat.h>

namespace AILoad {
namespace Test {

TempDirectory::TempDirectory():
	_path(Poco::TemporaryFile::tempName())
{
	Poco::File(_path).createDirectories();
}


TempDirectory::~TempDirectory()
{
	try
	{
		Poco::File(_path).remove(true);
	}
	catch (Poco::Exception&)
	{
	}
}


const std::string& TempDirectory::path() const
{
	return _path;
}


std::string TempDirectory::file(const std::string& name) const
{
	if (Poco::Path(name).isAbsolute()) return name;
	return Poco::Path(_path).makeDirectory().append(name).toString();
}


std::string TempDirectory::write(const std::string& name, const std::string& text, mode_t mode) const
{
	const std::string path = file(name);
	{
		Poco::FileOutputStream out(path);
		out << text;
	}
	::chmod(path.c_str(), mode);
	return path;
}


std::string TempDirectory::read(const std::string& name) const
{
	std::string text;
	Poco::FileInputStream in(file(name));
	Poco::StreamCopier::copyToString(in, text);
	return text;
}

} // namespace Test
} // namespace AILoad

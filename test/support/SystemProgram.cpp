#include "SystemProgram.h"

#include <Poco/Environment.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/StringTokenizer.h>
#include <cppunit/TestAssert.h>
#include <iostream>

namespace AILoad {
namespace Test {

std::string SystemProgram::find(const std::string& name)
{
	const Poco::StringTokenizer folders(Poco::Environment::get("PATH", "/usr/local/bin:/usr/bin:/bin"), ":", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
	for (const std::string& folder : folders)
	{
		const Poco::File candidate(Poco::Path(Poco::Path::forDirectory(folder), name));
		if (candidate.exists() && candidate.isFile() && candidate.canExecute()) return candidate.path();
	}
	return "";
}


std::string SystemProgram::require(const std::string& name, const std::string& debianPackage, const std::string& skipVariable)
{
	const std::string path = find(name);
	if (!path.empty()) return path;
	if (Poco::Environment::get(skipVariable, "") == "1")
	{
		std::cout << "\n  skipped: " << name << " is not installed and " << skipVariable << "=1\n"
				  << std::flush;
		return "";
	}
	CPPUNIT_FAIL(name + " is not installed: apt-get install " + debianPackage + " (scripts/build.sh --install-deps does),"
																				" or set "
		+ skipVariable + "=1 to skip the tests that need it");
	return "";
}

} // namespace Test
} // namespace AILoad

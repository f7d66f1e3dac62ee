#ifndef AILoad_Test_SystemProgram_INCLUDED
#define AILoad_Test_SystemProgram_INCLUDED

#include <string>

namespace AILoad {
namespace Test {

class SystemProgram
	/// A program of the system that a suite drives (chromium, promtool, prometheus), found on
	/// PATH. scripts/build.sh --install-deps installs them, so a missing one fails the test:
	/// a suite that passes without running would hide that CI lost it. Only a person who
	/// means it skips such tests, by setting the suite's variable (e.g.
	/// AILOAD_SKIP_BROWSER_TESTS=1).
{
public:
	static std::string find(const std::string& name);
		/// The program's path, or "" when no folder of PATH has it.

	static std::string require(const std::string& name, const std::string& debianPackage, const std::string& skipVariable);
		/// The program's path. When it is missing: "" after printing a line saying the test
		/// is skipped if `skipVariable` is 1 in the environment, else the test fails with a
		/// message naming the package to install and the variable.
};

} // namespace Test
} // namespace AILoad

#endif

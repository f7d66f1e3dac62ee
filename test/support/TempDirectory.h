#ifndef AILoad_Test_TempDirectory_INCLUDED
#define AILoad_Test_TempDirectory_INCLUDED

#include <string>
#include <sys/types.h>

namespace AILoad {
namespace Test {

class TempDirectory
	/// A fresh folder for one test, removed with everything in it.
{
public:
	TempDirectory();
		/// Creates the folder under the system's temporary directory.

	~TempDirectory();

	TempDirectory(const TempDirectory&) = delete;
	TempDirectory& operator=(const TempDirectory&) = delete;

	const std::string& path() const;

	std::string file(const std::string& name) const;
		/// The path of `name` (which may hold folders) inside the folder; an absolute
		/// path stays as it is, so the methods below take what file() returned as well.

	std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) const;
		/// Writes the file (mode 0600 unless told: a config holds secrets) and returns its path.

	std::string read(const std::string& name) const;
		/// The whole file.

private:
	std::string _path;
};

} // namespace Test
} // namespace AILoad

#endif

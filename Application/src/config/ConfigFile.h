#ifndef AILoad_ConfigFile_INCLUDED
#define AILoad_ConfigFile_INCLUDED

#include <string>

namespace AILoad {

class ConfigFile
	/// The start-up chores on data/config.json: seed it when missing, and give it a
	/// client token when it has none. Writes are atomic (temp file + rename, mode 0600).
	/// Reads refuse anything but a regular file: opening a FIFO would block for ever.
{
public:
	static const std::string& seed();
		/// The original AILoad default config.

	static bool createIfMissing(const std::string& path);
		/// Writes seed() to `path` (creating its folder) when no file is there; true if it did.

	static bool ensureAuthToken(const std::string& path);
		/// When the file's top-level `auth_token` is empty or absent, writes a generated one
		/// into it, changing no other byte of the file. True if it did. The file must be valid.

	static std::string read(const std::string& path);
		/// The whole file. Throws Poco::FileNotFoundException when there is none, and
		/// Poco::FileException (naming the path) when it is not a regular file or cannot be read.

	static std::string irregularity(const std::string& path);
		/// "is not a regular file (it is a FIFO)" and the like when `path` is something
		/// other than a regular file (a symbolic link is followed), found without opening
		/// it; "" for a regular file or nothing at all.

	static void writeAtomically(const std::string& path, const std::string& content);
		/// Writes a temp file beside `path` with mode 0600, syncs it and renames it over `path`.

	static bool readableByOthers(const std::string& path);
		/// True if group or others may read the file.
};

} // namespace AILoad

#endif

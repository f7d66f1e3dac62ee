#include "ConfigFile.h"

#include "AuthToken.h"
#include "JsonScanner.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/JSONString.h>
#include <Poco/Path.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace AILoad {

namespace {

std::string irregularityOf(const struct stat& status)
{
	if (S_ISREG(status.st_mode)) return "";
	const char* kind = "neither a file nor a folder";
	if (S_ISDIR(status.st_mode)) kind = "a directory";
	else if (S_ISFIFO(status.st_mode))
		kind = "a FIFO";
	else if (S_ISSOCK(status.st_mode))
		kind = "a socket";
	else if (S_ISCHR(status.st_mode))
		kind = "a character device";
	else if (S_ISBLK(status.st_mode))
		kind = "a block device";
	return std::string("is not a regular file (it is ") + kind + ")";
}

} // namespace


const std::string& ConfigFile::seed()
{
	static const std::string text = "{\n"
									"  \"auth_token\": \"\",\n"
									"  \"models\": [\n"
									"    { \"api_key\": \"sk-xxx\", \"base_url\": \"https://api.openai.com/v1/chat/completions\", \"model\": \"gpt-4o\" }\n"
									"  ],\n"
									"  \"server\": { \"model\": \"release\", \"port\": 2081 },\n"
									"  \"settings\": { \"timeout\": 120 }\n"
									"}\n";
	return text;
}


bool ConfigFile::createIfMissing(const std::string& path)
{
	if (Poco::File(path).exists()) return false;
	Poco::Path parent = Poco::Path(path).makeParent();
	if (!parent.toString().empty()) Poco::File(parent).createDirectories();
	writeAtomically(path, seed());
	return true;
}


bool ConfigFile::ensureAuthToken(const std::string& path)
{
	std::string text = read(path);
	JsonScanner::Result scanned = JsonScanner::scan(text);
	if (!scanned.valid || !scanned.isObject) throw Poco::DataFormatException("not a JSON object", path);

	const std::string token = Poco::toJSON(AuthToken::generate(), Poco::JSON_WRAP_STRINGS);
	const JsonScanner::Member* member = scanned.find("auth_token");
	if (member)
	{
		std::string_view value(text.data() + member->valueBegin, member->valueEnd - member->valueBegin);
		if (value != "\"\"" && value != "null") return false;
		text.replace(member->valueBegin, member->valueEnd - member->valueBegin, token);
	}
	else
	{
		const std::size_t brace = text.find('{') + 1;
		text.insert(brace, "\n  \"auth_token\": " + token + (scanned.members.empty() ? "" : ","));
	}
	writeAtomically(path, text);
	return true;
}


std::string ConfigFile::read(const std::string& path)
{
	const std::string wrong = irregularity(path);
	if (!wrong.empty()) throw Poco::FileException(path + " " + wrong);
	// Non-blocking, and checked again once open: the path may have been replaced meanwhile,
	// and opening a FIFO must not wait for a writer.
	const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
	{
		if (errno == ENOENT) throw Poco::FileNotFoundException(path);
		throw Poco::FileException("cannot open " + path + ": " + std::strerror(errno));
	}
	struct stat status;
	if (::fstat(fd, &status) != 0)
	{
		const int error = errno;
		::close(fd);
		throw Poco::FileException("cannot read " + path + ": " + std::strerror(error));
	}
	if (!S_ISREG(status.st_mode))
	{
		::close(fd);
		throw Poco::FileException(path + " " + irregularityOf(status));
	}
	std::string text;
	char buffer[8192];
	for (;;)
	{
		const ssize_t n = ::read(fd, buffer, sizeof(buffer));
		if (n < 0 && errno == EINTR) continue;
		if (n < 0)
		{
			const int error = errno;
			::close(fd);
			throw Poco::FileException("cannot read " + path + ": " + std::strerror(error));
		}
		if (n == 0) break;
		text.append(buffer, static_cast<std::size_t>(n));
	}
	::close(fd);
	return text;
}


std::string ConfigFile::irregularity(const std::string& path)
{
	struct stat status;
	if (::stat(path.c_str(), &status) != 0) return "";
	return irregularityOf(status);
}


void ConfigFile::writeAtomically(const std::string& path, const std::string& content)
{
	const std::string temp = path + ".tmp." + std::to_string(::getpid());
	int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) throw Poco::FileException("cannot create " + temp + ": " + std::strerror(errno));
	std::size_t written = 0;
	while (written < content.size())
	{
		ssize_t n = ::write(fd, content.data() + written, content.size() - written);
		if (n < 0 && errno == EINTR) continue;
		if (n <= 0)
		{
			int error = errno;
			::close(fd);
			::unlink(temp.c_str());
			throw Poco::FileException("cannot write " + temp + ": " + std::strerror(error));
		}
		written += static_cast<std::size_t>(n);
	}
	::fchmod(fd, 0600); // the umask may have taken bits away, never added them; be exact anyway
	::fsync(fd);
	::close(fd);
	if (::rename(temp.c_str(), path.c_str()) != 0)
	{
		int error = errno;
		::unlink(temp.c_str());
		throw Poco::FileException("cannot replace " + path + ": " + std::strerror(error));
	}
}


bool ConfigFile::readableByOthers(const std::string& path)
{
	struct stat status;
	return ::stat(path.c_str(), &status) == 0 && (status.st_mode & (S_IRGRP | S_IROTH)) != 0;
}

} // namespace AILoad

// Replays every file of the seed corpus folders given on the command line through the fuzz
// target, so that the corpus runs as an ordinary test without clang or libFuzzer.
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>
#include <cstdint>
#include <iostream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv)
{
	int inputs = 0;
	for (int i = 1; i < argc; ++i)
	{
		for (Poco::DirectoryIterator it{std::string(argv[i])}, end; it != end; ++it)
		{
			if (!it->isFile()) continue;
			std::string bytes;
			Poco::FileInputStream in(it->path());
			Poco::StreamCopier::copyToString(in, bytes);
			LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
			++inputs;
		}
	}
	std::cout << inputs << " passed, 0 failed" << std::endl;
	return inputs > 0 ? 0 : 1;
}

#include "AiloadFixture.h"

#include <cppunit/TestAssert.h>
#include <sstream>

namespace AILoad {
namespace Test {

const std::string AiloadFixture::TOKEN = "sk-apptest0123456789abcdefghijABCDEFGHIJ0123456789";
const std::string AiloadFixture::UPSTREAM_KEY = "sk-upstream-secret-key";


void AiloadFixture::setUp()
{
	_directory = std::make_unique<TempDirectory>();
}


void AiloadFixture::tearDown()
{
	_directory.reset();
}


const TempDirectory& AiloadFixture::directory() const
{
	return *_directory;
}


std::string AiloadFixture::path(const std::string& name) const
{
	return _directory->file(name);
}


std::string AiloadFixture::writeProperties(const std::string& configPath, const std::string& name) const
{
	return AiloadProcess::writeProperties(*_directory, configPath, name);
}


std::vector<std::string> AiloadFixture::withProperties(const std::string& configPath, const std::vector<std::string>& options) const
{
	std::vector<std::string> args{"--properties=" + writeProperties(configPath)};
	args.insert(args.end(), options.begin(), options.end());
	return args;
}


void AiloadFixture::finish(AiloadProcess& process) const
{
	if (!process.waitForExit(Poco::Timespan(20, 0))) CPPUNIT_FAIL("aiload did not exit within 20 s:\n" + process.output());
}


std::string AiloadFixture::config(Poco::UInt16 port, Poco::UInt16 mockPort, const std::string& settings)
{
	return "{\n"
		   "  \"auth_token\": \""
		+ TOKEN + "\",\n"
				  "  \"models\": [\n"
				  "    { \"model\": \"mock-model\", \"base_url\": \"http://127.0.0.1:"
		+ std::to_string(mockPort) + "/v1/chat/completions\", \"api_key\": \"" + UPSTREAM_KEY + "\" }\n"
																								"  ],\n"
																								"  \"server\": { \"host\": \"127.0.0.1\", \"port\": "
		+ std::to_string(port) + " },\n"
								 "  \"settings\": { "
		+ settings + " }\n"
					 "}\n";
}


bool AiloadFixture::contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}


std::size_t AiloadFixture::count(const std::string& text, const std::string& part)
{
	std::size_t n = 0;
	for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
	return n;
}


std::vector<std::string> AiloadFixture::linesStartingWith(const std::string& text, const std::string& prefix)
{
	std::vector<std::string> lines;
	std::istringstream in(text);
	std::string line;
	while (std::getline(in, line))
	{
		if (line.compare(0, prefix.size(), prefix) == 0) lines.push_back(line);
	}
	return lines;
}

} // namespace Test
} // namespace AILoad

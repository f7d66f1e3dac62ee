#include "AiloadProcess.h"

#include "TempDirectory.h"
#include "TestClient.h"
#include <Poco/Exception.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timestamp.h>
#include <chrono>
#include <sstream>
#include <thread>

#ifndef AILOAD_BINARY
#error "AILOAD_BINARY must name the aiload executable"
#endif
#ifndef AILOAD_SOURCE_DIR
#error "AILOAD_SOURCE_DIR must name the source tree"
#endif

namespace AILoad {
namespace Test {

AiloadProcess::AiloadProcess(const std::vector<std::string>& options, const std::string& directory):
	ChildProcess(AILOAD_BINARY, options, directory)
{
}


bool AiloadProcess::healthy(Poco::UInt16 port, Poco::Timespan timeout)
{
	const Poco::Timestamp deadline = Poco::Timestamp() + timeout;
	TestClient client(port);
	client.setTimeout(Poco::Timespan(1, 0));
	while (Poco::Timestamp() < deadline && running())
	{
		try
		{
			if (client.get("/health").status == 200) return true;
		}
		catch (Poco::Exception&)
		{
			// not listening yet
		}
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
	}
	return false;
}


std::string AiloadProcess::shippedProperties()
{
	return std::string(AILOAD_SOURCE_DIR) + "/etc/aiload.properties";
}


std::string AiloadProcess::writeProperties(const TempDirectory& directory, const std::string& configPath, const std::string& name)
{
	std::istringstream shipped(directory.read(shippedProperties()));
	std::string text;
	std::string line;
	bool replaced = false;
	while (std::getline(shipped, line))
	{
		if (line.compare(0, 13, "aiload.config") == 0 && (line.size() == 13 || line[13] == ' ' || line[13] == '='))
		{
			line = "aiload.config = " + configPath;
			replaced = true;
		}
		text += line + "\n";
	}
	if (!replaced) throw Poco::DataFormatException(shippedProperties() + " has no aiload.config line");
	return directory.write(name, text, 0644);
}


Poco::UInt16 AiloadProcess::freePort()
{
	Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
	return socket.address().port();
}

} // namespace Test
} // namespace AILoad

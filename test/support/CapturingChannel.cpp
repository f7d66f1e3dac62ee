#include "CapturingChannel.h"

#include <Poco/Logger.h>
#include <Poco/Message.h>

namespace AILoad {
namespace Test {

CapturingChannel::Ptr CapturingChannel::install()
{
	Ptr channel = new CapturingChannel;
	Poco::Logger::setChannel("", channel);
	Poco::Logger::setLevel("", Poco::Message::PRIO_DEBUG);
	return channel;
}


void CapturingChannel::log(const Poco::Message& message)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_lines.push_back(message.getSource() + ": " + message.getText());
}


std::vector<std::string> CapturingChannel::lines() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _lines;
}


void CapturingChannel::uninstall()
{
	Poco::Logger::setChannel("", nullptr);
	Poco::Logger::setLevel("", Poco::Message::PRIO_INFORMATION);
}

} // namespace Test
} // namespace AILoad

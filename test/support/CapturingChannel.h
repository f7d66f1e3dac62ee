#ifndef AILoad_Test_CapturingChannel_INCLUDED
#define AILoad_Test_CapturingChannel_INCLUDED

#include <Poco/Channel.h>
#include <mutex>
#include <string>
#include <vector>

namespace AILoad {
namespace Test {

class CapturingChannel final: public Poco::Channel
	/// Keeps every log message, so that a test can search what the gateway logged.
	/// install() makes it the channel of every logger; uninstall() leaves them silent again,
	/// as they are in the tests by default.
{
public:
	using Ptr = Poco::AutoPtr<CapturingChannel>;

	static Ptr install();
	void log(const Poco::Message& message) override;
	std::vector<std::string> lines() const;
	void uninstall();

private:
	mutable std::mutex _mutex;
	std::vector<std::string> _lines;
};

} // namespace Test
} // namespace AILoad

#endif

//
// MockUpstreamMain.cpp
//
// The aiload-mock program: one plain-HTTP MockUpstream on 127.0.0.1, for the demo.
//
// Usage: aiload-mock --port=N [--name=NAME] [--interval-ms=N] [--events=N]
//


#include "MockUpstream.h"
#include "Poco/Util/HelpFormatter.h"
#include "Poco/Util/IntValidator.h"
#include "Poco/Util/Option.h"
#include "Poco/Util/OptionSet.h"
#include "Poco/Util/ServerApplication.h"
#include <csignal>
#include <iostream>
#include <pthread.h>


namespace AILoad {
namespace Test {


class MockUpstreamApp: public Poco::Util::ServerApplication
	/// Runs one MockUpstream until SIGINT or SIGTERM.
{
protected:
	void defineOptions(Poco::Util::OptionSet& options)
		/// Adds the mock's options to ServerApplication's own.
	{
		Poco::Util::ServerApplication::defineOptions(options);
		options.addOption(Poco::Util::Option("help", "h", "Show this help and exit.")
							  .required(false)
							  .repeatable(false)
							  .callback(Poco::Util::OptionCallback<MockUpstreamApp>(this, &MockUpstreamApp::handleHelp)));
		options.addOption(Poco::Util::Option("port", "p", "Port to listen on (127.0.0.1); 0 picks a free one.")
							  .required(false)
							  .repeatable(false)
							  .argument("N")
							  .validator(new Poco::Util::IntValidator(0, 65535))
							  .binding("mock.port"));
		options.addOption(Poco::Util::Option("name", "n", "Name used in answers and the X-Mock-Name header.")
							  .required(false)
							  .repeatable(false)
							  .argument("NAME")
							  .binding("mock.name"));
		options.addOption(Poco::Util::Option("interval-ms", "i", "Delay between SSE events, in milliseconds.")
							  .required(false)
							  .repeatable(false)
							  .argument("N")
							  .validator(new Poco::Util::IntValidator(0, 3600000))
							  .binding("mock.intervalMs"));
		options.addOption(Poco::Util::Option("events", "e", "Content events per streamed answer.")
							  .required(false)
							  .repeatable(false)
							  .argument("N")
							  .validator(new Poco::Util::IntValidator(0, 1000000))
							  .binding("mock.events"));
	}

	void handleHelp(const std::string&, const std::string&)
		/// Prints the usage and stops option processing.
	{
		Poco::Util::HelpFormatter formatter(options());
		formatter.setCommand(commandName());
		formatter.setUsage("--port=N [--name=NAME] [--interval-ms=N] [--events=N]");
		formatter.setHeader("OpenAI-compatible mock upstream for AILoad tests and demos.");
		formatter.format(std::cout);
		_helpRequested = true;
		stopOptionsProcessing();
	}

	int main(const std::vector<std::string>&)
		/// Runs the mock until a termination request.
	{
		if (_helpRequested) return Poco::Util::Application::EXIT_OK;

		const std::string name = config().getString("mock.name", "mock");
		MockBehaviour behaviour;
		behaviour.sseEvents = config().getInt("mock.events", behaviour.sseEvents);
		behaviour.sseInterval = Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(config().getInt("mock.intervalMs", 0)) * 1000);

		MockUpstream mock(name, nullptr, static_cast<Poco::UInt16>(config().getInt("mock.port", 0)));
		mock.setBehaviour(behaviour);
		mock.start();
		std::cout << "aiload-mock " << name << " listening on 127.0.0.1:" << mock.port() << std::endl;

		waitForTerminationRequest();
		mock.stop();
		return Poco::Util::Application::EXIT_OK;
	}

private:
	bool _helpRequested = false;
};


} // namespace Test
} // namespace AILoad


int main(int argc, char** argv)
{
	// Block the termination signals before any thread starts, so that only
	// waitForTerminationRequest() receives them (POCO issue #2978). A shell starts
	// background jobs with SIGINT ignored, and an ignored signal never reaches
	// sigwait(): restore the default first so that `kill -INT` works in scripts.
	sigset_t signals;
	sigemptyset(&signals);
	for (int sig : {SIGINT, SIGTERM, SIGQUIT})
	{
		std::signal(sig, SIG_DFL);
		sigaddset(&signals, sig);
	}
	pthread_sigmask(SIG_BLOCK, &signals, nullptr);

	AILoad::Test::MockUpstreamApp app;
	return app.run(argc, argv);
}

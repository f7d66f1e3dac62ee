#include "GatewayApplication.h"

#include <Poco/Path.h>
#include <csignal>

int main(int argc, char** argv)
{
	// Block the signals the main thread waits for before any thread starts, so that every
	// thread inherits the mask and none of them takes the signal instead (POCO issue #2978).
	const sigset_t signals = AILoad::GatewayApplication::handledSignals();
	pthread_sigmask(SIG_BLOCK, &signals, nullptr);
	std::signal(SIGPIPE, SIG_IGN); // a gone peer is seen as a failed write instead

	AILoad::GatewayApplication application(Poco::Path::current());
	return application.run(argc, argv);
}

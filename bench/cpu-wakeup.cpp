// bench/cpu-wakeup: how long this machine takes to wake a thread on another CPU, the floor
// under every proxy's delay per event (an event through a proxy is two such wake-ups: the
// upstream's CPU to the proxy's, and back to the client's). bench/run.sh prints it beside
// the streams results (docs/performance.md).
//
//   cpu-wakeup FROM_CPU TO_CPU COUNT GAP_US
//
// A thread pinned to FROM_CPU writes the time into a pipe COUNT times, GAP_US apart; a
// thread pinned to TO_CPU blocks reading it (so its CPU may idle between), and records how
// long each took to arrive. Prints p50, p99, p99.9 and max in microseconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <pthread.h>
#include <sched.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

void pinTo(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

long long nowNs()
{
	return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

} // namespace

int main(int argc, char** argv)
{
	if (argc != 5)
	{
		std::fprintf(stderr, "usage: %s FROM_CPU TO_CPU COUNT GAP_US\n", argv[0]);
		return 2;
	}
	const int from = std::atoi(argv[1]), to = std::atoi(argv[2]), count = std::atoi(argv[3]), gapUs = std::atoi(argv[4]);
	int pipeFds[2];
	if (count <= 0 || pipe(pipeFds) != 0) return 1;
	std::vector<long long> delays;
	delays.reserve(static_cast<std::size_t>(count));
	std::thread reader([&] {
		pinTo(to);
		long long sent;
		while (read(pipeFds[0], &sent, sizeof(sent)) == sizeof(sent)) delays.push_back(nowNs() - sent);
	});
	pinTo(from);
	for (int i = 0; i < count; ++i)
	{
		std::this_thread::sleep_for(std::chrono::microseconds(gapUs));
		const long long sent = nowNs();
		if (write(pipeFds[1], &sent, sizeof(sent)) != sizeof(sent)) return 1;
	}
	close(pipeFds[1]);
	reader.join();
	std::sort(delays.begin(), delays.end());
	const auto at = [&](double share) { return delays[std::min(delays.size() - 1, static_cast<std::size_t>(share * delays.size()))] / 1000.0; };
	std::printf("CPU %d to CPU %d, %d wake-ups %d us apart: p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us\n", from, to, count, gapUs, at(0.5),
		at(0.99), at(0.999), delays.back() / 1000.0);
	return 0;
}

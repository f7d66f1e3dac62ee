// bench/idle-clients.cpp
//
// Idle keep-alive clients for the idle benchmark (bench/run.sh idle). One thread, epoll, no
// dependencies. It opens COUNT connections to 127.0.0.1:PORT, RATE a second, sends one plain
// chat completion on each (the request of bench/wrk.lua), reads the whole answer (by its
// Content-Length, or to the terminal chunk), and then keeps the connection open and idle,
// sending nothing more, until it is killed (SIGTERM/SIGINT).
//
// Each connection ends up in one of these:
//   held      answered 200 and still open
//   refused   the connect failed, or the answer was not a 200 (e.g. 503 too_many_connections)
//   closed    the server closed it (or reset it): before its answer, or later while it idled
//             (e.g. a keep-alive timeout); `closed_idle` counts the latter
//   timeout   no whole answer within ANSWER_TIMEOUT_S
//   waiting   not settled yet (connecting, or waiting for its answer)
//
// Usage: idle-clients PORT PATH TOKEN COUNT RATE [ANSWER_TIMEOUT_S]
// Prints a progress line when the counts change (at most once a second), the machine line
// "READY held=... " once every connection is settled, and "IDLE held=... " when it is killed.

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

long long nowNs()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

enum class State
{
	Connecting,
	Head,
	Body,
	Chunked,
	Held,
	Refused,
	Closed,
	ClosedIdle,
	Timeout
};

struct Conn
{
	int fd = -1;
	State state = State::Connecting;
	long long started = 0;
	std::string in; // the answer's head (then, for a chunked body, its tail)
	long long remaining = 0; // body bytes still to come (Content-Length)
};

volatile sig_atomic_t g_stop = 0;

struct Counts
{
	int opened = 0, waiting = 0, held = 0, refused = 0, refusedConnect = 0, refusedStatus = 0, closed = 0, closedIdle = 0, timeout = 0;
	bool operator!=(const Counts& o) const
	{
		return opened != o.opened || waiting != o.waiting || held != o.held || refused != o.refused || closed != o.closed || closedIdle != o.closedIdle || timeout != o.timeout;
	}
};

} // namespace

int main(int argc, char** argv)
{
	if (argc < 6)
	{
		fprintf(stderr, "usage: %s PORT PATH TOKEN COUNT RATE [ANSWER_TIMEOUT_S]\n", argv[0]);
		return 2;
	}
	const int port = atoi(argv[1]);
	const std::string path = argv[2];
	const std::string token = argv[3];
	const int total = atoi(argv[4]);
	const long long rate = std::max(1LL, atoll(argv[5]));
	const long long answerTimeoutNs = (argc > 6 ? atoll(argv[6]) : 30) * 1000000000LL;
	signal(SIGPIPE, SIG_IGN);
	struct sigaction stop
	{};
	stop.sa_handler = [](int) { g_stop = 1; };
	sigaction(SIGTERM, &stop, nullptr);
	sigaction(SIGINT, &stop, nullptr);
	rlimit limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
	{
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
		if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < static_cast<rlim_t>(total) + 16)
			fprintf(stderr, "idle-clients: only %llu descriptors allowed (ulimit -n) for %d connections\n",
				static_cast<unsigned long long>(limit.rlim_cur), total);
	}

	// The request of bench/wrk.lua (plain).
	const std::string body = "{\"model\":\"auto\",\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
							 "{\"role\":\"user\",\"content\":\"Say hello.\"}],\"temperature\":0.2,\"stream\":false}";
	const std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\nContent-Type: application/json\r\nAuthorization: Bearer " + token + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;

	std::vector<Conn> conns(static_cast<size_t>(total));
	Counts counts;
	const int ep = epoll_create1(0);
	const long long start = nowNs();
	int startedCount = 0;
	std::vector<epoll_event> events(1024);
	char buf[16384];

	// Ends a connection in `state` (a settled one), closing it.
	auto settle = [&](Conn& c, State state) {
		if (c.fd >= 0)
		{
			epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
			close(c.fd);
			c.fd = -1;
		}
		if (c.state == State::Held) --counts.held;
		else
			--counts.waiting;
		c.state = state;
		c.in.clear();
		c.in.shrink_to_fit();
		switch (state)
		{
		case State::Refused: ++counts.refused; break;
		case State::Closed: ++counts.closed; break;
		case State::ClosedIdle:
			++counts.closed;
			++counts.closedIdle;
			break;
		case State::Timeout: ++counts.timeout; break;
		default: break;
		}
	};
	auto answered = [&](Conn& c) {
		c.state = State::Held;
		c.in.clear();
		c.in.shrink_to_fit();
		--counts.waiting;
		++counts.held;
	};
	auto print = [&](const char* tag, const Counts& k) {
		printf("%s held=%d refused=%d refused_connect=%d refused_status=%d closed=%d closed_idle=%d timeout=%d waiting=%d opened=%d of=%d t=%.1f\n",
			tag, k.held, k.refused, k.refusedConnect, k.refusedStatus, k.closed, k.closedIdle, k.timeout, k.waiting, k.opened, total,
			static_cast<double>(nowNs() - start) / 1e9);
		fflush(stdout);
	};

	Counts shown;
	long long lastShown = 0, lastScan = 0;
	bool ready = false;
	while (!g_stop)
	{
		const long long now = nowNs();
		// Open the connections that are due by now.
		while (startedCount < total && (now - start) * rate >= static_cast<long long>(startedCount) * 1000000000LL)
		{
			Conn& c = conns[static_cast<size_t>(startedCount)];
			c.started = now;
			++counts.opened;
			++counts.waiting;
			c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			const int one = 1;
			if (c.fd >= 0) setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			sockaddr_in addr{};
			addr.sin_family = AF_INET;
			addr.sin_port = htons(static_cast<uint16_t>(port));
			addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			if (c.fd < 0 || (connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 && errno != EINPROGRESS))
			{
				++counts.refusedConnect;
				settle(c, State::Refused);
			}
			else
			{
				epoll_event ev{};
				ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
				ev.data.u32 = static_cast<uint32_t>(startedCount);
				epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
			}
			++startedCount;
		}

		const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), startedCount < total ? 1 : 200);
		for (int e = 0; e < n; ++e)
		{
			Conn& c = conns[events[e].data.u32];
			if (c.fd < 0) continue;
			if (c.state == State::Connecting)
			{
				int err = 0;
				socklen_t len = sizeof(err);
				getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
				if (err != 0 || (events[e].events & (EPOLLERR | EPOLLHUP)))
				{
					++counts.refusedConnect;
					settle(c, State::Refused);
					continue;
				}
				// The request is small: one send() takes it whole on a fresh socket.
				if (send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
				{
					settle(c, State::Closed);
					continue;
				}
				c.state = State::Head;
				epoll_event ev{};
				ev.events = EPOLLIN | EPOLLRDHUP;
				ev.data.u32 = events[e].data.u32;
				epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
				continue;
			}
			for (;;)
			{
				const ssize_t r = recv(c.fd, buf, sizeof(buf), 0);
				if (r < 0 && errno == EINTR) continue;
				if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
				if (r <= 0)
				{
					settle(c, c.state == State::Held ? State::ClosedIdle : State::Closed);
					break;
				}
				if (c.state == State::Held) continue; // nothing is expected on an idle connection: ignore it
				size_t i = 0;
				if (c.state == State::Head)
				{
					c.in.append(buf, static_cast<size_t>(r));
					const size_t headEnd = c.in.find("\r\n\r\n");
					if (headEnd == std::string::npos)
					{
						if (c.in.size() > 65536) settle(c, State::Closed);
						if (c.fd < 0) break;
						continue;
					}
					const int status = c.in.size() > 12 ? atoi(c.in.c_str() + 9) : 0;
					if (status != 200)
					{
						++counts.refusedStatus;
						settle(c, State::Refused);
						break;
					}
					std::string head = c.in.substr(0, headEnd + 2);
					std::string rest = c.in.substr(headEnd + 4);
					std::transform(head.begin(), head.end(), head.begin(), ::tolower);
					const size_t cl = head.find("\r\ncontent-length:");
					if (head.find("\r\ntransfer-encoding: chunked") != std::string::npos)
					{
						c.state = State::Chunked;
						c.in = "\r\n" + rest; // the body's tail: it ends in "\r\n0\r\n\r\n"
					}
					else
					{
						c.state = State::Body;
						c.remaining = cl == std::string::npos ? 0 : atoll(head.c_str() + cl + 17) - static_cast<long long>(rest.size());
						c.in.clear();
					}
					i = static_cast<size_t>(r); // all consumed above
				}
				if (c.state == State::Body)
				{
					c.remaining -= static_cast<long long>(static_cast<size_t>(r) - i);
					if (c.remaining <= 0) answered(c);
				}
				else if (c.state == State::Chunked)
				{
					if (i < static_cast<size_t>(r)) c.in.append(buf + i, static_cast<size_t>(r) - i);
					if (c.in.size() > 16) c.in.erase(0, c.in.size() - 16);
					if (c.in.size() >= 7 && c.in.compare(c.in.size() - 7, 7, "\r\n0\r\n\r\n") == 0) answered(c);
				}
			}
		}

		const long long at = nowNs();
		if (counts.waiting > 0 && at - lastScan >= 100000000LL)
		{
			lastScan = at;
			for (Conn& c : conns)
				if (c.fd >= 0 && c.state != State::Held && at - c.started > answerTimeoutNs) settle(c, State::Timeout);
		}
		if (!ready && startedCount == total && counts.waiting == 0)
		{
			ready = true;
			print("READY", counts);
			shown = counts;
			lastShown = at;
		}
		else if (counts != shown && at - lastShown >= 1000000000LL)
		{
			print("idle-clients:", counts);
			shown = counts;
			lastShown = at;
		}
	}
	print("IDLE", counts);
	return 0;
}

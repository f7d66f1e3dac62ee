// bench/sse-upstream.cpp
//
// A slow OpenAI-style SSE upstream for the streams benchmark (bench/run.sh streams).
// One thread, epoll, no dependencies. It answers every request on 127.0.0.1:PORT with
// a chunked text/event-stream: EVENTS chat.completion.chunk events, one every INTERVAL_MS
// (the first right after the head), then `data: [DONE]`, the terminal chunk, and it
// closes. Each event is one chunk and carries "bench_ns": the CLOCK_MONOTONIC time, in
// nanoseconds, at which it was written, so the client can tell how long it took to arrive.
// Each stream gets a random phase (see schedule()), so that many streams started in step
// do not send their events in bursts.
//
// Usage: sse-upstream PORT INTERVAL_MS EVENTS [MAX_SECONDS]
//   It exits by itself after MAX_SECONDS (default 600), or on SIGTERM/SIGINT.

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <queue>
#include <string>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace {

long long nowNs()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct Conn
{
	int fd = -1;
	unsigned long long id = 0;
	std::string in;
	std::string out; // bytes the kernel did not take yet
	bool streaming = false;
	bool closing = false; // close once `out` is written
	int sent = 0;
	long long due = 0;
};

struct Timer
{
	long long due;
	int fd;
	unsigned long long id;
	bool operator>(const Timer& other) const { return due > other.due; }
};

int g_epoll = -1;
int g_events = 0;
long long g_intervalNs = 0;
std::unordered_map<int, Conn> g_conns;
std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> g_timers;
unsigned long long g_nextId = 1;
volatile sig_atomic_t g_stop = 0;

void closeConn(Conn& c)
{
	epoll_ctl(g_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
	close(c.fd);
	g_conns.erase(c.fd);
}

// Writes what it can; returns false if the connection is gone (and closed).
bool send(Conn& c, const std::string& data)
{
	if (!c.out.empty())
	{
		c.out += data;
		return true;
	}
	ssize_t n = ::send(c.fd, data.data(), data.size(), MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) n = 0;
	if (n < 0)
	{
		closeConn(c);
		return false;
	}
	if (static_cast<size_t>(n) < data.size())
	{
		c.out.assign(data, static_cast<size_t>(n), std::string::npos);
		epoll_event ev{};
		ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
		ev.data.fd = c.fd;
		epoll_ctl(g_epoll, EPOLL_CTL_MOD, c.fd, &ev);
	}
	return true;
}

std::string chunk(const std::string& payload)
{
	char size[32];
	snprintf(size, sizeof(size), "%zx\r\n", payload.size());
	return size + payload + "\r\n";
}

// Sends the next event (or the end); returns false if the connection is gone.
bool sendNext(Conn& c)
{
	std::string data;
	if (c.sent < g_events)
	{
		char event[512];
		snprintf(event, sizeof(event),
			"data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
			"\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" tok%d\"},"
			"\"finish_reason\":null}],\"bench_ns\":%lld}\n\n",
			c.sent, nowNs());
		data = chunk(event);
		++c.sent;
	}
	else
	{
		data = chunk("data: [DONE]\n\n") + "0\r\n\r\n";
		c.closing = true;
	}
	if (!send(c, data)) return false;
	if (c.closing && c.out.empty())
	{
		closeConn(c);
		return false;
	}
	return true;
}

void schedule(Conn& c)
{
	// The second event comes after a random 0.5 to 1.5 intervals, the others one interval
	// apart: streams started together do not send in lockstep, as real ones do not.
	if (c.sent == 1) c.due += g_intervalNs / 2 + static_cast<long long>(drand48() * static_cast<double>(g_intervalNs));
	else
		c.due += g_intervalNs;
	g_timers.push(Timer{c.due, c.fd, c.id});
}

void onReadable(Conn& c)
{
	char buf[8192];
	for (;;)
	{
		ssize_t n = recv(c.fd, buf, sizeof(buf), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		{
			closeConn(c); // the client (or the gateway) went away
			return;
		}
		if (n < 0) break;
		if (c.streaming) continue; // nothing more is expected; discard
		c.in.append(buf, static_cast<size_t>(n));
	}
	if (c.streaming) return;
	const size_t headEnd = c.in.find("\r\n\r\n");
	if (headEnd == std::string::npos) return;
	size_t length = 0;
	for (size_t pos = 0; pos < headEnd;)
	{
		size_t eol = c.in.find("\r\n", pos);
		std::string line = c.in.substr(pos, eol - pos);
		if (strncasecmp(line.c_str(), "content-length:", 15) == 0) length = strtoul(line.c_str() + 15, nullptr, 10);
		pos = eol + 2;
	}
	if (c.in.size() < headEnd + 4 + length) return;
	c.streaming = true;
	c.in.clear();
	c.in.shrink_to_fit();
	if (!send(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
				 "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")) return;
	c.due = nowNs();
	if (!sendNext(c)) return;
	schedule(c);
}

void onWritable(Conn& c)
{
	ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
	{
		closeConn(c);
		return;
	}
	if (n > 0) c.out.erase(0, static_cast<size_t>(n));
	if (c.out.empty())
	{
		if (c.closing)
		{
			closeConn(c);
			return;
		}
		epoll_event ev{};
		ev.events = EPOLLIN | EPOLLRDHUP;
		ev.data.fd = c.fd;
		epoll_ctl(g_epoll, EPOLL_CTL_MOD, c.fd, &ev);
	}
}

} // namespace

int main(int argc, char** argv)
{
	if (argc < 4)
	{
		fprintf(stderr, "usage: %s PORT INTERVAL_MS EVENTS [MAX_SECONDS]\n", argv[0]);
		return 2;
	}
	const int port = atoi(argv[1]);
	g_intervalNs = atoll(argv[2]) * 1000000LL;
	g_events = atoi(argv[3]);
	const long long maxSeconds = argc > 4 ? atoll(argv[4]) : 600;
	srand48(static_cast<long>(nowNs()));
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, [](int) { g_stop = 1; });
	signal(SIGINT, [](int) { g_stop = 1; });
	rlimit limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
	{
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
	}

	const int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	const int one = 1;
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sockaddr_in addr{};
	addr.sin_family = AF_INET;
	addr.sin_port = htons(static_cast<uint16_t>(port));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(listener, 4096) != 0)
	{
		perror("sse-upstream: bind/listen");
		return 1;
	}
	g_epoll = epoll_create1(0);
	epoll_event ev{};
	ev.events = EPOLLIN;
	ev.data.fd = listener;
	epoll_ctl(g_epoll, EPOLL_CTL_ADD, listener, &ev);
	// A timerfd wakes the loop when the next event is due, to the microsecond (epoll_wait's
	// own timeout is in milliseconds and would send events in bursts at millisecond edges).
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	const int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	ev.data.fd = timer;
	epoll_ctl(g_epoll, EPOLL_CTL_ADD, timer, &ev);
	printf("sse-upstream listening on 127.0.0.1:%d (%d events, %lld ms apart)\n", port, g_events, g_intervalNs / 1000000);
	fflush(stdout);

	const long long deadline = nowNs() + maxSeconds * 1000000000LL;
	std::vector<epoll_event> events(1024);
	while (!g_stop && nowNs() < deadline)
	{
		if (!g_timers.empty())
		{
			itimerspec due{};
			due.it_value.tv_sec = g_timers.top().due / 1000000000LL;
			due.it_value.tv_nsec = g_timers.top().due % 1000000000LL;
			timerfd_settime(timer, TFD_TIMER_ABSTIME, &due, nullptr);
		}
		const int timeoutMs = 100;
		const int n = epoll_wait(g_epoll, events.data(), static_cast<int>(events.size()), timeoutMs);
		for (int i = 0; i < n; ++i)
		{
			const int fd = events[i].data.fd;
			if (fd == timer)
			{
				unsigned long long expirations;
				while (read(timer, &expirations, sizeof(expirations)) > 0) {}
				continue;
			}
			if (fd == listener)
			{
				for (;;)
				{
					const int client = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK);
					if (client < 0) break;
					setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					Conn& c = g_conns[client];
					c = Conn();
					c.fd = client;
					c.id = g_nextId++;
					epoll_event cev{};
					cev.events = EPOLLIN | EPOLLRDHUP;
					cev.data.fd = client;
					epoll_ctl(g_epoll, EPOLL_CTL_ADD, client, &cev);
				}
				continue;
			}
			auto it = g_conns.find(fd);
			if (it == g_conns.end()) continue;
			if (events[i].events & EPOLLOUT)
			{
				onWritable(it->second);
				it = g_conns.find(fd);
				if (it == g_conns.end()) continue;
			}
			if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) onReadable(it->second);
		}
		// Each event is stamped when it is written, so that any lateness of this loop is not
		// counted as delay.
		while (!g_timers.empty() && g_timers.top().due <= nowNs())
		{
			const Timer t = g_timers.top();
			g_timers.pop();
			auto it = g_conns.find(t.fd);
			if (it == g_conns.end() || it->second.id != t.id) continue;
			if (sendNext(it->second)) schedule(it->second);
		}
	}
	return 0;
}

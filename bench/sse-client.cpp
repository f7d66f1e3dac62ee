// bench/sse-client.cpp
//
// Load client for the streams benchmark (bench/run.sh streams). One thread, epoll, no
// dependencies. It opens STREAMS connections to 127.0.0.1:PORT (spread over RAMP_MS),
// POSTs a streaming chat completion on each, and reads the chunked SSE answers to the end.
// Every event that carries "bench_ns" (the sender's CLOCK_MONOTONIC time, see
// sse-upstream.cpp) gives one delay sample: arrival time minus send time.
//
// A stream counts as an error when it cannot connect, gets a status other than 200, ends
// before its terminal chunk and `data: [DONE]`, carries an `error` event, receives a number
// of events other than EXPECT_EVENTS, or is still open at the deadline.
//
// Usage: sse-client PORT[,PORT...] PATH TOKEN STREAMS RAMP_MS EXPECT_EVENTS DEADLINE_S
//   With several ports the streams go to them in turn.
// Prints a human line and a machine line starting with "SSE ".

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
	ChunkSize,
	ChunkData,
	ChunkDataEnd,
	Trailer,
	Identity,
	Done
};
enum class Failure
{
	None,
	Connect,
	Status,
	Broken,
	ErrorEvent,
	Count,
	Timeout
};

struct Stream
{
	int fd = -1;
	State state = State::Connecting;
	Failure failure = Failure::None;
	std::string head;
	std::string line; // SSE line being assembled
	std::string sizeLine; // chunk-size line being assembled
	long long remaining = 0; // bytes left in the current chunk (or body, for Identity)
	bool lengthKnown = false;
	bool sawDone = false;
	int events = 0;
	long long started = 0;
	long long firstByte = 0;
};

std::vector<long long> g_delays;
std::vector<long long> g_firstByte;

void sseLine(Stream& s, const std::string& line, long long at)
{
	if (line.compare(0, 5, "data:") != 0) return;
	if (line.find("[DONE]") != std::string::npos)
	{
		s.sawDone = true;
		return;
	}
	if (line.find("\"error\"") != std::string::npos && s.failure == Failure::None) s.failure = Failure::ErrorEvent;
	const size_t stamp = line.find("\"bench_ns\":");
	if (stamp != std::string::npos)
	{
		g_delays.push_back(at - atoll(line.c_str() + stamp + 11));
		++s.events;
	}
}

void bodyBytes(Stream& s, const char* p, size_t n, long long at)
{
	for (size_t i = 0; i < n; ++i)
	{
		if (p[i] == '\n')
		{
			if (!s.line.empty() && s.line.back() == '\r') s.line.pop_back();
			sseLine(s, s.line, at);
			s.line.clear();
		}
		else
			s.line += p[i];
	}
}

// Feeds received bytes through the HTTP/chunked/SSE parser.
void feed(Stream& s, const char* p, size_t n, long long at)
{
	size_t i = 0;
	while (i < n && s.state != State::Done)
	{
		switch (s.state)
		{
		case State::Head:
		{
			s.head.push_back(p[i++]);
			if (s.head.size() >= 4 && s.head.compare(s.head.size() - 4, 4, "\r\n\r\n") == 0)
			{
				const int status = s.head.size() > 12 ? atoi(s.head.c_str() + 9) : 0;
				if (status != 200)
				{
					s.failure = Failure::Status;
					s.state = State::Done;
					break;
				}
				std::string lower(s.head);
				std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
				if (lower.find("transfer-encoding: chunked") != std::string::npos) s.state = State::ChunkSize;
				else
				{
					const size_t cl = lower.find("content-length:");
					s.lengthKnown = cl != std::string::npos;
					s.remaining = s.lengthKnown ? atoll(lower.c_str() + cl + 15) : 0;
					s.state = State::Identity;
				}
			}
			break;
		}
		case State::ChunkSize:
		{
			const char c = p[i++];
			if (c != '\n')
			{
				s.sizeLine += c;
				break;
			}
			s.remaining = strtoll(s.sizeLine.c_str(), nullptr, 16);
			s.sizeLine.clear();
			s.state = s.remaining == 0 ? State::Trailer : State::ChunkData;
			break;
		}
		case State::ChunkData:
		{
			const size_t take = std::min(static_cast<size_t>(s.remaining), n - i);
			bodyBytes(s, p + i, take, at);
			i += take;
			s.remaining -= static_cast<long long>(take);
			if (s.remaining == 0) s.state = State::ChunkDataEnd;
			break;
		}
		case State::ChunkDataEnd:
			if (p[i++] == '\n') s.state = State::ChunkSize;
			break;
		case State::Trailer:
		{
			const char c = p[i++];
			if (c != '\n')
			{
				s.sizeLine += c;
				break;
			}
			const bool empty = s.sizeLine.empty() || s.sizeLine == "\r";
			s.sizeLine.clear();
			if (empty) s.state = State::Done; // complete
			break;
		}
		case State::Identity:
		{
			size_t take = n - i;
			if (s.lengthKnown) take = std::min(take, static_cast<size_t>(s.remaining));
			bodyBytes(s, p + i, take, at);
			i += take;
			if (s.lengthKnown)
			{
				s.remaining -= static_cast<long long>(take);
				if (s.remaining == 0) s.state = State::Done;
			}
			break;
		}
		default:
			i = n;
		}
	}
}

long long percentile(std::vector<long long>& v, double p)
{
	if (v.empty()) return -1;
	size_t k = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
	std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
	return v[k];
}

} // namespace

int main(int argc, char** argv)
{
	if (argc < 8)
	{
		fprintf(stderr, "usage: %s PORT[,PORT...] PATH TOKEN STREAMS RAMP_MS EXPECT_EVENTS DEADLINE_S\n", argv[0]);
		return 2;
	}
	std::vector<int> ports;
	for (const char* p = argv[1]; *p;)
	{
		ports.push_back(atoi(p));
		while (*p && *p != ',') ++p;
		if (*p == ',') ++p;
	}
	const std::string path = argv[2];
	const std::string token = argv[3];
	const int total = atoi(argv[4]);
	const long long rampNs = atoll(argv[5]) * 1000000LL;
	const int expectEvents = atoi(argv[6]);
	const long long deadlineNs = atoll(argv[7]) * 1000000000LL;
	signal(SIGPIPE, SIG_IGN);
	rlimit limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
	{
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
	}

	const std::string body = "{\"model\":\"auto\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Count slowly.\"}]}";
	const std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1" + "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n"
																														 "Content-Length: "
		+ std::to_string(body.size()) + "\r\n\r\n" + body;

	g_delays.reserve(static_cast<size_t>(total) * static_cast<size_t>(expectEvents > 0 ? expectEvents : 1));
	std::vector<Stream> streams(static_cast<size_t>(total));
	const int ep = epoll_create1(0);
	const long long start = nowNs();
	int startedCount = 0, open = 0, peakOpen = 0;
	std::vector<epoll_event> events(1024);
	char buf[65536];

	auto finish = [&](int index) {
		Stream& s = streams[static_cast<size_t>(index)];
		if (s.fd >= 0)
		{
			epoll_ctl(ep, EPOLL_CTL_DEL, s.fd, nullptr);
			close(s.fd);
			s.fd = -1;
			--open;
		}
		if (s.failure == Failure::None)
		{
			if (s.state != State::Done || !s.sawDone) s.failure = Failure::Broken;
			else if (expectEvents >= 0 && s.events != expectEvents)
				s.failure = Failure::Count;
		}
		s.state = State::Done;
	};

	for (;;)
	{
		const long long now = nowNs();
		// Start the streams that are due by now.
		while (startedCount < total && (rampNs == 0 || now - start >= rampNs * startedCount / total))
		{
			Stream& s = streams[static_cast<size_t>(startedCount)];
			s.started = now;
			s.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			const int one = 1;
			setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			sockaddr_in addr{};
			addr.sin_family = AF_INET;
			addr.sin_port = htons(static_cast<uint16_t>(ports[static_cast<size_t>(startedCount) % ports.size()]));
			addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			if (s.fd < 0 || (connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 && errno != EINPROGRESS))
			{
				if (s.fd >= 0) close(s.fd);
				s.fd = -1;
				s.failure = Failure::Connect;
				s.state = State::Done;
			}
			else
			{
				epoll_event ev{};
				ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
				ev.data.u32 = static_cast<uint32_t>(startedCount);
				epoll_ctl(ep, EPOLL_CTL_ADD, s.fd, &ev);
				peakOpen = std::max(peakOpen, ++open);
			}
			++startedCount;
		}
		if (startedCount == total && open == 0) break;
		if (now - start > deadlineNs)
		{
			for (int i = 0; i < total; ++i)
			{
				Stream& s = streams[static_cast<size_t>(i)];
				if (s.fd >= 0)
				{
					s.failure = Failure::Timeout;
					finish(i);
				}
			}
			break;
		}
		const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), startedCount < total ? 1 : 100);
		const long long at = nowNs();
		for (int e = 0; e < n; ++e)
		{
			const int index = static_cast<int>(events[e].data.u32);
			Stream& s = streams[static_cast<size_t>(index)];
			if (s.fd < 0) continue;
			if (s.state == State::Connecting)
			{
				int err = 0;
				socklen_t len = sizeof(err);
				getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
				if (err != 0 || (events[e].events & (EPOLLERR | EPOLLHUP)))
				{
					s.failure = Failure::Connect;
					finish(index);
					continue;
				}
				// The request is small: one send() takes it whole on a fresh socket.
				if (send(s.fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
				{
					s.failure = Failure::Connect;
					finish(index);
					continue;
				}
				s.state = State::Head;
				epoll_event ev{};
				ev.events = EPOLLIN | EPOLLRDHUP;
				ev.data.u32 = static_cast<uint32_t>(index);
				epoll_ctl(ep, EPOLL_CTL_MOD, s.fd, &ev);
				continue;
			}
			for (;;)
			{
				const ssize_t r = recv(s.fd, buf, sizeof(buf), 0);
				if (r > 0)
				{
					if (s.firstByte == 0)
					{
						s.firstByte = at;
						g_firstByte.push_back(at - s.started);
					}
					feed(s, buf, static_cast<size_t>(r), at);
					if (s.state == State::Done)
					{
						finish(index);
						break;
					}
					continue;
				}
				if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
				if (r < 0 && errno == EINTR) continue;
				// Closed by the peer (or reset): fine only for a body delimited by the close.
				if (s.state == State::Identity && !s.lengthKnown) s.state = State::Done;
				finish(index);
				break;
			}
		}
	}

	const double seconds = static_cast<double>(nowNs() - start) / 1e9;
	int failures[7] = {0, 0, 0, 0, 0, 0, 0};
	long long totalEvents = 0;
	for (const Stream& s : streams)
	{
		++failures[static_cast<int>(s.failure)];
		totalEvents += s.events;
	}
	const int errors = total - failures[0];
	const size_t samples = g_delays.size();
	const long long p50 = percentile(g_delays, 50), p90 = percentile(g_delays, 90), p99 = percentile(g_delays, 99),
					p999 = percentile(g_delays, 99.9);
	const long long max = g_delays.empty() ? -1 : *std::max_element(g_delays.begin(), g_delays.end());
	const long long fb50 = percentile(g_firstByte, 50), fb99 = percentile(g_firstByte, 99);
	printf("streams %d (peak open %d) in %.1f s: %d errors (connect %d, status %d, broken %d, error-event %d, "
		   "event-count %d, timeout %d); %lld events; per-event delay us p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f max %.1f; "
		   "first byte ms p50 %.2f p99 %.2f\n",
		total, peakOpen, seconds, errors, failures[1], failures[2], failures[3], failures[4], failures[5], failures[6],
		totalEvents, p50 / 1e3, p90 / 1e3, p99 / 1e3, p999 / 1e3, max / 1e3, fb50 / 1e6, fb99 / 1e6);
	printf("SSE streams=%d errors=%d events=%lld samples=%zu p50_ns=%lld p90_ns=%lld p99_ns=%lld p999_ns=%lld max_ns=%lld fb50_ns=%lld fb99_ns=%lld\n",
		total, errors, totalEvents, samples, p50, p90, p99, p999, max, fb50, fb99);
	return 0;
}

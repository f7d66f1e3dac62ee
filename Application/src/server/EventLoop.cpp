#include "EventLoop.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <pthread.h>
#include <string>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace AILoad {

constexpr std::chrono::milliseconds EventLoop::sweepInterval;


namespace {

int checked(int fd, const char* what)
{
	if (fd < 0) throw Poco::SystemException(std::string(what) + ": " + std::strerror(errno), errno);
	return fd;
}

} // namespace


EventLoop::EventLoop(int index):
	_epoll(checked(::epoll_create1(EPOLL_CLOEXEC), "epoll_create1")),
	_wake(checked(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "eventfd")),
	_nextSweep(Clock::now() + sweepInterval)
{
	epoll_event event{};
	event.events = EPOLLIN;
	event.data.u64 = 0; // the wake-up
	::epoll_ctl(_epoll, EPOLL_CTL_ADD, _wake, &event);
	_thread = std::thread([this, index] {
		const std::string name = "aiload-loop-" + std::to_string(index);
		::pthread_setname_np(::pthread_self(), name.c_str());
		run();
	});
}


EventLoop::~EventLoop()
{
	post([this] { _stopping = true; });
	_thread.join();
	for (Watcher* watcher : _watchers) delete watcher;
	::close(_wake);
	::close(_epoll);
}


void EventLoop::post(std::function<void()> task)
{
	bool wake;
	{
		std::lock_guard<std::mutex> lock(_postedMutex);
		_posted.push_back(std::move(task));
		wake = !_wakePending;
		_wakePending = true;
	}
	if (wake)
	{
		const std::uint64_t one = 1;
		[[maybe_unused]] const ssize_t n = ::write(_wake, &one, sizeof(one));
	}
}


void EventLoop::adopt(Watcher* watcher)
{
	_watchers.insert(watcher);
}


void EventLoop::release(Watcher* watcher)
{
	if (_watchers.erase(watcher)) delete watcher;
}


bool EventLoop::control(int operation, int fd, unsigned events, Watcher* watcher, int slot)
{
	epoll_event event{};
	event.events = events;
	event.data.u64 = reinterpret_cast<std::uintptr_t>(watcher) | static_cast<std::uintptr_t>(slot); // watchers are aligned: bit 0 is free
	if (::epoll_ctl(_epoll, operation, fd, &event) == 0) return true;
	if (operation == EPOLL_CTL_MOD && errno == ENOENT) return false;
	throw Poco::SystemException(std::string("epoll_ctl: ") + std::strerror(errno), errno);
}


void EventLoop::watch(int fd, unsigned events, Watcher* watcher, int slot)
{
	control(EPOLL_CTL_ADD, fd, events, watcher, slot);
}


void EventLoop::change(int fd, unsigned events, Watcher* watcher, int slot)
{
	if (!control(EPOLL_CTL_MOD, fd, events, watcher, slot)) throw Poco::SystemException("epoll_ctl: socket not registered", ENOENT);
}


void EventLoop::arm(int fd, unsigned events, Watcher* watcher, int slot)
{
	if (!control(EPOLL_CTL_MOD, fd, events, watcher, slot)) control(EPOLL_CTL_ADD, fd, events, watcher, slot);
}


void EventLoop::unwatch(int fd)
{
	epoll_event event{};
	::epoll_ctl(_epoll, EPOLL_CTL_DEL, fd, &event);
}


void EventLoop::due(Watcher& watcher, Clock::time_point deadline)
{
	watcher.deadline = deadline;
	if (deadline < _earliest) _earliest = deadline;
}


void EventLoop::stopAll(bool abortCurrent)
{
	// A watcher may release itself, or others, while it is told.
	const std::vector<Watcher*> all(_watchers.begin(), _watchers.end());
	for (Watcher* watcher : all)
		if (_watchers.count(watcher)) watcher->stopping(abortCurrent);
}


void EventLoop::run()
{
	static Poco::Logger& logger = Poco::Logger::get("AILoad.EventLoop");
	epoll_event events[256];
	while (!_stopping)
	{
		const auto untilSweep = std::chrono::duration_cast<std::chrono::milliseconds>(_nextSweep - Clock::now()).count();
		const int n = ::epoll_wait(_epoll, events, 256, static_cast<int>(std::max<long long>(0, untilSweep)) + 1);
		for (int i = 0; i < n; ++i)
		{
			auto* watcher = reinterpret_cast<Watcher*>(events[i].data.u64 & ~std::uint64_t(1));
			if (!watcher)
			{
				runPosted();
				continue;
			}
			// A watcher released by an earlier one in this batch is gone: skip its event.
			if (!_watchers.count(watcher)) continue;
			try
			{
				watcher->ready(static_cast<int>(events[i].data.u64 & 1), events[i].events);
			}
			catch (std::exception& exc)
			{
				logger.error("event handler failed: %s", std::string(exc.what()));
			}
		}
		if (Clock::now() >= _nextSweep) sweep();
	}
}


void EventLoop::runPosted()
{
	std::uint64_t count;
	[[maybe_unused]] const ssize_t n = ::read(_wake, &count, sizeof(count));
	std::vector<std::function<void()>> tasks;
	{
		std::lock_guard<std::mutex> lock(_postedMutex);
		tasks.swap(_posted);
		_wakePending = false;
	}
	for (auto& task : tasks) task();
}


void EventLoop::sweep()
{
	const Clock::time_point now = Clock::now();
	_nextSweep = now + sweepInterval;
	if (now < _earliest) return;
	std::vector<Watcher*> expired;
	_earliest = Clock::time_point::max();
	for (Watcher* watcher : _watchers)
	{
		if (watcher->deadline <= now) expired.push_back(watcher);
		else if (watcher->deadline < _earliest)
			_earliest = watcher->deadline;
	}
	for (Watcher* watcher : expired)
		if (_watchers.count(watcher)) watcher->expired();
}

} // namespace AILoad

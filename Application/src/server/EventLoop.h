#ifndef AILoad_EventLoop_INCLUDED
#define AILoad_EventLoop_INCLUDED

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

namespace AILoad {

class EventLoop
	/// One thread that waits for many sockets at once (epoll(7), level-triggered) and runs the
	/// short piece of work each one is ready for. Every wait of the gateway that can last
	/// (an idle keep-alive connection, a stream between two events, a client slow to take
	/// data) is a socket registered here, not a thread (docs/performance.md, "Serving core").
	///
	/// Built on epoll directly rather than POCO 1.11's PollSet/SocketReactor: those build two
	/// std::maps per wait and cannot be woken from another thread (docs/performance.md).
	///
	/// Everything a Watcher does runs on the loop's thread; other threads hand work over
	/// with post().
{
public:
	using Clock = std::chrono::steady_clock;

	class Watcher
		/// Something that waits in a loop: told when its sockets are ready, and when its
		/// deadline passes (checked every sweepInterval).
	{
	public:
		virtual ~Watcher() = default;
		virtual void ready(int slot, unsigned events) = 0;
			/// `slot`: which of its sockets (see watch()); `events`: EPOLLIN, EPOLLOUT,
			/// EPOLLERR, EPOLLHUP as epoll reported them.
		virtual void expired() = 0;
		virtual void stopping(bool abortCurrent) = 0;
			/// The gateway stops (Gateway::stop()): end now, or once the request in hand is done.

		Clock::time_point deadline = Clock::time_point::max(); /// set through EventLoop::due()
	};

	static constexpr std::chrono::milliseconds sweepInterval{100};

	explicit EventLoop(int index);
	~EventLoop();
		/// Stops the thread; watchers still registered are deleted.

	void post(std::function<void()> task);
		/// Runs `task` on the loop's thread soon; from any thread.

	// On the loop's thread only:
	void adopt(Watcher* watcher);
		/// The loop owns it from now on: deleted by release() or when the loop ends.
	void release(Watcher* watcher);
		/// Deletes it; its sockets must be unregistered (or closed) first.
	void watch(int fd, unsigned events, Watcher* watcher, int slot = 0);
	void change(int fd, unsigned events, Watcher* watcher, int slot = 0);
		/// A watcher may have two sockets, told apart by `slot` (0 or 1).
	void arm(int fd, unsigned events, Watcher* watcher, int slot = 0);
		/// change() for a socket that may still be registered from an earlier wait, disabled
		/// (a one-shot wait that fired leaves it so: see docs/performance.md, "Serving core"),
		/// else watch(). An upstream connection stays registered between its requests.
	void unwatch(int fd);
	void due(Watcher& watcher, Clock::time_point deadline);
		/// Sets the watcher's deadline. A sweep looks at every watcher only once the earliest
		/// deadline it knows of has come: 15,000 idle connections cost nothing between.
	void stopAll(bool abortCurrent);
		/// Tells each watcher the gateway stops.

private:
	bool control(int operation, int fd, unsigned events, Watcher* watcher, int slot);
		/// epoll_ctl(2); false for a change (EPOLL_CTL_MOD) of a socket that is not registered.
	void run();
	void runPosted();
	void sweep();

	const int _epoll;
	const int _wake; /// an eventfd: post() writes it to end a wait
	std::mutex _postedMutex;
	std::vector<std::function<void()>> _posted;
	bool _wakePending = false;
	bool _stopping = false;
	std::unordered_set<Watcher*> _watchers;
	Clock::time_point _nextSweep;
	Clock::time_point _earliest = Clock::time_point::max(); /// no deadline comes before it
	std::thread _thread;
};

} // namespace AILoad

#endif

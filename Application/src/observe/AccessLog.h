#ifndef AILoad_AccessLog_INCLUDED
#define AILoad_AccessLog_INCLUDED

#include "RequestRecord.h"
#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Types.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace AILoad {

class AccessLog
	/// The access log (docs/observability.md): a line for each finished request, written to
	/// a POCO channel (a FileChannel with size rotation) by a thread of its own from a
	/// bounded queue, which it empties every writeInterval. A request queues its formatted
	/// line and goes on; when the queue is full the line is dropped and counted, so a slow
	/// disk never slows a request.
{
public:
	struct Settings
		/// `aiload.accessLog.*` of etc/aiload.properties.
	{
		std::string path = "log/access.log";
		std::string rotateSize = "100 M"; /// FileChannel's `rotation`: a size, e.g. "100 M", "10 K"
		int keep = 5; /// rotated files kept besides the current one
		std::size_t queueLines = 65536;
	};

	explicit AccessLog(const Settings& settings);
		/// Opens the file, creating its folder; throws Poco::Exception saying why it cannot.

	AccessLog(Poco::AutoPtr<Poco::Channel> channel, std::size_t queueLines);
		/// Writes to any channel (tests).

	~AccessLog();
		/// Writes what is queued, then ends the thread.

	void write(const RequestRecord& record);
		/// Formats the record's line and queues it; never blocks for the disk.

	void flush();
		/// Waits until every line queued so far is written (tests, shutdown).

	Poco::UInt64 dropped() const;
		/// Lines dropped because the queue was full (`aiload_access_log_dropped_total`).

	static const std::size_t maxQueuedBytes;
		/// The queue holds at most this many bytes of lines as well (64 MiB): a client's paths
		/// and model names can make lines long.

	static const std::chrono::milliseconds writeInterval;
		/// How often the writer looks at the queue: a line is in the file at most this late.

private:
	void run();

	Poco::AutoPtr<Poco::Channel> _channel;
	const std::size_t _capacity;
	std::mutex _mutex;
	std::condition_variable _wake;
	std::condition_variable _drained;
	std::string _queue; /// the lines queued, each but the last followed by a line end
	std::size_t _queued = 0; /// how many
	bool _writing = false; /// the thread holds records taken from the queue
	bool _stopping = false;
	bool _flushing = false;
	std::atomic<Poco::UInt64> _dropped{0};
	std::thread _thread;
};

} // namespace AILoad

#endif

#include "AccessLog.h"

#include "AccessLogLine.h"
#include <Poco/File.h>
#include <Poco/FileChannel.h>
#include <Poco/Message.h>
#include <Poco/Path.h>

namespace AILoad {

const std::chrono::milliseconds AccessLog::writeInterval(100);
const std::size_t AccessLog::maxQueuedBytes = 64 << 20;


namespace {

Poco::AutoPtr<Poco::Channel> openFile(const AccessLog::Settings& settings)
{
	const Poco::Path path(settings.path);
	if (path.depth() > 0) Poco::File(path.parent()).createDirectories();
	Poco::AutoPtr<Poco::FileChannel> file = new Poco::FileChannel(settings.path);
	file->setProperty(Poco::FileChannel::PROP_ROTATION, settings.rotateSize);
	file->setProperty(Poco::FileChannel::PROP_ARCHIVE, "number");
	file->setProperty(Poco::FileChannel::PROP_PURGECOUNT, std::to_string(settings.keep));
	file->open(); // now, so that a path it cannot write stops start-up with the reason
	return file;
}

} // namespace


AccessLog::AccessLog(const Settings& settings):
	AccessLog(openFile(settings), settings.queueLines)
{
}


AccessLog::AccessLog(Poco::AutoPtr<Poco::Channel> channel, std::size_t queueLines):
	_channel(std::move(channel)),
	_capacity(queueLines),
	_thread([this] { run(); })
{
}


AccessLog::~AccessLog()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wake.notify_one();
	_thread.join();
	_channel->close();
}


void AccessLog::write(const RequestRecord& record)
{
	// Formatted here, into a buffer of the thread's own: the writer only writes. A record
	// handed over instead made the writer free what the request threads allocated, and hold
	// the one CPU it shares with them for milliseconds per batch (docs/performance.md).
	thread_local std::string line;
	if (line.capacity() > 65536) std::string().swap(line); // a client's long path or model is not kept
	line.clear();
	AccessLogLine::appendTo(line, record);
	bool wake = false;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_queued >= _capacity || _queue.size() + line.size() > maxQueuedBytes)
		{
			_dropped.fetch_add(1, std::memory_order_relaxed);
			return;
		}
		if (_queued) _queue += '\n';
		_queue += line;
		++_queued;
		// The writer looks every writeInterval by itself; waking it for each line would cost
		// every request a context switch. Only a queue filling up calls it early.
		wake = _queued == _capacity / 2;
	}
	if (wake) _wake.notify_one();
}


void AccessLog::flush()
{
	std::unique_lock<std::mutex> lock(_mutex);
	_flushing = true;
	_wake.notify_one();
	_drained.wait(lock, [this] { return !_queued && !_writing; });
	_flushing = false;
}


Poco::UInt64 AccessLog::dropped() const
{
	return _dropped.load(std::memory_order_relaxed);
}


void AccessLog::run()
{
	std::string lines;
	std::unique_lock<std::mutex> lock(_mutex);
	for (;;)
	{
		_wake.wait_for(lock, writeInterval, [this] { return _stopping || (_queued && (_flushing || _queued >= _capacity / 2)); });
		if (!_queued)
		{
			if (_stopping) return; // everything is written
			continue;
		}
		// The two buffers change places: each keeps its capacity, so neither allocates again.
		lines.swap(_queue);
		_queue.clear();
		const std::size_t count = _queued;
		_queued = 0;
		_writing = true;
		lock.unlock();
		try
		{
			// One message, so one write, for the whole batch: the channel adds the last line's end.
			_channel->log(Poco::Message("AILoad.Access", lines, Poco::Message::PRIO_INFORMATION));
		}
		catch (Poco::Exception&)
		{
			_dropped.fetch_add(count, std::memory_order_relaxed); // a full disk: counted, not fatal
		}
		if (lines.capacity() > maxQueuedBytes / 4) std::string().swap(lines); // after a burst, not kept
		lock.lock();
		_writing = false;
		_drained.notify_all();
	}
}

} // namespace AILoad

#include "AccessLog.h"

#include "AccessLogLine.h"
#include <Poco/File.h>
#include <Poco/FileChannel.h>
#include <Poco/Message.h>
#include <Poco/Path.h>

namespace AILoad {

const std::chrono::milliseconds AccessLog::writeInterval(100);


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


void AccessLog::write(RequestRecord&& record)
{
	bool wake = false;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_queue.size() >= _capacity)
		{
			_dropped.fetch_add(1, std::memory_order_relaxed);
			return;
		}
		_queue.push_back(std::move(record));
		// The writer looks every writeInterval by itself; waking it for each line would cost
		// every request a context switch. Only a queue filling up calls it early.
		wake = _queue.size() == _capacity / 2;
	}
	if (wake) _wake.notify_one();
}


void AccessLog::flush()
{
	std::unique_lock<std::mutex> lock(_mutex);
	_flushing = true;
	_wake.notify_one();
	_drained.wait(lock, [this] { return _queue.empty() && !_writing; });
	_flushing = false;
}


Poco::UInt64 AccessLog::dropped() const
{
	return _dropped.load(std::memory_order_relaxed);
}


void AccessLog::run()
{
	std::deque<RequestRecord> batch;
	std::string lines;
	std::unique_lock<std::mutex> lock(_mutex);
	for (;;)
	{
		_wake.wait_for(lock, writeInterval, [this] { return _stopping || (!_queue.empty() && (_flushing || _queue.size() >= _capacity / 2)); });
		if (_queue.empty())
		{
			if (_stopping) return; // everything is written
			continue;
		}
		batch.swap(_queue);
		_writing = true;
		lock.unlock();
		// One message, so one write, for the whole batch: the channel adds the last line's end.
		lines.clear();
		for (const RequestRecord& record : batch)
		{
			if (!lines.empty()) lines += '\n';
			AccessLogLine::appendTo(lines, record);
		}
		try
		{
			_channel->log(Poco::Message("AILoad.Access", lines, Poco::Message::PRIO_INFORMATION));
		}
		catch (Poco::Exception&)
		{
			_dropped.fetch_add(batch.size(), std::memory_order_relaxed); // a full disk: counted, not fatal
		}
		batch.clear();
		lock.lock();
		_writing = false;
		_drained.notify_all();
	}
}

} // namespace AILoad

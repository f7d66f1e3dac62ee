#include "ChildProcess.h"

#include <Poco/Exception.h>
#include <Poco/Timestamp.h>
#include <chrono>
#include <csignal>

namespace AILoad {
namespace Test {

std::string ChildProcess::Result::describe(const std::string& what) const
{
	return what + (killed ? " was killed at its deadline" : " exited with " + std::to_string(exitCode)) + ":\n" + output;
}


ChildProcess::Result ChildProcess::run(const std::string& command, const std::vector<std::string>& args, const std::string& directory, Poco::Timespan timeout)
{
	ChildProcess child(command, args, directory, true);
	Result result;
	if (!child.waitForExit(timeout))
	{
		result.killed = true;
		child.signal(SIGKILL);
		child.waitForExit(Poco::Timespan(60, 0));
	}
	result.exitCode = child.exitCode();
	result.output = child.out();
	return result;
}


ChildProcess::ChildProcess(const std::string& command, const std::vector<std::string>& args, const std::string& directory):
	ChildProcess(command, args, directory, false)
{
}


ChildProcess::ChildProcess(const std::string& command, const std::vector<std::string>& args, const std::string& directory, bool merged):
	_handle(Poco::Process::launch(command, args, directory, &_inPipe, &_outPipe, merged ? &_outPipe : &_errPipe)),
	_readers(merged ? 1 : 2)
{
	// Nothing is ever typed in: a process that reads stdin sees its end at once.
	_inPipe.close();
	_outReader = std::thread([this] { read(_outPipe, _out); });
	if (!merged) _errReader = std::thread([this] { read(_errPipe, _err); });
}


ChildProcess::~ChildProcess()
{
	if (!_exited)
	{
		try
		{
			Poco::Process::kill(_handle);
			_handle.wait();
		}
		catch (Poco::Exception&)
		{
		}
	}
	joinReaders();
}


Poco::ProcessHandle::PID ChildProcess::id() const
{
	return _handle.id();
}


void ChildProcess::signal(int number)
{
	if (_exited) throw Poco::IllegalStateException("the process exited already", output());
	if (::kill(_handle.id(), number) != 0) throw Poco::SystemException("cannot signal process " + std::to_string(_handle.id()));
}


bool ChildProcess::waitForExit(Poco::Timespan timeout)
{
	const Poco::Timestamp deadline = Poco::Timestamp() + timeout;
	while (!_exited)
	{
		const int code = _handle.tryWait();
		if (code != -1)
		{
			_exited = true;
			_exitCode = code;
			joinReaders();
		}
		else if (Poco::Timestamp() >= deadline)
		{
			return false;
		}
		else
		{
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		}
	}
	return true;
}


bool ChildProcess::running()
{
	return !waitForExit(0);
}


int ChildProcess::exitCode() const
{
	return _exitCode;
}


std::string ChildProcess::waitForLine(const std::string& part, Poco::Timespan timeout)
{
	std::unique_lock<std::mutex> lock(_mutex);
	std::string rest;
	_changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [&] {
		for (const std::string* text : {&_out, &_err})
		{
			const std::size_t at = text->find(part);
			const std::size_t end = at == std::string::npos ? at : text->find('\n', at);
			if (end != std::string::npos)
			{
				rest = text->substr(at + part.size(), end - at - part.size());
				return true;
			}
		}
		return _readersDone == _readers;
	});
	return rest;
}


std::string ChildProcess::out() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _out;
}


std::string ChildProcess::err() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _err;
}


std::string ChildProcess::output() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return (_exited ? "exit " + std::to_string(_exitCode) + "\n" : std::string()) + "[stdout]\n" + _out + "[stderr]\n" + _err;
}


void ChildProcess::read(Poco::Pipe& pipe, std::string& into)
{
	char buffer[4096];
	for (;;)
	{
		int n = 0;
		try
		{
			n = pipe.readBytes(buffer, sizeof(buffer));
		}
		catch (Poco::Exception&)
		{
			n = 0;
		}
		std::lock_guard<std::mutex> lock(_mutex);
		if (n <= 0)
		{
			++_readersDone;
			_changed.notify_all();
			return;
		}
		into.append(buffer, static_cast<std::size_t>(n));
		_changed.notify_all();
	}
}


void ChildProcess::joinReaders()
{
	if (_outReader.joinable()) _outReader.join();
	if (_errReader.joinable()) _errReader.join();
}

} // namespace Test
} // namespace AILoad

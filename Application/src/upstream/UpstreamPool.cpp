#include "UpstreamPool.h"

#include <Poco/Net/Socket.h>
#include <poll.h>
#include <algorithm>

namespace AILoad {

UpstreamPool::UpstreamPool(const std::string& extraCaLocation, Poco::Timespan idleTimeout, std::size_t maxIdlePerHost):
	_connector(extraCaLocation),
	_idleTimeout(idleTimeout),
	_maxIdlePerHost(maxIdlePerHost)
{
	const long sweep = std::max(50L, static_cast<long>(idleTimeout.totalMilliseconds() / 2));
	_evictor.setPeriodicInterval(sweep);
	_evictor.start(Poco::TimerCallback<UpstreamPool>(*this, &UpstreamPool::evictExpired));
}


UpstreamPool::~UpstreamPool()
{
	_evictor.stop();
}


void UpstreamPool::evictExpired(Poco::Timer&)
{
	std::vector<std::unique_ptr<UpstreamSession>> expired;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		const Poco::Timestamp now;
		for (auto& host : _hosts)
		{
			auto& idle = host.second.idle;
			while (!idle.empty() && now - idle.front().since >= _idleTimeout.totalMicroseconds())
			{
				expired.push_back(std::move(idle.front().session));
				idle.erase(idle.begin());
			}
		}
	}
	// `expired` closes them here, outside the lock (a TLS goodbye is I/O).
}


std::unique_ptr<UpstreamSession> UpstreamPool::acquire(const UpstreamConfig& upstream, const GatewayConfig& config)
{
	std::unique_ptr<UpstreamSession> idle = acquireIdle(upstream, config);
	return idle ? std::move(idle) : connectFresh(upstream, config);
}


std::unique_ptr<UpstreamSession> UpstreamPool::acquireIdle(const UpstreamConfig& upstream, const GatewayConfig& config)
{
	const std::string key = keyOf(upstream);
	for (;;)
	{
		std::unique_ptr<UpstreamSession> candidate;
		Poco::Timestamp::TimeDiff idleFor = 0;
		{
			std::lock_guard<std::mutex> lock(_mutex);
			auto& idle = _hosts[key].idle;
			if (idle.empty()) break;
			candidate = std::move(idle.back().session);
			idleFor = idle.back().since.elapsed();
			idle.pop_back();
		}
		// Checked and, when dead, closed outside the lock.
		if (idleFor >= _idleTimeout.totalMicroseconds()) continue;
		// Readable while idle means closed (or garbage): either way not usable. A plain
		// poll(2): POCO 1.11's Socket::poll() creates and closes an epoll set per call.
		// Not for a connection back for less than a second (under load, most are back for
		// microseconds): upstreams close idle connections after seconds, and one closed
		// sooner fails before any byte of an answer, which ProxyRequestHandler sends again
		// on a new connection (docs/reliability.md).
		if (idleFor >= livenessCheckAfter)
		{
			pollfd idle{static_cast<int>(candidate->socket().impl()->sockfd()), POLLIN, 0};
			if (::poll(&idle, 1, 0) != 0) continue;
		}
		{
			std::lock_guard<std::mutex> lock(_mutex);
			++_reused;
		}
		candidate->markReused();
		candidate->setTimeout(config.connectTimeout, config.readTimeout, config.readTimeout);
		return candidate;
	}
	return nullptr;
}


std::unique_ptr<UpstreamSession> UpstreamPool::connectFresh(const UpstreamConfig& upstream, const GatewayConfig& config)
{
	std::unique_ptr<UpstreamSession> session = _connector.open(upstream, config);
	session->setKeepAlive(true);
	// POCO counts its own keep-alive time from the last request sent, which a long stream
	// outlasts; the pool decides about idleness instead.
	session->setKeepAliveTimeout(Poco::Timespan(365 * 86400, 0));
	std::lock_guard<std::mutex> lock(_mutex);
	session->useTlsSession(_hosts[keyOf(upstream)].tlsSession);
	return session;
}


void UpstreamPool::release(const UpstreamConfig& upstream, std::unique_ptr<UpstreamSession> session)
{
	const Poco::Net::Session::Ptr tlsSession = session->tlsSession();
	std::unique_ptr<UpstreamSession> oldest; // closed after the lock is let go
	std::lock_guard<std::mutex> lock(_mutex);
	Host& host = _hosts[keyOf(upstream)];
	if (tlsSession) host.tlsSession = tlsSession;
	if (session->resumedTls() && !session->reused()) ++_tlsResumptions;
	if (host.idle.size() >= _maxIdlePerHost)
	{
		oldest = std::move(host.idle.front().session);
		host.idle.erase(host.idle.begin());
	}
	host.idle.push_back({std::move(session), Poco::Timestamp()});
}


std::size_t UpstreamPool::idleConnections() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	std::size_t count = 0;
	for (const auto& host : _hosts) count += host.second.idle.size();
	return count;
}


std::size_t UpstreamPool::idleConnectionsTo(const UpstreamConfig& upstream) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	const auto host = _hosts.find(keyOf(upstream));
	return host == _hosts.end() ? 0 : host->second.idle.size();
}


std::size_t UpstreamPool::reused() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _reused;
}


std::size_t UpstreamPool::tlsResumptions() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _tlsResumptions;
}


std::string UpstreamPool::keyOf(const UpstreamConfig& upstream)
{
	const Poco::URI& base = upstream.apiBase;
	return base.getScheme() + "://" + base.getHost() + ":" + std::to_string(base.getPort()) + (upstream.verifyTls ? "" : " unverified");
}

} // namespace AILoad

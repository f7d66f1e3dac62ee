#ifndef AILoad_RequestLedger_INCLUDED
#define AILoad_RequestLedger_INCLUDED

#include "AccessLog.h"
#include "LabeledCounters.h"
#include "RequestRecord.h"
#include "AILoad/Clock.h"
#include <Poco/Types.h>
#include <atomic>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace AILoad {

class RequestLedger
	/// Where each finished request is entered: the request counters and token totals of
	/// /metrics, each client's counts of the day for /status, and the access log. Also the
	/// gauges of what is open now. Entering a request takes no lock that another request
	/// holds for longer than a counter's lookup (LabeledCounters).
{
public:
	struct ClientDay
		/// A client's counts of the current UTC day.
	{
		Poco::UInt64 requests = 0;
		Poco::UInt64 promptTokens = 0;
		Poco::UInt64 completionTokens = 0;
	};

	RequestLedger(std::shared_ptr<AccessLog> accessLog, const Clock& clock);
		/// No access log: none is written. The clock must outlive the ledger.

	void finished(RequestRecord&& record);
		/// Counts the request and hands it to the access log.

	void connectionOpened();
	void connectionClosed();
	void streamStarted();
	void streamEnded();
	void configReloaded(bool applied);

	const LabeledCounters& requests() const;
		/// `aiload_requests_total`: labels client, model, upstream, code.
	const LabeledCounters& tokens() const;
		/// `aiload_tokens_total`: labels client, upstream, kind.
	const LabeledCounters& configReloads() const;
		/// `aiload_config_reloads_total`: label result (applied, refused).
	std::map<std::string, ClientDay> clientsToday() const;
	Poco::UInt64 requestsTotal() const;
	long clientConnections() const;
	long activeStreams() const;
	Poco::UInt64 accessLogDropped() const;

	AccessLog* accessLog();
		/// Null when it is off.

	static std::string label(std::string_view value);
		/// A label value as Prometheus writes it, in quotes, with \, " and newlines escaped.
	static void appendLabel(std::string& out, std::string_view value);
		/// The same, appended to `out`.

private:
	struct Tally
		/// The counters one kind of request adds to (same client, model, upstream and
		/// status), found once and kept, so that counting a request is one lookup.
	{
		std::atomic<Poco::UInt64>* requests = nullptr;
		std::atomic<Poco::UInt64>* promptTokens = nullptr;
		std::atomic<Poco::UInt64>* completionTokens = nullptr;
		Poco::Int64 day = -1; /// of the three below
		std::atomic<Poco::UInt64>* requestsOfDay = nullptr;
		std::atomic<Poco::UInt64>* promptTokensOfDay = nullptr;
		std::atomic<Poco::UInt64>* completionTokensOfDay = nullptr;
	};

	void fillIn(Tally& tally, std::string_view client, std::string_view model, std::string_view upstream, int status, Poco::Int64 day, bool tokens);
		/// Fills in what `tally` lacks for `day`, its token counters too when `tokens`.
	Poco::Int64 today() const;

	std::shared_ptr<AccessLog> _accessLog;
	const Clock& _clock;
	LabeledCounters _requests;
	LabeledCounters _tokens;
	LabeledCounters _configReloads;
	LabeledCounters _clientDays; /// internal keys: client, day and what, one per line
	std::shared_mutex _talliesMutex;
	std::unordered_map<std::string, Tally> _tallies; /// by client, model, upstream and status
	std::atomic<Poco::UInt64> _requestsTotal{0};
	std::atomic<long> _clientConnections{0};
	std::atomic<long> _activeStreams{0};
};

} // namespace AILoad

#endif

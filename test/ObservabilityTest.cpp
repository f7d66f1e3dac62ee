#include "ObservabilityTest.h"
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTime.h>
#include "AccessLogLine.h"

#include "AccessLog.h"
#include "GatewayFixture.h"
#include "MockUpstream.h"
#include "RequestId.h"
#include "TempDirectory.h"
#include <Poco/File.h>
#include <Poco/JSONString.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Message.h>
#include <Poco/StringTokenizer.h>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

CPPUNIT_TEST_SUITE_REGISTRATION(ObservabilityTest);

using namespace AILoad::Test;
using AILoad::AccessLog;
using AILoad::RequestRecord;
using Poco::JSON::Object;

namespace {

const std::string chat = "/v1/chat/completions";


std::string config(const std::string& models, const std::string& rest = "")
{
	return "{\"auth_token\": \"x\", \"models\": [" + models + "]" + (rest.empty() ? "" : ", " + rest) + "}";
}


Object::Ptr parse(const std::string& json)
{
	return Poco::JSON::Parser().parse(json).extract<Object::Ptr>();
}


class LineChannel final: public Poco::Channel
	/// Keeps the lines an AccessLog writes, one by one. Until open() is called, log() blocks (a disk
	/// that has stopped), after it has said so through entered().
{
public:
	void log(const Poco::Message& message) override
	{
		std::unique_lock<std::mutex> lock(_mutex);
		_entered = true;
		_changed.notify_all();
		_changed.wait(lock, [this] { return _flowing; });
		// The log writes a batch of lines as one message.
		Poco::StringTokenizer lines(message.getText(), "\n");
		_lines.insert(_lines.end(), lines.begin(), lines.end());
	}

	void flow()
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_flowing = true;
		_changed.notify_all();
	}

	bool waitEntered()
	{
		std::unique_lock<std::mutex> lock(_mutex);
		return _changed.wait_for(lock, std::chrono::seconds(10), [this] { return _entered; });
	}

	std::vector<std::string> lines()
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _lines;
	}

	explicit LineChannel(bool flowing):
		_flowing(flowing)
	{}

private:
	std::mutex _mutex;
	std::condition_variable _changed;
	bool _entered = false;
	bool _flowing;
	std::vector<std::string> _lines;
};


void waitForLines(LineChannel& lines, AccessLog& log, std::size_t n)
{
	const Poco::Timestamp start;
	while (lines.lines().size() < n && start.elapsed() < 5000000)
	{
		log.flush();
		std::this_thread::yield();
	}
	CPPUNIT_ASSERT_EQUAL(n, lines.lines().size());
}


std::string metricValue(const std::string& metrics, const std::string& series)
	/// The value of one series (name and labels as written), or "" when it is absent.
{
	const std::string::size_type at = metrics.find("\n" + series + " ");
	if (at == std::string::npos) return "";
	const std::string::size_type begin = at + series.size() + 2;
	return metrics.substr(begin, metrics.find('\n', begin) - begin);
}

} // namespace


void ObservabilityTest::testRequestIdKeptSentAndReturned()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));

	const HttpAnswer answer = gateway.client().post(chat, R"({"model":"a","messages":[]})", {{"X-Request-Id", "job-42:retry_1.x"}});
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	CPPUNIT_ASSERT_EQUAL(std::string("job-42:retry_1.x"), answer.header("X-Request-Id"));
	CPPUNIT_ASSERT_EQUAL(std::string("job-42:retry_1.x"), a.received().back().header("X-Request-Id"));

	// Without one, the gateway makes one up, and each request gets its own.
	const HttpAnswer first = gateway.client().post(chat, R"({"model":"a","messages":[]})");
	const HttpAnswer second = gateway.client().post(chat, R"({"model":"a","messages":[]})");
	CPPUNIT_ASSERT(AILoad::RequestId::acceptable(first.header("X-Request-Id")));
	CPPUNIT_ASSERT(first.header("X-Request-Id") != second.header("X-Request-Id"));
	// 24 hex digits: the process's prefix, then a counter that went up by one in between.
	const std::string firstId = first.header("X-Request-Id"), secondId = second.header("X-Request-Id");
	CPPUNIT_ASSERT_EQUAL(std::size_t(24), firstId.size());
	CPPUNIT_ASSERT_EQUAL(firstId.substr(0, 8), secondId.substr(0, 8));
	CPPUNIT_ASSERT_EQUAL(std::stoull(firstId.substr(8), nullptr, 16) + 1, std::stoull(secondId.substr(8), nullptr, 16));
	CPPUNIT_ASSERT_EQUAL(second.header("X-Request-Id"), a.received().back().header("X-Request-Id"));
}


void ObservabilityTest::testHostileRequestIdReplaced()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));

	for (const std::string& hostile : {std::string(129, 'a'), std::string("say \"hi\""), std::string("a<script>"), std::string("id;rm -rf")})
	{
		const HttpAnswer answer = gateway.client().post(chat, R"({"model":"a","messages":[]})", {{"X-Request-Id", hostile}});
		CPPUNIT_ASSERT_EQUAL(200, answer.status);
		const std::string id = answer.header("X-Request-Id");
		CPPUNIT_ASSERT_MESSAGE(hostile, id != hostile && AILoad::RequestId::acceptable(id));
		CPPUNIT_ASSERT_EQUAL(id, a.received().back().header("X-Request-Id"));
	}
	// A bare CR inside the value is refused by the strict parser before any handler: the
	// refusal carries a request id of the gateway's, never the client's bytes.
	const std::string reply = TestClient::joined(gateway.client().raw(
		"GET /health HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc\rdef\r\n\r\n", Poco::Timespan(5, 0)));
	CPPUNIT_ASSERT_MESSAGE(reply, reply.compare(0, 12, "HTTP/1.1 400") == 0);
	CPPUNIT_ASSERT_MESSAGE(reply, reply.find("abc") == std::string::npos);
	CPPUNIT_ASSERT_MESSAGE(reply, reply.find("X-Request-Id: ") != std::string::npos);
}


void ObservabilityTest::testErrorsNameTheRequestId()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));

	const HttpAnswer unknown = gateway.client().post(chat, R"({"model":"nope"})", {{"X-Request-Id", "req-7"}});
	CPPUNIT_ASSERT_EQUAL(404, unknown.status);
	CPPUNIT_ASSERT_EQUAL(std::string("req-7"), unknown.header("X-Request-Id"));
	CPPUNIT_ASSERT(parse(unknown.body)->getObject("error")->getValue<std::string>("message").find("(request id req-7)") != std::string::npos);

	// All upstreams failing: the 502 names it too.
	MockBehaviour failing;
	failing.status = 500;
	a.setBehaviour(failing);
	const HttpAnswer failed = gateway.client().post(chat, R"({"model":"a"})", {{"X-Request-Id", "req-8"}});
	CPPUNIT_ASSERT_EQUAL(502, failed.status);
	CPPUNIT_ASSERT(parse(failed.body)->getObject("error")->getValue<std::string>("message").find("(request id req-8)") != std::string::npos);

	// A head the gateway cannot read gets an id of its own in the header and the message.
	const std::string reply = TestClient::joined(gateway.client().raw("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", Poco::Timespan(5, 0)));
	const std::string::size_type at = reply.find("X-Request-Id: ");
	CPPUNIT_ASSERT_MESSAGE(reply, at != std::string::npos);
	const std::string id = reply.substr(at + 14, reply.find("\r\n", at) - at - 14);
	CPPUNIT_ASSERT_MESSAGE(reply, AILoad::RequestId::acceptable(id) && reply.find("(request id " + id + ")") != std::string::npos);
}


void ObservabilityTest::testAccessLogLine()
{
	MockUpstream a("a");
	MockUpstream b("b");
	a.start();
	b.start();
	MockBehaviour failing;
	failing.status = 503;
	a.setBehaviour(failing);
	Poco::AutoPtr<LineChannel> lines = new LineChannel(true);
	AILoad::Gateway::ServerSettings settings;
	settings.accessLog = std::make_shared<AccessLog>(lines, 1000);
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase()) + "," + GatewayFixture::modelEntry("b", b.apiBase()),
							   R"("settings": {"strategy": ["round-robin"]})"),
		settings);

	const std::string body = R"({"model":"auto","messages":[{"role":"user","content":"PROMPT-SECRET"}]})";
	HttpAnswer answer;
	// Round-robin starts at either; the request that tries a first fails over to b.
	for (int i = 0; i < 2; ++i) answer = gateway.client().post(chat + "?api-key=QUERY-SECRET", body, {{"X-Request-Id", "log-" + std::to_string(i)}});
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	// A request is logged when its connection is done with it, just after the client has its answer.
	waitForLines(*lines, *settings.accessLog, 2);

	const std::vector<std::string> written = lines->lines();
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), written.size());
	bool sawFailover = false;
	for (const std::string& line : written)
	{
		CPPUNIT_ASSERT_MESSAGE(line, line.find('\n') == std::string::npos);
		for (const char* secret : {"PROMPT-SECRET", "QUERY-SECRET", "sk-key-a", "sk-key-b", "Hello from"})
			CPPUNIT_ASSERT_MESSAGE(line, line.find(secret) == std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(line, line.find(GatewayFixture::token()) == std::string::npos);
		const Object::Ptr entry = parse(line);
		CPPUNIT_ASSERT_EQUAL(std::string("default"), entry->getValue<std::string>("client"));
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), entry->getValue<std::string>("addr"));
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), entry->getValue<std::string>("method"));
		CPPUNIT_ASSERT_EQUAL(chat, entry->getValue<std::string>("path"));
		CPPUNIT_ASSERT_EQUAL(std::string("auto"), entry->getValue<std::string>("model"));
		CPPUNIT_ASSERT_EQUAL(false, entry->getValue<bool>("stream"));
		CPPUNIT_ASSERT_EQUAL(std::string("b"), entry->getValue<std::string>("upstream"));
		CPPUNIT_ASSERT_EQUAL(200, entry->getValue<int>("status"));
		CPPUNIT_ASSERT(entry->getValue<double>("ttfb_ms") >= 0);
		CPPUNIT_ASSERT(entry->getValue<double>("duration_ms") >= entry->getValue<double>("ttfb_ms"));
		CPPUNIT_ASSERT(entry->getValue<Poco::Int64>("bytes_in") > static_cast<Poco::Int64>(body.size()));
		CPPUNIT_ASSERT(entry->getValue<Poco::Int64>("bytes_out") > 100);
		CPPUNIT_ASSERT(entry->isNull("error"));
		CPPUNIT_ASSERT(entry->has("prompt_tokens") && entry->has("completion_tokens"));
		const Poco::JSON::Array::Ptr attempts = entry->getArray("attempts");
		const Object::Ptr last = attempts->getObject(attempts->size() - 1);
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), last->getValue<std::string>("outcome"));
		if (attempts->size() == 2)
		{
			sawFailover = true;
			CPPUNIT_ASSERT_EQUAL(std::string("a"), attempts->getObject(0)->getValue<std::string>("upstream"));
			CPPUNIT_ASSERT_EQUAL(std::string("http_5xx"), attempts->getObject(0)->getValue<std::string>("outcome"));
			CPPUNIT_ASSERT_EQUAL(503, attempts->getObject(0)->getValue<int>("status"));
		}
	}
	CPPUNIT_ASSERT(sawFailover);
	CPPUNIT_ASSERT_EQUAL(std::string("log-0"), parse(written[0])->getValue<std::string>("request_id"));

	// A request refused before routing is logged too, with its error code.
	TestClient stranger(gateway.port(), "wrong");
	CPPUNIT_ASSERT_EQUAL(401, stranger.post(chat, body).status);
	waitForLines(*lines, *settings.accessLog, 3);
	const Object::Ptr refused = parse(lines->lines().back());
	CPPUNIT_ASSERT_EQUAL(401, refused->getValue<int>("status"));
	CPPUNIT_ASSERT_EQUAL(std::string("invalid_api_key"), refused->getValue<std::string>("error"));
	CPPUNIT_ASSERT(refused->isNull("client"));
}


void ObservabilityTest::testAccessLogLineFormat()
{
	// Every field, byte for byte; times to the millisecond in UTC, durations to a tenth of one, half up.
	AILoad::RequestRecord record;
	record.started = Poco::DateTime(2024, 2, 29, 23, 59, 58, 999, 999).timestamp();
	record.requestId = "req-1";
	record.client = "default";
	record.address = "127.0.0.1";
	record.method = "POST";
	record.path = "/v1/chat/completions";
	record.model = "say \"hi\"";
	record.stream = true;
	record.upstream = "b";
	record.attempts = {{"a", "http_5xx", 503, 12.34}, {"b", "ok", 200, 0.05}};
	record.status = 200;
	record.ttfbMicros = 1249;
	record.durationMicros = 1250;
	record.bytesIn = 250;
	record.bytesOut = 1000;
	record.usage.prompt = 7;
	CPPUNIT_ASSERT_EQUAL(std::string(R"({"time":"2024-02-29T23:59:58.999Z","request_id":"req-1","client":"default","addr":"127.0.0.1",)"
									 R"("method":"POST","path":"/v1/chat/completions","model":"say \"hi\"","stream":true,"upstream":"b",)"
									 R"("attempts":[{"upstream":"a","outcome":"http_5xx","status":503,"ms":12.3},{"upstream":"b","outcome":"ok","status":200,"ms":0.1}],)"
									 R"("status":200,"ttfb_ms":1.2,"duration_ms":1.3,"bytes_in":250,"bytes_out":1000,"prompt_tokens":7,"completion_tokens":null,"error":null})"),
		AILoad::AccessLogLine::format(record));

	// The time agrees with POCO's formatter, also before 1970 and across years.
	for (const Poco::Int64 micros : {Poco::Int64(0), Poco::Int64(-1), Poco::Int64(951782400000000), Poco::Int64(4102444799999999), Poco::Int64(-86400000001)})
	{
		record.started = Poco::Timestamp(micros);
		const std::string line = AILoad::AccessLogLine::format(record);
		CPPUNIT_ASSERT_EQUAL(Poco::DateTimeFormatter::format(record.started, "%Y-%m-%dT%H:%M:%S.%iZ"), parse(line)->getValue<std::string>("time"));
	}
	// Strings are escaped as POCO's JSON writer escapes them, the longest case included.
	for (const std::string& text : {std::string("a\"b\\c/d"), std::string("\x01\x1f\x7f\t\n\r\b\f"), std::string("caf\xc3\xa9 \xe2\x80\xa8"),
			 std::string(300, '\x01')})
	{
		record.model = text;
		record.attempts[0].upstream = text;
		const std::string line = AILoad::AccessLogLine::format(record);
		CPPUNIT_ASSERT(line.find("\"model\":" + Poco::toJSON(text, Poco::JSON_WRAP_STRINGS) + ",\"stream\"") != std::string::npos);
		CPPUNIT_ASSERT(line.find("{\"upstream\":" + Poco::toJSON(text, Poco::JSON_WRAP_STRINGS) + ",\"outcome\"") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(text, parse(line)->getValue<std::string>("model"));
	}
}


void ObservabilityTest::testAccessLogDropsWhenFullAndNeverBlocks()
{
	Poco::AutoPtr<LineChannel> stalled = new LineChannel(false);
	auto log = std::make_unique<AccessLog>(stalled, 2);
	auto record = [](const std::string& id) {
		RequestRecord r;
		r.requestId = id;
		r.status = 200;
		return r;
	};
	log->write(record("1"));
	CPPUNIT_ASSERT(stalled->waitEntered()); // the writer holds "1" and waits for the disk
	const Poco::Timestamp start;
	for (int i = 2; i <= 6; ++i) log->write(record(std::to_string(i)));
	CPPUNIT_ASSERT(start.elapsed() < 1000000); // nothing waited for the stalled disk
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(3), log->dropped()); // 2 and 3 fit the queue; 4, 5, 6 not

	stalled->flow();
	log->flush();
	const std::vector<std::string> lines = stalled->lines();
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), lines.size());
	for (std::size_t i = 0; i < lines.size(); ++i)
		CPPUNIT_ASSERT_EQUAL(std::to_string(i + 1), parse(lines[i])->getValue<std::string>("request_id"));

	// The queue holds bytes within a bound too: long lines (a client's path) are dropped
	// beyond AccessLog::maxQueuedBytes, whatever the count of lines allows.
	Poco::AutoPtr<LineChannel> slow = new LineChannel(false);
	auto bounded = std::make_unique<AccessLog>(slow, 1000);
	bounded->write(record("first"));
	CPPUNIT_ASSERT(slow->waitEntered());
	RequestRecord longPath = record("long");
	longPath.path = "/" + std::string(1 << 20, 'a');
	const int written = static_cast<int>(AccessLog::maxQueuedBytes >> 20) + 8;
	for (int i = 0; i < written; ++i) bounded->write(longPath);
	slow->flow();
	bounded->flush();
	const std::size_t kept = slow->lines().size() - 1;
	CPPUNIT_ASSERT(kept > 0 && kept * (1 << 20) <= AccessLog::maxQueuedBytes);
	CPPUNIT_ASSERT_EQUAL(Poco::UInt64(written) - kept, bounded->dropped());
}


void ObservabilityTest::testAccessLogRotates()
{
	TempDirectory directory;
	AccessLog::Settings settings;
	settings.path = directory.path() + "/logs/access.log"; // the folder is created
	settings.rotateSize = "2 K";
	settings.keep = 2;
	{
		AccessLog log(settings);
		for (int i = 0; i < 100; ++i)
		{
			RequestRecord record;
			record.requestId = "rotation-" + std::to_string(i);
			record.path = "/v1/chat/completions";
			log.write(std::move(record));
			log.flush();
		}
	}
	CPPUNIT_ASSERT(Poco::File(settings.path).getSize() <= 2048 + 1024);
	std::vector<std::string> files;
	Poco::File(directory.path() + "/logs").list(files);
	// The current file and at most `keep` rotated ones (access.log.N): 100 lines are ~15 KB.
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), files.size());

	// A path it cannot write stops it at once, saying so.
	settings.path = "/proc/version/access.log";
	CPPUNIT_ASSERT_THROW(AccessLog refused(settings), Poco::Exception);
}


void ObservabilityTest::testMetricsCountAttemptsAndFailovers()
{
	MockUpstream a("a");
	MockUpstream b("b");
	a.start();
	b.start();
	MockBehaviour failing;
	failing.status = 500;
	a.setBehaviour(failing);
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase(), R"("group": "g", "weight": 1000)")
			+ "," + GatewayFixture::modelEntry("b", b.apiBase(), R"("group": "g", "weight": 1)"),
		R"("settings": {"ip_affinity": false})"));

	for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, R"({"model":"g","stream":true})").status);
	CPPUNIT_ASSERT_EQUAL(404, gateway.client().post(chat, R"({"model":"not-a-model"})").status);

	// A request is counted when its connection is done with it, just after the client has its
	// answer: the last one is in once the scrapes before this one are.
	HttpAnswer scrape;
	const Poco::Timestamp start;
	do scrape = gateway.client().get("/metrics");
	while ((metricValue("\n" + scrape.body, R"(aiload_requests_total{client="default",model="g",upstream="b",code="200"})") != "3"
			   || metricValue("\n" + scrape.body, R"(aiload_requests_total{client="default",model="unknown",upstream="none",code="404"})") != "1")
		&& start.elapsed() < 5000000);
	scrape = gateway.client().get("/metrics");
	CPPUNIT_ASSERT_EQUAL(200, scrape.status);
	CPPUNIT_ASSERT_EQUAL(std::string("text/plain; version=0.0.4; charset=utf-8"), scrape.header("Content-Type"));
	const std::string metrics = "\n" + scrape.body;
	const std::string attemptsA = metricValue(metrics, R"(aiload_upstream_attempts_total{upstream="a",outcome="http_5xx"})");
	const std::string failoversA = metricValue(metrics, R"(aiload_failovers_total{upstream="a",reason="http_5xx"})");
	CPPUNIT_ASSERT_MESSAGE(scrape.body, !attemptsA.empty() && attemptsA == failoversA); // each failure of a moved on to b
	CPPUNIT_ASSERT_EQUAL(std::string("3"), metricValue(metrics, R"(aiload_upstream_attempts_total{upstream="b",outcome="ok"})"));
	CPPUNIT_ASSERT_EQUAL(std::string("3"), metricValue(metrics, R"(aiload_requests_total{client="default",model="g",upstream="b",code="200"})"));
	// A model the config does not know is "unknown": clients cannot grow the label sets.
	CPPUNIT_ASSERT_EQUAL(std::string("1"), metricValue(metrics, R"(aiload_requests_total{client="default",model="unknown",upstream="none",code="404"})"));
	CPPUNIT_ASSERT(metrics.find("not-a-model") == std::string::npos);
	CPPUNIT_ASSERT_EQUAL(std::string("3"), metricValue(metrics, R"(aiload_upstream_first_byte_seconds_count{upstream="b"})"));
	CPPUNIT_ASSERT_EQUAL(std::string("3"), metricValue(metrics, R"(aiload_upstream_first_byte_seconds_bucket{upstream="b",le="+Inf"})"));
	CPPUNIT_ASSERT_EQUAL(std::string("3"), metricValue(metrics, R"(aiload_request_duration_seconds_count{upstream="b"})"));
	// Each request to b went out once, the first on a connection opened for it.
	const std::string newToB = metricValue(metrics, R"(aiload_upstream_connections_total{upstream="b",connection="new"})");
	const std::string reusedToB = metricValue(metrics, R"(aiload_upstream_connections_total{upstream="b",connection="reused"})");
	CPPUNIT_ASSERT_MESSAGE(scrape.body, !newToB.empty() && !reusedToB.empty() && std::stoi(newToB) >= 1 && std::stoi(newToB) + std::stoi(reusedToB) == 3);
	CPPUNIT_ASSERT_EQUAL(std::string("1"), metricValue(metrics, R"(aiload_upstream_state{upstream="b",state="up"})"));
	CPPUNIT_ASSERT_EQUAL(std::string("0"), metricValue(metrics, R"(aiload_active_streams)"));
	CPPUNIT_ASSERT(!metricValue(metrics, "process_resident_memory_bytes").empty());
	CPPUNIT_ASSERT(metricValue(metrics, "aiload_client_connections") >= "1");
	CPPUNIT_ASSERT(metrics.find("sk-key-") == std::string::npos);
	CPPUNIT_ASSERT(metrics.find(GatewayFixture::token()) == std::string::npos);
}


void ObservabilityTest::testMetricsNeedTheAdminToken()
{
	MockUpstream a("a");
	a.start();
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase())));
	TestClient anonymous(gateway.port());
	CPPUNIT_ASSERT_EQUAL(401, anonymous.get("/metrics").status);
	CPPUNIT_ASSERT_EQUAL(401, anonymous.get("/status.json").status);
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().get("/metrics").status); // no admin_token: auth_token is it

	// With an admin_token, auth_token no longer opens them, and /health's details need it.
	gateway.setConfig(config(GatewayFixture::modelEntry("a", a.apiBase()), R"("admin_token": "admin-secret")"));
	TestClient admin(gateway.port(), "admin-secret");
	CPPUNIT_ASSERT_EQUAL(401, gateway.client().get("/metrics").status);
	CPPUNIT_ASSERT_EQUAL(200, admin.get("/metrics").status);
	CPPUNIT_ASSERT_EQUAL(200, admin.get("/status.json").status);
	CPPUNIT_ASSERT(parse(admin.get("/health").body)->has("upstreams"));
	CPPUNIT_ASSERT(!parse(gateway.client().get("/health").body)->has("upstreams"));
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, R"({"model":"a"})").status); // auth_token still serves requests

	gateway.setConfig(config(GatewayFixture::modelEntry("a", a.apiBase()), R"("admin_token": "admin-secret", "settings": {"metrics_public": true})"));
	CPPUNIT_ASSERT_EQUAL(200, anonymous.get("/metrics").status);
	CPPUNIT_ASSERT_EQUAL(401, anonymous.get("/status.json").status);
}


void ObservabilityTest::testScrapeDuringReloadSeesOneConfig()
{
	MockUpstream a("a");
	a.start();
	auto models = [&](const std::string& first, const std::string& second) {
		return config(GatewayFixture::modelEntry(first, a.apiBase()) + "," + GatewayFixture::modelEntry(second, a.apiBase()));
	};
	GatewayFixture gateway(models("one", "two"));
	std::atomic<bool> done{false};
	std::thread reloader([&] {
		for (int i = 0; i < 200; ++i) gateway.setConfig(i % 2 ? models("one", "two") : models("three", "four"));
		done = true;
	});
	int scrapes = 0;
	std::string mixed;
	while (!done || scrapes < 5)
	{
		const std::string body = gateway.client().get("/metrics").body;
		std::set<std::string> names;
		for (const char* name : {"one", "two", "three", "four"})
			if (body.find(std::string("aiload_upstream_state{upstream=\"") + name + "\"") != std::string::npos) names.insert(name);
		const bool consistent = names == std::set<std::string>{"one", "two"} || names == std::set<std::string>{"three", "four"};
		if (!consistent) mixed = body;
		++scrapes;
	}
	reloader.join();
	CPPUNIT_ASSERT_MESSAGE(mixed, mixed.empty());
}


void ObservabilityTest::testStatusJson()
{
	MockUpstream a("a");
	MockUpstream b("b");
	a.start();
	b.start();
	MockBehaviour limited;
	limited.status = 429;
	limited.headers = {{"Retry-After", "120"}};
	b.setBehaviour(limited);
	GatewayFixture gateway(config(GatewayFixture::modelEntry("a", a.apiBase(), R"("rpm": 50)") + "," + GatewayFixture::modelEntry("b", b.apiBase())));
	CPPUNIT_ASSERT_EQUAL(429, gateway.client().post(chat, R"({"model":"b"})").status);
	CPPUNIT_ASSERT_EQUAL(200, gateway.client().post(chat, R"({"model":"a"})").status);

	// Counted when the connection is done with them, just after the client has the answer.
	auto counted = [](const Object::Ptr& status) {
		const Poco::JSON::Array::Ptr clients = status->getArray("clients");
		return status->getArray("upstreams")->getObject(0)->getValue<int>("requests_last_minute") == 1
			&& clients->size() == 1 && clients->getObject(0)->getValue<int>("requests_today") == 2;
	};
	HttpAnswer answer;
	const Poco::Timestamp start;
	do answer = gateway.client().get("/status.json");
	while (!counted(parse(answer.body)) && start.elapsed() < 5000000);
	CPPUNIT_ASSERT_EQUAL(200, answer.status);
	const Object::Ptr status = parse(answer.body);
	const Poco::JSON::Array::Ptr upstreams = status->getArray("upstreams");
	CPPUNIT_ASSERT_EQUAL(std::size_t(2), upstreams->size());
	const Object::Ptr upA = upstreams->getObject(0);
	const Object::Ptr upB = upstreams->getObject(1);
	CPPUNIT_ASSERT_EQUAL(std::string("up"), upA->getValue<std::string>("state"));
	CPPUNIT_ASSERT_EQUAL(1, upA->getValue<int>("requests_last_minute"));
	CPPUNIT_ASSERT_EQUAL(50, upA->getValue<int>("rpm"));
	CPPUNIT_ASSERT_EQUAL(5, upA->getValue<int>("prompt_tokens_today"));
	CPPUNIT_ASSERT_EQUAL(std::string("cooling"), upB->getValue<std::string>("state"));
	CPPUNIT_ASSERT_EQUAL(std::string("rate_limited"), upB->getValue<std::string>("reason"));
	const int left = upB->getValue<int>("seconds_left");
	CPPUNIT_ASSERT(left > 100 && left <= 120);
	CPPUNIT_ASSERT_EQUAL(1.0, upB->getValue<double>("error_rate_today"));
	const Object::Ptr totals = status->getObject("totals");
	CPPUNIT_ASSERT(totals->getValue<int>("requests") >= 2);
	const Object::Ptr client = status->getArray("clients")->getObject(0);
	CPPUNIT_ASSERT_EQUAL(std::string("default"), client->getValue<std::string>("name"));
	CPPUNIT_ASSERT_EQUAL(2, client->getValue<int>("requests_today"));
	CPPUNIT_ASSERT(answer.body.find("sk-key-") == std::string::npos);
}

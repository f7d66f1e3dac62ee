#include "PrometheusTest.h"

#include "ChildProcess.h"
#include "CoolingUpstreamScene.h"
#include "PrometheusServer.h"
#include "SystemProgram.h"
#include "TempDirectory.h"
#include <Poco/Timestamp.h>
#include <chrono>
#include <thread>

CPPUNIT_TEST_SUITE_REGISTRATION(PrometheusTest);

using namespace AILoad::Test;

namespace {

bool contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}


std::string prometheusProgram(const std::string& name)
{
	return SystemProgram::require(name, "prometheus", "AILOAD_SKIP_PROMETHEUS_TESTS");
}


void sendTraffic(CoolingUpstreamScene& scene)
	/// What shows in most families: answers, one after a failover from bravo (429), a stream,
	/// and a 429 to the client, who asked for bravo alone while it cools down.
{
	scene.coolBravo();
	CPPUNIT_ASSERT_EQUAL(200, scene.chat("auto", true).status);
	CPPUNIT_ASSERT_EQUAL(200, scene.chat("alpha").status);
	const HttpAnswer refused = scene.chat("bravo");
	CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.body, 429, refused.status);
}

} // namespace


void PrometheusTest::testPromtoolAcceptsMetrics()
{
	const std::string promtool = prometheusProgram("promtool");
	if (promtool.empty()) return;
	CoolingUpstreamScene scene;
	sendTraffic(scene);

	const HttpAnswer metrics = scene.gateway().client().get("/metrics");
	CPPUNIT_ASSERT_EQUAL(200, metrics.status);
	CPPUNIT_ASSERT_MESSAGE(metrics.body, contains(metrics.body, "aiload_failovers_total{upstream=\"bravo\",reason=\"rate_limited\"} 1\n"));
	CPPUNIT_ASSERT_MESSAGE(metrics.body, contains(metrics.body, "code=\"429\"} 1\n"));

	// promtool reads the exposition on stdin; its lint findings also make it fail.
	TempDirectory work;
	const std::string file = work.write("metrics.txt", metrics.body);
	const ChildProcess::Result check = ChildProcess::run("/bin/sh", {"-c", "exec \"$0\" check metrics < \"$1\"", promtool, file}, work.path(), Poco::Timespan(30, 0));
	CPPUNIT_ASSERT_MESSAGE(check.describe("promtool check metrics") + "\n" + metrics.body, check.exitCode == 0 && check.output.empty());
}


void PrometheusTest::testPrometheusScrapesGateway()
{
	const std::string program = prometheusProgram("prometheus");
	if (program.empty()) return;
	CoolingUpstreamScene scene;
	sendTraffic(scene);

	// /metrics is not public here: the target is up only if the scrape sends the admin token.
	PrometheusServer prometheus(program, "127.0.0.1:" + std::to_string(scene.gateway().port()), GatewayFixture::token());
	CPPUNIT_ASSERT_MESSAGE(prometheus.output(), prometheus.waitUntilReady(Poco::Timespan(20, 0)));
	CPPUNIT_ASSERT_MESSAGE(prometheus.targetHealth() + "\n" + prometheus.output(), prometheus.waitForTargetUp(Poco::Timespan(10, 0)));

	// Scrapes are requests too (upstream "none"): the answered ones are those with an upstream.
	const std::string answered = "sum(aiload_requests_total{code=\"200\",upstream!=\"none\"})";
	std::optional<double> value;
	const Poco::Timestamp deadline = Poco::Timestamp() + Poco::Timespan(10, 0);
	while (!(value = prometheus.value(answered)) && Poco::Timestamp() < deadline)
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
	CPPUNIT_ASSERT_MESSAGE(answered + " has no value\n" + prometheus.output(), value.has_value());
	CPPUNIT_ASSERT_EQUAL(static_cast<double>(scene.successes()), *value);
	CPPUNIT_ASSERT_EQUAL(1.0, prometheus.value("sum(aiload_requests_total{code=\"429\"})").value_or(-1));
	CPPUNIT_ASSERT_EQUAL(1.0, prometheus.value("aiload_failovers_total{upstream=\"bravo\",reason=\"rate_limited\"}").value_or(-1));
	CPPUNIT_ASSERT_EQUAL(1.0, prometheus.value("aiload_upstream_state{upstream=\"bravo\",state=\"cooling\"}").value_or(-1));
	CPPUNIT_ASSERT_EQUAL(1.0, prometheus.value("aiload_upstream_state{upstream=\"alpha\",state=\"up\"}").value_or(-1));
}

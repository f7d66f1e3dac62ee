#include "PrometheusServer.h"

#include "AiloadProcess.h"
#include "TestClient.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>
#include <chrono>
#include <thread>

namespace AILoad {
namespace Test {

namespace {

const auto pollInterval = std::chrono::milliseconds(100);


Poco::JSON::Object::Ptr parsedData(const std::string& body)
	/// The "data" of an API answer, which says "status": "success".
{
	const Poco::JSON::Object::Ptr answer = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
	if (answer->optValue<std::string>("status", "") != "success") throw Poco::DataException("prometheus API error", body);
	return answer->getObject("data");
}

} // namespace


PrometheusServer::PrometheusServer(const std::string& program, const std::string& target, const std::string& bearerToken):
	_port(AiloadProcess::freePort())
{
	_config = "global:\n"
			  "  scrape_interval: 1s\n"
			  "  scrape_timeout: 1s\n"
			  "  evaluation_interval: 1s\n"
			  "scrape_configs:\n"
			  "  - job_name: aiload\n"
			  "    metrics_path: /metrics\n"
			  "    authorization:\n"
			  "      type: Bearer\n"
			  "      credentials: \""
		+ bearerToken + "\"\n"
						"    static_configs:\n"
						"      - targets: [\""
		+ target + "\"]\n";
	const std::string configPath = _directory.write("prometheus.yml", _config);
	_process = std::make_unique<ChildProcess>(program, std::vector<std::string>{"--config.file=" + configPath, "--storage.tsdb.path=" + _directory.file("data"), "--web.listen-address=127.0.0.1:" + std::to_string(_port)}, _directory.path());
}


Poco::UInt16 PrometheusServer::port() const
{
	return _port;
}


bool PrometheusServer::waitUntilReady(Poco::Timespan timeout)
{
	const Poco::Timestamp deadline = Poco::Timestamp() + timeout;
	while (Poco::Timestamp() < deadline && _process->running())
	{
		int status = 0;
		try
		{
			get("/-/ready", status);
			if (status == 200) return true;
		}
		catch (Poco::Exception&)
		{
			// not listening yet
		}
		std::this_thread::sleep_for(pollInterval);
	}
	return false;
}


std::string PrometheusServer::targetHealth()
{
	int status = 0;
	const std::string body = get("/api/v1/targets?state=active", status);
	const Poco::JSON::Array::Ptr targets = parsedData(body)->getArray("activeTargets");
	if (!targets || targets->size() == 0) return "none";
	const Poco::JSON::Object::Ptr target = targets->getObject(0);
	const std::string error = target->optValue<std::string>("lastError", "");
	return target->optValue<std::string>("health", "?") + (error.empty() ? "" : ": " + error);
}


bool PrometheusServer::waitForTargetUp(Poco::Timespan timeout)
{
	const Poco::Timestamp deadline = Poco::Timestamp() + timeout;
	while (Poco::Timestamp() < deadline && _process->running())
	{
		if (targetHealth() == "up") return true;
		std::this_thread::sleep_for(pollInterval);
	}
	return false;
}


std::optional<double> PrometheusServer::value(const std::string& expression)
{
	std::string query;
	Poco::URI::encode(expression, "&=+#%;/?", query);
	int status = 0;
	const std::string body = get("/api/v1/query?query=" + query, status);
	const Poco::JSON::Object::Ptr data = parsedData(body);
	const Poco::JSON::Array::Ptr result = data->getArray("result");
	if (!result || result->size() == 0) return std::nullopt;
	if (result->size() > 1) throw Poco::DataException("query " + expression + " yields more than one sample", body);
	// A sample is [<time>, "<value>"]; the value is a string, as it may be NaN or +Inf.
	const Poco::JSON::Array::Ptr sample = result->getObject(0)->getArray("value");
	return Poco::NumberParser::parseFloat(sample->getElement<std::string>(1));
}


std::string PrometheusServer::output() const
{
	return _config + "\n" + _process->output();
}


std::string PrometheusServer::get(const std::string& pathAndQuery, int& status)
{
	TestClient client(_port);
	client.setTimeout(Poco::Timespan(5, 0));
	const HttpAnswer answer = client.get(pathAndQuery);
	status = answer.status;
	return answer.body;
}

} // namespace Test
} // namespace AILoad

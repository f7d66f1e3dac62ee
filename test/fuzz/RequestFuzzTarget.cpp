// The fuzz target for what the gateway parses from a client's untrusted bytes: request heads
// read strictly (HttpHeadParser), the body's framing and the chunked coding, the path's
// normalisation, header forwarding, JSON bodies and the model rewrite, and config files.
// Built as a libFuzzer binary with clang (scripts/fuzz.sh), and with a plain main that
// replays the seed corpus as an ordinary CTest test (FuzzCorpusMain.cpp).
#include "ConfigLoader.h"
#include "FramingError.h"
#include "HeaderForwarding.h"
#include "HttpFuzzSupport.h"
#include "JsonScanner.h"
#include "ModelRewriter.h"
#include "RequestPath.h"
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/String.h>
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

using AILoad::Fuzz::check;

namespace {

void fuzzBody(const std::string& text)
{
	const AILoad::JsonScanner::Result scanned = AILoad::JsonScanner::scan(text);
	if (!scanned.valid)
	{
		check(scanned.errorOffset <= text.size() && scanned.errorLine >= 1 && scanned.errorColumn >= 1);
		return;
	}
	if (!scanned.isObject) return;
	for (const auto& member : scanned.members) check(member.valueBegin < member.valueEnd && member.valueEnd <= text.size());
	if (const AILoad::JsonScanner::Member* model = scanned.find("model"))
	{
		std::string_view value(text.data() + model->valueBegin, model->valueEnd - model->valueBegin);
		if (value.front() == '"') AILoad::JsonScanner::decodeString(value);
	}
	// The rewrite keeps the body valid and carries exactly the new model at the top.
	const std::string rewritten = AILoad::ModelRewriter::rewrite(text, scanned, "fuzz \"model\" \\ é");
	const AILoad::JsonScanner::Result again = AILoad::JsonScanner::scan(rewritten);
	check(again.valid && again.isObject);
	const AILoad::JsonScanner::Member* model = again.find("model");
	check(model != nullptr);
	check(AILoad::JsonScanner::decodeString(std::string_view(rewritten.data() + model->valueBegin, model->valueEnd - model->valueBegin)) == "fuzz \"model\" \\ é");
}


bool isUpperHex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}


void fuzzPath(std::string_view path)
{
	std::string normalised;
	std::string error;
	if (!AILoad::RequestPath::normalise(path, normalised, error))
	{
		check(!error.empty());
		return;
	}
	// Nothing that could lead an upstream outside its API base gets through.
	check(normalised.size() <= path.size());
	check(normalised.find('\\') == std::string::npos);
	const std::string upper = Poco::toUpper(normalised);
	check(upper.find("%2F") == std::string::npos && upper.find("%5C") == std::string::npos && upper.find("%00") == std::string::npos);
	for (std::size_t start = 0; start <= normalised.size();)
	{
		std::size_t end = normalised.find('/', start);
		if (end == std::string::npos) end = normalised.size();
		const std::string_view segment(normalised.data() + start, end - start);
		check(segment != "." && segment != "..");
		start = end + 1;
	}
	for (std::size_t i = normalised.find('%'); i != std::string::npos; i = normalised.find('%', i + 1))
	{
		check(i + 2 < normalised.size() && isUpperHex(normalised[i + 1]) && isUpperHex(normalised[i + 2]));
	}
	// Normal means normal: a second pass changes nothing (routing and the upstream agree).
	std::string again;
	check(AILoad::RequestPath::normalise(normalised, again, error) && again == normalised);
}


void checkRequest(const Poco::Net::HTTPRequest& request)
{
	AILoad::Fuzz::checkFields(request);
	const std::string& method = request.getMethod();
	check(!method.empty() && std::all_of(method.begin(), method.end(), [](char c) { return AILoad::Fuzz::isTokenChar(static_cast<unsigned char>(c)); }));
	const std::string& uri = request.getURI();
	check(!uri.empty() && uri.front() == '/');
	check(std::all_of(uri.begin(), uri.end(), [](char c) { const auto u = static_cast<unsigned char>(c); return u > 0x20 && u < 0x7f; }));
	int hosts = 0;
	for (const auto& field : request)
	{
		if (Poco::icompare(field.first, "Host") == 0) ++hosts;
	}
	check(hosts == 1 || (hosts == 0 && request.getVersion() == "HTTP/1.0"));
}


void fuzzForwarding(const Poco::Net::HTTPRequest& request)
{
	// What goes upstream reads back as the fields it was written from, none of them one that
	// never goes, and the gateway's replace the client's.
	AILoad::HeaderForwarding::Fields set;
	AILoad::HeaderForwarding::setField(set, "Via", AILoad::HeaderForwarding::via(request, "aiload-fuzz"));
	AILoad::HeaderForwarding::setField(set, "X-Request-Id", "id");
	check(!AILoad::Fuzz::hasControlChar(set.front().second));
	std::string fields;
	AILoad::HeaderForwarding::writeRequestFields(request, set, fields);
	if (request.size() + 3 > AILoad::HttpHeadParser::MAX_FIELDS) return; // read back, it would be too many
	Poco::Net::HTTPRequest upstream;
	AILoad::HttpHeadParser::parseRequest("POST /v1/x HTTP/1.1\r\nHost: upstream\r\n" + fields + "\r\n", upstream);
	check(upstream.get("Authorization", "") == "" && upstream.get("Content-Length", "") == "" && upstream.get("Transfer-Encoding", "") == "");
	check(upstream.get("Via") == set.front().second && upstream.get("X-Request-Id") == "id");
	std::size_t vias = 0;
	for (const auto& field : upstream) vias += Poco::icompare(field.first, "Via") == 0 || Poco::icompare(field.first, "Host") == 0;
	check(vias == 2);
	AILoad::HeaderForwarding::viaReceivedBy(request);
}


void fuzzRequests(const std::string& text)
{
	AILoad::Fuzz::ByteCursor in(text);
	// Request after request, as on a keep-alive connection, until one breaks the rules or
	// the input ends.
	for (std::size_t requests = 0; requests < 4; ++requests)
	{
		std::string body;
		try
		{
			const std::string head = AILoad::Fuzz::readHead(in, true);
			if (head.empty()) return;
			Poco::Net::HTTPRequest request;
			AILoad::HttpHeadParser::parseRequest(head, request);
			checkRequest(request);
			const std::string& uri = request.getURI();
			fuzzPath(std::string_view(uri).substr(0, uri.find('?')));
			fuzzForwarding(request);
			const AILoad::BodyFraming framing = AILoad::BodyFraming::ofRequest(request);
			AILoad::Fuzz::checkFraming(framing, request);
			check(framing.kind != AILoad::BodyFraming::Kind::UntilClose); // only answers end with the connection
			if (!AILoad::Fuzz::readBody(in, framing, body, 1 + 7 * requests)) return; // cut off: the connection ends
		}
		catch (AILoad::FramingError& error)
		{
			check(error.status() == 400 || error.status() == 501 || error.status() == 505);
			return; // answered, then the connection is closed
		}
		catch (Poco::Exception&)
		{
			return;
		}
		if (!body.empty() && body != text) fuzzBody(body);
	}
}

} // namespace


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	const std::string text(reinterpret_cast<const char*>(data), size);
	fuzzBody(text);
	fuzzRequests(text);
	fuzzPath(text);
	AILoad::ConfigLoader::parse(text, "fuzz.json");
	return 0;
}

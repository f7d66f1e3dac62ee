// The fuzz target for what the gateway parses from an upstream's answer: heads read strictly
// (HttpHeadParser) past interim 1xx answers as UpstreamSession::receiveHead() does, the
// body's framing, and the chunked coding read as UpstreamSession::readBody() reads it; then
// what is read from an answer: its limit headers (ReportedLimits), an error body
// (UpstreamErrorClassifier), and usage (StreamUsageFilter, JsonUsageTap).
// An upstream is a peer like any other: whatever it sends must not crash the gateway, make
// it read past what arrived, or yield a length that is negative or wrapped.
// Built as the libFuzzer binary aiload-fuzz-upstream with clang (scripts/fuzz.sh), and with
// a plain main that replays test/fuzz/corpus-upstream as a CTest test (FuzzCorpusMain.cpp).
#include "FramingError.h"
#include "HeaderForwarding.h"
#include "HttpFuzzSupport.h"
#include "JsonScanner.h"
#include "JsonUsageTap.h"
#include "ReportedLimits.h"
#include "StreamUsageFilter.h"
#include "UpstreamErrorClassifier.h"
#include "UsageReader.h"
#include <Poco/Exception.h>
#include <Poco/Net/HTTPResponse.h>
#include <cstdint>
#include <string>
#include <string_view>

using AILoad::Fuzz::check;

namespace {

bool receiveHead(AILoad::Fuzz::ByteCursor& in, Poco::Net::HTTPResponse& response)
	/// As UpstreamSession::receiveHead(): false when the upstream closed without an answer.
{
	for (;;)
	{
		const std::string head = AILoad::Fuzz::readHead(in, false);
		if (head.empty()) return false;
		response.clear();
		AILoad::HttpHeadParser::parseResponse(head, response);
		AILoad::Fuzz::checkFields(response);
		const int status = response.getStatus();
		check(status >= 100 && status <= 599);
		check(!AILoad::Fuzz::hasControlChar(response.getReason()));
		if (status == Poco::Net::HTTPResponse::HTTP_SWITCHING_PROTOCOLS) throw AILoad::FramingError("101 Switching Protocols to a request that asked for no upgrade", 502);
		if (status >= 200) return true;
	}
}


void checkForwarding(const Poco::Net::HTTPResponse& response)
{
	// The gateway frames the body it relays itself: the upstream's framing never crosses.
	// What goes to the client reads back as fields, after the gateway's own.
	Poco::Net::HTTPResponse gateway;
	gateway.set("Date", "gateway");
	gateway.set("X-Request-Id", "id");
	std::string fields;
	AILoad::HeaderForwarding::writeResponseFields(response, gateway, fields);
	if (response.size() + 2 > AILoad::HttpHeadParser::MAX_FIELDS) return; // read back, it would be too many
	std::string head = "HTTP/1.1 200 OK\r\n";
	for (const auto& field : gateway) head += field.first + ": " + field.second + "\r\n";
	Poco::Net::HTTPResponse client;
	AILoad::HttpHeadParser::parseResponse(head + fields + "\r\n", client);
	check(!client.has("Content-Length") && !client.has("Transfer-Encoding") && !client.has("Connection"));
	check(client.get("X-Request-Id") == "id" && client.has("Date") == true);
	check(gateway.has("Date") != response.has("Date"));
}

AILoad::TokenUsage scannedUsage(std::string_view usage)
	/// A usage object's counts as the strict scanner alone reads them.
{
	AILoad::TokenUsage tokens;
	const AILoad::JsonScanner::Result scanned = AILoad::JsonScanner::scan(usage);
	if (usage.empty() || usage.front() != '{' || !scanned.valid || !scanned.isObject) return tokens;
	const auto countOf = [&](const AILoad::JsonScanner::Member* member) -> Poco::Int64 {
		if (!member) return -1;
		const std::string_view value = usage.substr(member->valueBegin, member->valueEnd - member->valueBegin);
		if (value.empty() || value.size() > 18 || value.find_first_not_of("0123456789") != std::string_view::npos) return -1;
		return std::stoll(std::string(value));
	};
	tokens.prompt = countOf(scanned.find("prompt_tokens"));
	tokens.completion = countOf(scanned.find("completion_tokens"));
	return tokens;
}


void checkUsageAgreesWithStrictScan(std::string_view body)
	/// UsageReader::ofUsage reads most usage objects in one pass of its own: on any bytes it
	/// reads what the strict scanner reads. UsageReader::ofBody follows a body's structure
	/// only; on a body that is valid JSON (and writes its top-level keys without escapes) it
	/// reads what a strict scan reads.
{
	const AILoad::TokenUsage direct = AILoad::UsageReader::ofUsage(body);
	const AILoad::TokenUsage reference = scannedUsage(body);
	check(direct.prompt == reference.prompt && direct.completion == reference.completion);

	const AILoad::JsonScanner::Result scanned = AILoad::JsonScanner::scan(body);
	if (!scanned.valid || !scanned.isObject) return;
	for (const auto& member : scanned.members)
		if (member.rawKey.find('\\') != std::string_view::npos) return;
	const AILoad::JsonScanner::Member* usage = scanned.find("usage");
	const AILoad::TokenUsage strict = usage ? scannedUsage(body.substr(usage->valueBegin, usage->valueEnd - usage->valueBegin)) : AILoad::TokenUsage();
	const AILoad::TokenUsage read = AILoad::UsageReader::ofBody(body);
	check(read.prompt == strict.prompt && read.completion == strict.completion);
}


void checkReading(const Poco::Net::HTTPResponse& response, const std::string& body)
	/// What the gateway reads of an answer never throws, and stays within what it says.
{
	const Poco::Timestamp now = Poco::Timestamp::fromEpochTime(1782907200);
	const AILoad::ReportedLimits limits = AILoad::ReportedLimits::read(response, now);
	if (const auto until = limits.setAsideUntil(now)) check(*until > now && *until <= now + AILoad::ReportedLimits::maximumReset.totalMicroseconds());
	const AILoad::UpstreamErrorClassifier::Verdict verdict = AILoad::UpstreamErrorClassifier::classify(response.getStatus(), limits, body, now, Poco::Timespan(3600, 0));
	if (verdict.kind != AILoad::UpstreamErrorClassifier::Kind::None) check(verdict.until >= now);

	// Usage: tapping hands back the bytes it is given; removing never adds any.
	AILoad::StreamUsageFilter tap;
	AILoad::StreamUsageFilter removing;
	removing.removeInjectedUsage();
	std::size_t removed = 0;
	const std::size_t half = body.size() / 2;
	for (const std::string_view piece : {std::string_view(body).substr(0, half), std::string_view(body).substr(half)})
	{
		check(tap.pass(piece.data(), piece.size()) == piece);
		removed += removing.pass(piece.data(), piece.size()).size();
	}
	removed += removing.finish().size();
	check(removed <= body.size());
	AILoad::JsonUsageTap json;
	json.take(body.data(), body.size());
	json.end();
	check(json.usage().prompt >= -1 && tap.usage().prompt >= -1 && removing.usage().completion >= -1);
	checkUsageAgreesWithStrictScan(body);
}

} // namespace


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	// The usage readers, on the bytes as they are too: most inputs never make a valid answer.
	checkUsageAgreesWithStrictScan(std::string_view(reinterpret_cast<const char*>(data), size));
	AILoad::Fuzz::ByteCursor in(std::string_view(reinterpret_cast<const char*>(data), size));
	// Answer after answer, as on a pooled connection, until one breaks the rules, ends with
	// the connection or is cut off.
	for (std::size_t answers = 0; answers < 4; ++answers)
	{
		AILoad::BodyFraming framing;
		Poco::Net::HTTPResponse response;
		try
		{
			if (!receiveHead(in, response)) return 0;
			checkForwarding(response);
			framing = AILoad::BodyFraming::ofResponse(response);
			AILoad::Fuzz::checkFraming(framing, response);
			const int status = response.getStatus();
			if (status == 204 || status == 304) check(framing.kind == AILoad::BodyFraming::Kind::None);
		}
		catch (AILoad::FramingError&)
		{
			return 0; // a malformed answer: the attempt fails and the connection is dropped
		}
		catch (Poco::Exception&)
		{
			return 0;
		}
		try
		{
			std::string body;
			if (!AILoad::Fuzz::readBody(in, framing, body, 1 + 5 * answers)) return 0; // cut off
			checkReading(response, body);
		}
		catch (AILoad::FramingError&)
		{
			return 0; // the session marks the answer malformed and drops the connection
		}
		if (framing.kind == AILoad::BodyFraming::Kind::UntilClose) return 0;
	}
	return 0;
}

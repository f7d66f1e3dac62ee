// The fuzz target for what the gateway parses from untrusted bytes: request heads and
// header checks, JSON bodies and the model rewrite, and config files. Built as a libFuzzer
// binary with clang (scripts/fuzz.sh), and with a plain main that replays the seed corpus
// as an ordinary CTest test (FuzzCorpusMain.cpp).
#include "ConfigLoader.h"
#include "HeaderForwarding.h"
#include "JsonScanner.h"
#include "ModelRewriter.h"
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

namespace {

void check(bool condition)
{
	if (!condition) std::abort();  // an invariant broke: libFuzzer records the input
}


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


void fuzzHead(const std::string& text)
{
	Poco::Net::HTTPRequest request;
	std::istringstream in(text);
	try
	{
		request.read(in);
	}
	catch (Poco::Exception&)
	{
		return;
	}
	if (AILoad::HeaderForwarding::hasUnsafeValue(request)) return;
	Poco::Net::HTTPRequest upstream;
	AILoad::HeaderForwarding::copyRequestHeaders(request, upstream);
	check(!upstream.has("Authorization") && !upstream.has("Host"));
}

} // namespace


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	const std::string text(reinterpret_cast<const char*>(data), size);
	fuzzBody(text);
	fuzzHead(text);
	AILoad::ConfigLoader::parse(text, "fuzz.json");
	return 0;
}

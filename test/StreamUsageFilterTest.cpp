#include "StreamUsageFilterTest.h"

#include "JsonUsageTap.h"
#include "StreamUsageFilter.h"
#include "UsageReader.h"
#include <string>
#include <vector>

CPPUNIT_TEST_SUITE_REGISTRATION(StreamUsageFilterTest);

using AILoad::JsonUsageTap;
using AILoad::StreamUsageFilter;
using AILoad::TokenUsage;
using AILoad::UsageReader;

namespace {

const std::string usageEvent = R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}})";


std::string openAiStream(bool withUsage, const std::string& lineEnd = "\n")
	/// Three content chunks and [DONE] as OpenAI streams them, with what include_usage adds or without.
{
	std::string stream;
	for (int i = 0; i < 3; ++i)
	{
		stream += R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"tok)"
			+ std::to_string(i) + R"("},"finish_reason":)" + (i == 2 ? "\"stop\"" : "null") + "}]" + (withUsage ? ",\"usage\":null" : "") + "}" + lineEnd + lineEnd;
	}
	if (withUsage) stream += usageEvent + lineEnd + lineEnd;
	return stream + "data: [DONE]" + lineEnd + lineEnd;
}


struct Filtered
{
	std::string out;
	TokenUsage usage;
};


Filtered filter(const std::string& in, bool remove, std::vector<std::size_t> cuts = {})
	/// Passes `in` through a filter in pieces that end at each cut, then the end.
{
	StreamUsageFilter filter;
	if (remove) filter.removeInjectedUsage();
	Filtered filtered;
	cuts.push_back(in.size());
	std::size_t from = 0;
	for (std::size_t cut : cuts)
	{
		filtered.out.append(filter.pass(in.data() + from, cut - from));
		from = cut;
	}
	filtered.out.append(filter.finish());
	filtered.usage = filter.usage();
	return filtered;
}


std::string removed(const std::string& in)
{
	return filter(in, true).out;
}


std::string pass(StreamUsageFilter& filter, const std::string& piece)
{
	return std::string(filter.pass(piece.data(), piece.size()));
}


std::vector<std::size_t> everyByte(const std::string& in)
{
	std::vector<std::size_t> cuts;
	for (std::size_t i = 1; i < in.size(); ++i) cuts.push_back(i);
	return cuts;
}


void assertUsage(Poco::Int64 prompt, Poco::Int64 completion, const TokenUsage& usage)
{
	CPPUNIT_ASSERT_EQUAL(prompt, usage.prompt);
	CPPUNIT_ASSERT_EQUAL(completion, usage.completion);
}


void assertRemovedAtEverySplit(const std::string& with, const std::string& without)
{
	for (std::size_t cut = 0; cut <= with.size(); ++cut)
	{
		const Filtered filtered = filter(with, true, {cut});
		CPPUNIT_ASSERT_EQUAL_MESSAGE("cut at " + std::to_string(cut), without, filtered.out);
		CPPUNIT_ASSERT_MESSAGE("cut at " + std::to_string(cut), filtered.usage.known());
	}
	CPPUNIT_ASSERT_EQUAL(without, filter(with, true, everyByte(with)).out);
	// Two cuts, a prime apart, over the whole stream.
	for (std::size_t cut = 0; cut + 7 <= with.size(); cut += 3)
		CPPUNIT_ASSERT_EQUAL(without, filter(with, true, {cut, cut + 7}).out);
}

} // namespace


void StreamUsageFilterTest::testTapPassesEveryPieceAsItIs()
{
	const std::string stream = openAiStream(true);
	StreamUsageFilter tap;
	for (std::size_t from = 0; from < stream.size(); from += 7)
	{
		const std::size_t size = std::min<std::size_t>(7, stream.size() - from);
		const std::string_view passed = tap.pass(stream.data() + from, size);
		// The very bytes, not a copy: nothing held back, nothing changed.
		CPPUNIT_ASSERT(passed.data() == stream.data() + from);
		CPPUNIT_ASSERT_EQUAL(size, passed.size());
	}
	CPPUNIT_ASSERT(tap.finish().empty());
	assertUsage(12, 3, tap.usage());

	const Filtered asked = filter(openAiStream(true), false);
	CPPUNIT_ASSERT_EQUAL(openAiStream(true), asked.out);
	assertUsage(12, 3, asked.usage);
}


void StreamUsageFilterTest::testRemovesWhatIncludeUsageAdds()
{
	const Filtered filtered = filter(openAiStream(true), true);
	CPPUNIT_ASSERT_EQUAL(openAiStream(false), filtered.out);
	assertUsage(12, 3, filtered.usage);
	// A stream without what include_usage adds loses nothing, and has no usage.
	const Filtered plain = filter(openAiStream(false), true);
	CPPUNIT_ASSERT_EQUAL(openAiStream(false), plain.out);
	CPPUNIT_ASSERT(!plain.usage.known());
	// The usage-only event with spaces in its empty choices, and fields besides data.
	CPPUNIT_ASSERT_EQUAL(std::string("data: [DONE]\n\n"),
		removed("event: chunk\nid: 9\ndata: {\"choices\": [ ], \"usage\": {\"prompt_tokens\": 1, \"completion_tokens\": 2}}\n\ndata: [DONE]\n\n"));
}


void StreamUsageFilterTest::testRemovesAtEverySplit()
{
	assertRemovedAtEverySplit(openAiStream(true), openAiStream(false));
}


void StreamUsageFilterTest::testCrLfAndCrLineEnds()
{
	assertRemovedAtEverySplit(openAiStream(true, "\r\n"), openAiStream(false, "\r\n"));
	assertRemovedAtEverySplit(openAiStream(true, "\r"), openAiStream(false, "\r"));
	// Line ends mixed within one stream.
	const std::string with = "data: {\"a\":1,\"usage\":null}\n\r\n" + usageEvent + "\r\n\ndata: {\"b\":2,\"usage\":null}\r\rdata: [DONE]\n\n";
	const std::string without = "data: {\"a\":1}\n\r\ndata: {\"b\":2}\r\rdata: [DONE]\n\n";
	assertRemovedAtEverySplit(with, without);
	// Usage-only events in a row, ending in CR CR LF, and CR LF CR LF.
	assertRemovedAtEverySplit("data: {\"a\":1}\r\n\r\n" + usageEvent + "\r\r\n" + usageEvent + "\r\n\r\ndata: [DONE]\r\n\r\n",
		"data: {\"a\":1}\r\n\r\ndata: [DONE]\r\n\r\n");
	assertRemovedAtEverySplit(usageEvent + "\r\n\r\n" + usageEvent + "\r\n\r\n", "");
}


void StreamUsageFilterTest::testUsageNullAnywhereInTheObject()
{
	// Last, as OpenAI writes it; first; in the middle; alone; with spaces: the member and one comma.
	CPPUNIT_ASSERT_EQUAL(std::string("data: {\"id\":\"x\",\"choices\":[]}\n\n"), removed("data: {\"id\":\"x\",\"choices\":[],\"usage\":null}\n\n"));
	CPPUNIT_ASSERT_EQUAL(std::string("data: {\"id\":\"x\"}\n\n"), removed("data: {\"usage\":null,\"id\":\"x\"}\n\n"));
	CPPUNIT_ASSERT_EQUAL(std::string("data: {\"id\":\"x\",\"choices\":[]}\n\n"), removed("data: {\"id\":\"x\",\"usage\":null,\"choices\":[]}\n\n"));
	CPPUNIT_ASSERT_EQUAL(std::string("data: {}\n\n"), removed("data: {\"usage\":null}\n\n"));
	CPPUNIT_ASSERT_EQUAL(std::string("data:{ \"a\" : 1 }\n\n"), removed("data:{ \"a\" : 1 , \"usage\" : null }\n\n"));
	CPPUNIT_ASSERT_EQUAL(std::string("data: { \"a\" : 1 }\n\n"), removed("data: { \"usage\" : null , \"a\" : 1 }\n\n"));
	// Other fields of the event stay; a nested usage is not the option's.
	CPPUNIT_ASSERT_EQUAL(std::string("event: x\nid: 1\ndata: {\"a\":{\"usage\":null}}\n\n"), removed("event: x\nid: 1\ndata: {\"a\":{\"usage\":null},\"usage\":null}\n\n"));
}


void StreamUsageFilterTest::testCompleteEventsGoOutAtOnce()
{
	StreamUsageFilter filter;
	filter.removeInjectedUsage();
	CPPUNIT_ASSERT_EQUAL(std::string("data: {\"a\":1}\n\n"), pass(filter, "data: {\"a\":1,\"usage\":null}\n\ndata: {\"b\""));
	CPPUNIT_ASSERT_EQUAL(std::string(), pass(filter, ":2,\"usage\":null}\n"));
	CPPUNIT_ASSERT_EQUAL(std::string("data: {\"b\":2}\n\n"), pass(filter, "\n"));
	// A CR ends the event: it goes out without waiting for a LF that may follow.
	CPPUNIT_ASSERT_EQUAL(std::string("data: {\"c\":3}\r\n\r"), pass(filter, "data: {\"c\":3,\"usage\":null}\r\n\r"));
	// That LF is held with the next event (it ends no event): here, the end of the body.
	CPPUNIT_ASSERT_EQUAL(std::string(), pass(filter, "\n"));
	CPPUNIT_ASSERT_EQUAL(std::string("\n"), std::string(filter.finish()));
}


void StreamUsageFilterTest::testWhatCannotBeReadIsNotEdited()
{
	const std::vector<std::string> untouched = {
		"data: {\"a\":1,\"usage\":null\n\n", // not JSON
		"data: {\"a\":1,\n\"usage\":null}\n\n", // not JSON either: the line ends the data
		"data: {\"a\":1,\ndata: \"usage\":null}\n\n", // two data lines
		"data: {\"a\":1,\"usage\":null,\"usage\":null}\n\n", // duplicates
		"data: [\"usage\",null]\n\n", // not an object
		"data: {\"usage\":{\"prompt_tokens\":1},\"choices\":[{}]}\n\n", // usage with choices: not the option's event
		": comment \"usage\":null\n\n",
		"data: [DONE]\n\n",
	};
	for (const std::string& event : untouched)
		CPPUNIT_ASSERT_EQUAL(event, removed(event));
}


void StreamUsageFilterTest::testMissingOrMalformedUsageIsUnknown()
{
	CPPUNIT_ASSERT(!filter(openAiStream(false), false).usage.known());
	const auto usageOf = [](const std::string& value) {
		return filter("data: {\"choices\":[],\"usage\":" + value + "}\n\n", true).usage;
	};
	assertUsage(-1, 3, usageOf("{\"prompt_tokens\":\"5\",\"completion_tokens\":3}"));
	assertUsage(5, -1, usageOf("{\"prompt_tokens\":5,\"completion_tokens\":1.5}"));
	assertUsage(-1, -1, usageOf("{\"prompt_tokens\":-5,\"completion_tokens\":1e3}"));
	assertUsage(-1, 0, usageOf("{\"prompt_tokens\":1234567890123456789,\"completion_tokens\":0}"));
	assertUsage(-1, -1, usageOf("{}"));
	assertUsage(-1, -1, usageOf("\"many\""));
	assertUsage(-1, -1, usageOf("[5,3]"));
	// The usage-only event goes, whatever its counts say: it is what the option added.
	CPPUNIT_ASSERT_EQUAL(std::string("data: [DONE]\n\n"), removed("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":\"x\"}}\n\ndata: [DONE]\n\n"));
	// A later usage that is not an object makes it unknown; a later good one counts.
	assertUsage(-1, -1, filter(usageEvent + "\n\ndata: {\"usage\":\"x\"}\n\n", false).usage);
	assertUsage(7, 8, filter("data: {\"usage\":\"x\"}\n\ndata: {\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":8}}\n\n", false).usage);
	// An event that is not JSON is no usage.
	CPPUNIT_ASSERT(!filter("data: {\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}\n\n", false).usage.known());
}


void StreamUsageFilterTest::testOversizeEventGivesUp()
{
	const std::string huge = "data: {\"x\":\"" + std::string(StreamUsageFilter::MAX_EVENT, 'x') + "\",\"usage\":null}\n\n";
	const std::string first = "data: {\"a\":1,\"usage\":null}\n\n";
	const std::string rest = "data: {\"b\":2,\"usage\":null}\n\n" + usageEvent + "\n\ndata: [DONE]\n\n";
	const std::string stream = first + huge + rest;
	std::vector<std::size_t> pieces;
	for (std::size_t cut = 16384; cut < stream.size(); cut += 16384) pieces.push_back(cut);

	// What came before is edited; from the event too large to hold on, everything passes as it came.
	const Filtered filtered = filter(stream, true, pieces);
	CPPUNIT_ASSERT(filtered.out == "data: {\"a\":1}\n\n" + huge + rest);
	CPPUNIT_ASSERT(!filtered.usage.known());
	const Filtered tapped = filter(stream, false, pieces);
	CPPUNIT_ASSERT(tapped.out == stream);
	CPPUNIT_ASSERT(!tapped.usage.known());

	// An event just within the limit is read.
	const std::string large = "data: {\"x\":\"" + std::string(StreamUsageFilter::MAX_EVENT - 100, 'x') + "\",\"usage\":null}\n\n";
	pieces.clear();
	for (std::size_t cut = 16384; cut < large.size() + rest.size(); cut += 16384) pieces.push_back(cut);
	const Filtered read = filter(large + rest, true, pieces);
	CPPUNIT_ASSERT(read.out == "data: {\"x\":\"" + std::string(StreamUsageFilter::MAX_EVENT - 100, 'x') + "\"}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n");
	assertUsage(12, 3, read.usage);
}


void StreamUsageFilterTest::testHeldTailAtTheEnd()
{
	// An incomplete last event goes out as it came (a client drops it anyway).
	StreamUsageFilter filter;
	filter.removeInjectedUsage();
	CPPUNIT_ASSERT_EQUAL(std::string("data: {\"a\":1}\n\n"), pass(filter, "data: {\"a\":1,\"usage\":null}\n\ndata: {\"b\":2,\"usage\":null}\n"));
	CPPUNIT_ASSERT_EQUAL(std::string("data: {\"b\":2,\"usage\":null}\n"), std::string(filter.finish()));
	CPPUNIT_ASSERT(filter.finish().empty());
}


void StreamUsageFilterTest::testJsonBodyUsage()
{
	const std::string body = "{\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4,\"total_tokens\":9}}";
	JsonUsageTap tap;
	tap.take(body.data(), 10);
	tap.take(body.data() + 10, body.size() - 10);
	CPPUNIT_ASSERT(!tap.usage().known()); // read at the end only
	tap.end();
	assertUsage(5, 4, tap.usage());
	// The last piece may come with end(): read in place when it is all of the body.
	for (const std::size_t split : {std::size_t(0), std::size_t(10), body.size()})
	{
		JsonUsageTap pieces;
		pieces.take(body.data(), split);
		pieces.end(std::string_view(body).substr(split));
		assertUsage(5, 4, pieces.usage());
	}

	const auto usageOf = [](const std::string& text) {
		JsonUsageTap tap;
		tap.end(text);
		return tap.usage();
	};
	assertUsage(-1, -1, usageOf("{\"data\":{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4}}}")); // not at the top
	assertUsage(-1, -1, usageOf("{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4}")); // cut off
	assertUsage(-1, -1, usageOf("[{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4}}]"));
	assertUsage(-1, -1, usageOf("{\"usage\":null}"));
	assertUsage(3, -1, usageOf("{\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}")); // embeddings report no completion
	assertUsage(0, 0, usageOf(" {\"usage\" : { \"completion_tokens\" : 0 , \"prompt_tokens\" : 0 } } "));
	// The body's structure is followed, not validated: strings and nesting hide a "usage",
	// the last top-level one counts, and the object must end.
	assertUsage(2, 3, usageOf(R"({"usage":{"prompt_tokens":1,"completion_tokens":1},"usage":{"prompt_tokens":2,"completion_tokens":3}})"));
	assertUsage(5, 4, usageOf(R"({"a":"\"usage\":{\"prompt_tokens\":9}","b":[{"usage":{"prompt_tokens":8}}],"usage":{"prompt_tokens":5,"completion_tokens":4}})"));
	assertUsage(-1, -1, usageOf(R"({"a":[{"usage":{"prompt_tokens":5,"completion_tokens":4}}]})"));
	assertUsage(-1, -1, usageOf(R"({"usage":{"prompt_tokens":5,"completion_tokens":4}} x)"));
	// It is read from the end: strings after the usage that end in backslashes, or hold
	// quotes, brackets and a "usage" of their own, are stepped over as strings.
	assertUsage(5, 4, usageOf(R"({"usage":{"prompt_tokens":5,"completion_tokens":4},"x":"a\\","y":"}{\"usage\":{\"prompt_tokens\":1}}\\\"","z":[1,{"usage":2}]})"));
	assertUsage(-1, -1, usageOf(R"({"x":"\",\"usage\":{\"prompt_tokens\":1}}"})"));
	assertUsage(-1, -1, usageOf(R"({"usage":{"prompt_tokens":5,"completion_tokens":4},"x":"unterminated})"));
	// Larger than a copy may be: unknown, however it ends.
	const std::string padding = "{\"padding\":\"" + std::string(JsonUsageTap::MAX_BODY, 'p') + "\",";
	JsonUsageTap large;
	large.take(padding.data(), padding.size());
	const std::string end = "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4}}";
	large.take(end.data(), end.size());
	large.end();
	CPPUNIT_ASSERT(!large.usage().known());

	assertUsage(1, 2, UsageReader::ofUsage("{\"prompt_tokens\":1,\"completion_tokens\":2,\"prompt_tokens_details\":{\"cached_tokens\":0}}"));
	// Read in one pass when it is numbers and objects of numbers, else by the strict scanner:
	// the two agree (the upstream fuzz target checks it on every input).
	assertUsage(-1, 2, UsageReader::ofUsage(R"({"prompt_tokens":{"n":1},"completion_tokens":2})"));
	assertUsage(3, 4, UsageReader::ofUsage(R"({"prompt_tokens":1,"prompt_tokens":3,"completion_tokens":4})"));
	assertUsage(3, 4, UsageReader::ofUsage(R"({"prompt\u005ftokens":3,"completion_tokens":4,"note":"x"})"));
	assertUsage(-1, -1, UsageReader::ofUsage(R"({"prompt_tokens":3,"completion_tokens":4,})"));
	assertUsage(-1, -1, UsageReader::ofUsage(R"({"prompt_tokens":03,"completion_tokens":4})"));
	assertUsage(-1, 4, UsageReader::ofUsage(R"({"prompt_tokens":3e0,"completion_tokens":4,"a":{"b":{"c":{"d":1}}}})"));
}

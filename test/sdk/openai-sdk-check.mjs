// openai-sdk-check.mjs
//
// End-to-end check that the official OpenAI SDK for Node (npm package `openai`) works
// against a running AILoad exactly as a new user would use it: baseURL = the gateway's
// /v1, apiKey = its auth_token. The upstreams are aiload-mock programs, which answer
// "Hello from <name>" and stream "tokN " deltas.
//
// Environment:
//   AILOAD_BASE_URL   the gateway's API base, e.g. http://127.0.0.1:2081/v1 (required)
//   AILOAD_API_KEY    the gateway's auth_token (required)
//   AILOAD_MODELS     comma-separated configured model names, each served by the mock of
//                     the same --name; the first one is used for the checks (required)
//   AILOAD_EXTRA_MODELS  comma-separated further ids /v1/models must list (groups, upstream
//                     models); optional
//
// Prints one line per check ("PASS name: ..." or "FAIL name: ...") and exits 1 when any
// check fails, 2 on a usage error.

import OpenAI from "openai";

const baseURL = process.env.AILOAD_BASE_URL;
const apiKey = process.env.AILOAD_API_KEY;
const names = (process.env.AILOAD_MODELS || "").split(",").map((s) => s.trim()).filter(Boolean);
const extras = (process.env.AILOAD_EXTRA_MODELS || "").split(",").map((s) => s.trim()).filter(Boolean);
if (!baseURL || !apiKey || names.length === 0) {
	console.error("usage: AILOAD_BASE_URL=... AILOAD_API_KEY=... AILOAD_MODELS=a[,b...] node openai-sdk-check.mjs");
	process.exit(2);
}
const model = names[0];

// No retries: a gateway error must show up as itself, not be hidden by a retry.
const options = { baseURL, maxRetries: 0, timeout: 30_000 };
const client = new OpenAI({ ...options, apiKey });

let failures = 0;

async function check(name, fn) {
	try {
		const detail = await fn();
		console.log(`PASS ${name}${detail ? ": " + detail : ""}`);
	} catch (err) {
		failures++;
		console.log(`FAIL ${name}: ${describe(err)}`);
	}
}

function describe(err) {
	if (err instanceof OpenAI.APIError) {
		return `${err.constructor.name} status=${err.status} code=${err.code} type=${err.type} ` +
			`message=${JSON.stringify(err.message)} body=${JSON.stringify(err.error)}`;
	}
	return err && err.stack ? err.stack : String(err);
}

function expect(condition, message) {
	if (!condition) throw new Error(message);
}

// SDK version, for the log.
let sdkVersion = OpenAI.VERSION;
if (!sdkVersion) {
	try { sdkVersion = (await import("openai/version")).VERSION; } catch { sdkVersion = "?"; }
}
console.log(`openai SDK ${sdkVersion}, node ${process.version}, baseURL ${baseURL}`);

// (a) A plain chat completion, routed by configured name to the mock of that name.
await check("chat.completions.create", async () => {
	const { data: completion, response } = await client.chat.completions
		.create({ model, messages: [{ role: "user", content: "Say hello" }] })
		.withResponse();
	const content = completion.choices?.[0]?.message?.content;
	expect(content === `Hello from ${model}`, `content ${JSON.stringify(content)}, expected "Hello from ${model}"`);
	expect(completion.choices[0].finish_reason === "stop", `finish_reason ${completion.choices[0].finish_reason}`);
	const upstream = response.headers.get("x-aiload-upstream");
	expect(upstream === model, `X-AILoad-Upstream ${JSON.stringify(upstream)}, expected ${model}`);
	return `${JSON.stringify(content)} (status ${response.status}, X-AILoad-Upstream ${upstream}, X-Model ${response.headers.get("x-model")})`;
});

// (a') The same through "auto": any configured mock may answer.
await check("chat.completions.create auto", async () => {
	const completion = await client.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "Hi" }] });
	const content = completion.choices?.[0]?.message?.content;
	expect(names.some((n) => content === `Hello from ${n}`), `content ${JSON.stringify(content)}, expected "Hello from" one of ${names}`);
	return JSON.stringify(content);
});

// (b) A streamed chat completion: several content deltas, then the end of the stream.
await check("chat.completions.create stream", async () => {
	const stream = await client.chat.completions.create({
		model,
		messages: [{ role: "user", content: "Count" }],
		stream: true,
	});
	const deltas = [];
	let chunks = 0;
	for await (const chunk of stream) {
		chunks++;
		expect(chunk.object === "chat.completion.chunk", `chunk object ${JSON.stringify(chunk.object)}`);
		const delta = chunk.choices?.[0]?.delta?.content;
		if (delta) deltas.push(delta);
	}
	// The loop ending normally means the SDK saw [DONE] / the end of the body without error.
	expect(deltas.length >= 2, `only ${deltas.length} content deltas`);
	deltas.forEach((d, i) => expect(d === `tok${i} `, `delta ${i} is ${JSON.stringify(d)}, expected "tok${i} "`));
	return `${chunks} chunks, ${deltas.length} deltas ${JSON.stringify(deltas.join(""))}, stream finished`;
});

// (b') The stream helper with an abort half-way: the SDK stops cleanly.
await check("chat.completions.stream abort", async () => {
	const stream = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Count" }], stream: true });
	let seen = 0;
	for await (const chunk of stream) {
		if (chunk.choices?.[0]?.delta?.content) seen++;
		if (seen === 1) { stream.controller.abort(); break; }
	}
	expect(seen === 1, `saw ${seen} deltas before breaking`);
	// The gateway must still answer afterwards.
	const after = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Again" }] });
	expect(after.choices[0].message.content === `Hello from ${model}`, "no answer after an aborted stream");
	return "broke out after 1 delta; next request answered";
});

// (c) The model list: "auto" and every configured name.
await check("models.list", async () => {
	const ids = [];
	for await (const m of client.models.list()) ids.push(m.id);
	for (const id of ["auto", ...names, ...extras]) expect(ids.includes(id), `"${id}" missing from ${JSON.stringify(ids)}`);
	return JSON.stringify(ids);
});

// (d) A wrong key: AuthenticationError, 401.
await check("wrong apiKey -> AuthenticationError 401", async () => {
	const wrong = new OpenAI({ ...options, apiKey: apiKey + "-wrong" });
	try {
		await wrong.chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }] });
	} catch (err) {
		expect(err instanceof OpenAI.AuthenticationError, `got ${describe(err)}`);
		expect(err.status === 401, `status ${err.status}`);
		return `status ${err.status} code=${err.code} ${JSON.stringify(err.message)}`;
	}
	throw new Error("the request succeeded");
});

// (d') The same for the model list, a GET.
await check("wrong apiKey models.list -> AuthenticationError 401", async () => {
	const wrong = new OpenAI({ ...options, apiKey: "sk-not-the-token" });
	try {
		await wrong.models.list();
	} catch (err) {
		expect(err instanceof OpenAI.AuthenticationError && err.status === 401, `got ${describe(err)}`);
		return `status ${err.status} code=${err.code}`;
	}
	throw new Error("the request succeeded");
});

// (e) An unknown model: NotFoundError, 404, code model_not_found.
await check("unknown model -> NotFoundError 404 model_not_found", async () => {
	try {
		await client.chat.completions.create({ model: "no-such-model-xyz", messages: [{ role: "user", content: "Hi" }] });
	} catch (err) {
		expect(err instanceof OpenAI.NotFoundError, `got ${describe(err)}`);
		expect(err.status === 404, `status ${err.status}`);
		expect(err.code === "model_not_found", `code ${JSON.stringify(err.code)}`);
		return `status ${err.status} code=${err.code} ${JSON.stringify(err.message)}`;
	}
	throw new Error("the request succeeded");
});

// (e') The same while streaming: the error comes before any stream starts.
await check("unknown model stream -> NotFoundError 404 model_not_found", async () => {
	try {
		const stream = await client.chat.completions.create({ model: "no-such-model-xyz", messages: [{ role: "user", content: "Hi" }], stream: true });
		for await (const _ of stream) { /* drain */ }
	} catch (err) {
		expect(err instanceof OpenAI.NotFoundError && err.status === 404 && err.code === "model_not_found", `got ${describe(err)}`);
		return `status ${err.status} code=${err.code}`;
	}
	throw new Error("the request succeeded");
});

// (f) Embeddings, routed like any POST /v1/...: the mock's answer is not a real embedding
// (it echoes the path and its name), so this only checks that the SDK call reaches the
// right upstream at /v1/embeddings and comes back as parsed JSON.
await check("embeddings.create (routing only)", async () => {
	const result = await client.embeddings.create({ model, input: "The quick brown fox" });
	expect(result.upstream === model, `upstream ${JSON.stringify(result.upstream)}, body ${JSON.stringify(result)}`);
	expect(typeof result.path === "string" && result.path.endsWith("/v1/embeddings"), `path ${JSON.stringify(result.path)}`);
	return `reached ${result.upstream} at ${result.path}`;
});

console.log(failures === 0 ? "ALL CHECKS PASSED" : `${failures} CHECK(S) FAILED`);
process.exit(failures === 0 ? 0 : 1);

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
	if (err instanceof CheckFailed) return err.message;
	return err && err.stack ? err.stack : String(err);
}

class CheckFailed extends Error {}

function expect(condition, message) {
	if (!condition) throw new CheckFailed(message);
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

// (b') Leaving a stream half-way: the SDK stops cleanly and the gateway keeps serving.
await check("chat.completions.create stream, break out early", async () => {
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
	throw new CheckFailed("the request succeeded");
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
	throw new CheckFailed("the request succeeded");
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

// (d) A wrong key on the model list (a GET, no body): AuthenticationError, 401.
await check("wrong apiKey models.list -> AuthenticationError 401", async () => {
	const wrong = new OpenAI({ ...options, apiKey: "sk-not-the-token" });
	try {
		await wrong.models.list();
	} catch (err) {
		expect(err instanceof OpenAI.AuthenticationError && err.status === 401, `got ${describe(err)}`);
		return `status ${err.status} code=${err.code}`;
	}
	throw new CheckFailed("the request succeeded");
});

// (d') A wrong key on a chat completion: AuthenticationError, 401.
await check("wrong apiKey -> AuthenticationError 401", async () => {
	const wrong = new OpenAI({ ...options, apiKey: apiKey + "-wrong" });
	try {
		await wrong.chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }] });
	} catch (err) {
		expect(err instanceof OpenAI.AuthenticationError, `got ${describe(err)}`);
		expect(err.status === 401, `status ${err.status}`);
		return `status ${err.status} code=${err.code} ${JSON.stringify(err.message)}`;
	}
	throw new CheckFailed("the request succeeded");
});

// (d'') A good request right after a 401 (wrong key, with a body). Node's fetch pools
// connections across clients, so the next request may go out on the connection that got
// the 401; it must still be answered normally.
await check("request after a 401 -> answered", async () => {
	const wrong = new OpenAI({ ...options, apiKey: "sk-not-the-token" });
	for (let i = 0; i < 5; i++) {
		await wrong.chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }] })
			.then(() => { throw new CheckFailed("the wrong key was accepted"); },
				(err) => expect(err instanceof OpenAI.AuthenticationError, `round ${i}: wrong key got ${describe(err)}`));
		try {
			const ok = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }] });
			expect(ok.choices?.[0]?.message?.content === `Hello from ${model}`, `round ${i}: content ${JSON.stringify(ok.choices?.[0]?.message?.content)}`);
		} catch (err) {
			throw new CheckFailed(`round ${i}: the good request after a 401 got ${describe(err)}`);
		}
	}
	return "5 rounds of 401 then 200";
});

// (d''') The same at the HTTP level, on one connection for certain: POST with a wrong key
// and a body, then a good POST on the same keep-alive connection. Either the gateway
// closes the connection after the 401 (then a client reconnects) or it answers the second
// request; what it must not do is take the unread first body for the next request.
await check("HTTP: POST with wrong key, then a good POST on the same connection", async () => {
	const net = await import("node:net");
	const url = new URL(baseURL);
	const path = url.pathname.replace(/\/$/, "") + "/chat/completions";
	const body = JSON.stringify({ model, messages: [{ role: "user", content: "Hi" }] });
	const request = (key) => `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${key}\r\n` +
		`Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
	const socket = net.connect(Number(url.port), url.hostname);
	let received = "";
	let closed = false;
	socket.setEncoding("latin1");
	socket.on("data", (d) => { received += d; });
	socket.on("close", () => { closed = true; });
	socket.on("error", () => { closed = true; });
	const until = async (predicate, ms) => {
		const deadline = Date.now() + ms;
		while (!predicate() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
		return predicate();
	};
	const complete = () => {
		// A whole response with a Content-Length body, or the connection closed.
		const end = received.indexOf("\r\n\r\n");
		if (end < 0) return closed;
		const length = /^content-length:\s*(\d+)/im.exec(received.slice(0, end));
		return closed || (length && received.length >= end + 4 + Number(length[1]));
	};
	const printable = (s) => JSON.stringify(s.replace(/\r\n/g, "\\r\\n").slice(0, 300));
	try {
		await new Promise((resolve, reject) => { socket.once("connect", resolve); socket.once("error", reject); });
		socket.write(request(apiKey + "-wrong"));
		expect(await until(complete, 5000), `no whole answer to the wrong-key POST: ${printable(received)}`);
		const first = received;
		expect(first.startsWith("HTTP/1.1 401"), `wrong-key POST got ${printable(first)}`);
		const firstHead = first.split("\r\n\r\n")[0];
		if (closed || /^connection:\s*close/im.test(firstHead)) return "the gateway closes the connection after the 401";
		received = "";
		socket.write(request(apiKey));
		await until(complete, 5000);
		const connection = firstHead.split("\r\n").find((l) => /^connection:/i.test(l)) || "(no Connection header)";
		expect(received.startsWith("HTTP/1.1 200"),
			`the 401 said ${JSON.stringify(connection)}, then the good POST on the same connection got ` +
			(received ? printable(received) : closed ? "nothing (closed)" : "nothing"));
		return "kept alive, second request answered 200";
	} finally {
		socket.destroy();
	}
});

console.log(failures === 0 ? "ALL CHECKS PASSED" : `${failures} CHECK(S) FAILED`);
process.exit(failures === 0 ? 0 : 1);

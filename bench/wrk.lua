-- bench/wrk.lua: the request bench/run.sh sends with wrk, and a summary line it parses.
-- BENCH_STREAM=1 asks for the canned SSE stream ("stream": true, Accept: text/event-stream).
local stream = os.getenv("BENCH_STREAM") == "1"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "none")
if stream then wrk.headers["Accept"] = "text/event-stream" end
wrk.body = '{"model":"auto","messages":[{"role":"system","content":"You are terse."},' ..
  '{"role":"user","content":"Say hello."}],"temperature":0.2,"stream":' .. (stream and "true" or "false") .. '}'

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH rps=%.1f p50=%d p99=%d requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout))
end

#!/usr/bin/env bash
# Runs AILoad on port 2081 in front of two local mock upstreams, so that it answers without
# any real API key. Ctrl-C stops all three. Try it from another terminal:
#   curl http://127.0.0.1:2081/v1/chat/completions -H "Authorization: Bearer sk-aiload-demo" \
#        -H "Content-Type: application/json" -d '{"model":"auto","messages":[{"role":"user","content":"Hi"}]}'
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/Application/aiload ] || scripts/build.sh

mkdir -p run
cat > run/demo-config.json <<'JSON'
{
  "auth_token": "sk-aiload-demo",
  "models": [
    { "name": "mock-a", "model": "mock-model", "base_url": "http://127.0.0.1:9101/v1/chat/completions", "group": "mocks" },
    { "name": "mock-b", "model": "mock-model", "base_url": "http://127.0.0.1:9102/v1", "group": "mocks" }
  ],
  "server": { "host": "127.0.0.1", "port": 2081 },
  "settings": { "timeout": 120 }
}
JSON
chmod 600 run/demo-config.json

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
build/test/aiload-mock --port=9101 --name=mock-a --interval-ms=100 --events=8 & pids+=($!)
build/test/aiload-mock --port=9102 --name=mock-b --interval-ms=100 --events=8 & pids+=($!)
build/Application/aiload --properties=etc/aiload.properties -Daiload.config=run/demo-config.json & pids+=($!)
wait "${pids[2]}"

#!/usr/bin/env bash
# End-to-end check of AILoad with the official OpenAI SDK for Node (npm package `openai`).
#
# Usage: run-openai-sdk-check.sh AILOAD_BINARY MOCK_BINARY PROPERTIES_FILE
#
# Installs the SDK once into a cache folder ($AILOAD_SDK_DIR, default
# ${TMPDIR:-/tmp}/aiload-openai-sdk), starts two aiload-mock upstreams and the gateway on
# free ports with a generated config, waits for GET /health, then runs
# openai-sdk-check.mjs against http://127.0.0.1:PORT/v1.
#
# Exit status: 0 all checks passed; 77 skipped (no node/npm, or the SDK cannot be
# installed, e.g. no registry); anything else a failure.
set -euo pipefail

SKIP=77
SDK_SPEC='openai@^6'   # openai 7 needs node >= 22; 6 runs on node 20.

if [ $# -ne 3 ]; then
	echo "usage: $0 AILOAD_BINARY MOCK_BINARY PROPERTIES_FILE" >&2
	exit 2
fi
AILOAD=$(realpath "$1")
MOCK=$(realpath "$2")
PROPERTIES=$(realpath "$3")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for f in "$AILOAD" "$MOCK"; do
	[ -x "$f" ] || { echo "not executable: $f" >&2; exit 2; }
done
[ -f "$PROPERTIES" ] || { echo "no such properties file: $PROPERTIES" >&2; exit 2; }

skip() {
	echo "SKIP: $*"
	exit "$SKIP"
}

command -v node >/dev/null 2>&1 || skip "node is not installed"
command -v npm >/dev/null 2>&1 || skip "npm is not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed (used to pick free ports)"
command -v curl >/dev/null 2>&1 || skip "curl is not installed"

# The SDK, installed once and reused.
SDK_DIR=${AILOAD_SDK_DIR:-${TMPDIR:-/tmp}/aiload-openai-sdk}
mkdir -p "$SDK_DIR"
SDK_DIR=$(cd "$SDK_DIR" && pwd)
sdk_installed() {
	(cd "$SDK_DIR" && node --input-type=module -e '
		import { VERSION } from "openai/version";
		if (!/^6\./.test(VERSION)) process.exit(1);
	') >/dev/null 2>&1
}
install_sdk() {
	sdk_installed && return 0
	echo "Installing $SDK_SPEC into $SDK_DIR ..."
	# Without a registry, npm's default retries take over a minute to give up; fail sooner
	# unless the caller set these.
	export npm_config_fetch_retries=${npm_config_fetch_retries:-1}
	export npm_config_fetch_retry_mintimeout=${npm_config_fetch_retry_mintimeout:-2000}
	export npm_config_fetch_retry_maxtimeout=${npm_config_fetch_retry_maxtimeout:-5000}
	export npm_config_fetch_timeout=${npm_config_fetch_timeout:-60000}
	if ! npm install --no-audit --no-fund --prefix "$SDK_DIR" "$SDK_SPEC" >"$SDK_DIR/npm-install.log" 2>&1; then
		tail -n 20 "$SDK_DIR/npm-install.log" >&2 || true
		skip "npm install $SDK_SPEC failed (no registry?); see $SDK_DIR/npm-install.log"
	fi
	sdk_installed || skip "$SDK_SPEC installed into $SDK_DIR but does not load with node $(node --version)"
}
if command -v flock >/dev/null 2>&1; then
	# Parallel runs sharing the cache install it once.
	exec 9>"$SDK_DIR/.install.lock"
	flock 9
	install_sdk
	flock -u 9
	exec 9>&-
else
	install_sdk
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/aiload-sdk-check.XXXXXX")
pids=()
status=1
cleanup() {
	local pid
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do
		# Give each a moment to drain, then force it.
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ "$status" -ne 0 ]; then
		for log in "$WORK"/*.log; do
			[ -f "$log" ] || continue
			echo "----- $(basename "$log") -----"
			cat "$log"
		done
	fi
	rm -rf "$WORK"
}
trap 'status=$?; cleanup; exit $status' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
	python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# Waits until $1 answers 200 for GET, or the process $2 dies, or 20 s pass.
wait_http() {
	local url=$1 pid=$2 name=$3 deadline=$((SECONDS + 20))
	while [ $SECONDS -lt $deadline ]; do
		kill -0 "$pid" 2>/dev/null || { echo "$name exited before answering $url" >&2; return 1; }
		if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "$name did not answer $url within 20 s" >&2
	return 1
}

# Waits until the mock prints its "listening" line (it then accepts connections).
wait_mock() {
	local log=$1 pid=$2 deadline=$((SECONDS + 20))
	while [ $SECONDS -lt $deadline ]; do
		kill -0 "$pid" 2>/dev/null || { echo "mock exited: $log" >&2; return 1; }
		grep -q 'listening on' "$log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "mock did not start within 20 s: $log" >&2
	return 1
}

TOKEN="sk-aiload-sdk-$RANDOM$RANDOM"
MOCK_A_PORT=$(free_port)
MOCK_B_PORT=$(free_port)
GATEWAY_PORT=$(free_port)

cd "$WORK"
"$MOCK" --port="$MOCK_A_PORT" --name=mock-a --interval-ms=20 --events=5 >mock-a.log 2>&1 & pids+=($!)
wait_mock mock-a.log "${pids[-1]}"
"$MOCK" --port="$MOCK_B_PORT" --name=mock-b --interval-ms=20 --events=5 >mock-b.log 2>&1 & pids+=($!)
wait_mock mock-b.log "${pids[-1]}"

cat >config.json <<JSON
{
  "auth_token": "$TOKEN",
  "models": [
    { "name": "mock-a", "model": "mock-model", "base_url": "http://127.0.0.1:$MOCK_A_PORT/v1", "group": "mocks" },
    { "name": "mock-b", "model": "mock-model", "base_url": "http://127.0.0.1:$MOCK_B_PORT/v1", "group": "mocks" }
  ],
  "server": { "host": "127.0.0.1", "port": $GATEWAY_PORT }
}
JSON
chmod 600 config.json

"$AILOAD" --properties="$PROPERTIES" -Daiload.config="$WORK/config.json" >gateway.log 2>&1 & pids+=($!)
wait_http "http://127.0.0.1:$GATEWAY_PORT/health" "${pids[-1]}" gateway

# ESM `import "openai"` ignores NODE_PATH and resolves from the script's own folder, so the
# script runs from the work folder with node_modules linked to the cached SDK.
ln -s "$SDK_DIR/node_modules" "$WORK/node_modules"
cp "$HERE/openai-sdk-check.mjs" "$WORK/openai-sdk-check.mjs"

echo "Running the OpenAI SDK check against http://127.0.0.1:$GATEWAY_PORT/v1"
AILOAD_BASE_URL="http://127.0.0.1:$GATEWAY_PORT/v1" \
AILOAD_API_KEY="$TOKEN" \
AILOAD_MODELS="mock-a,mock-b" \
AILOAD_EXTRA_MODELS="mocks,mock-model" \
	node "$WORK/openai-sdk-check.mjs"

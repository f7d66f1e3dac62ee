#!/usr/bin/env bash
# bench/run.sh: AILoad's performance benchmark (docs/performance.md explains the method).
#
#   bench/run.sh [all|throughput|streams|profile] [--quick] [options]
#
#   throughput  wrk against (a) the mock upstream directly, (b) nginx as a round-robin proxy
#               over two upstreams (also with a pool of upstream connections), (c) AILoad
#               over the same two; plain and streamed (SSE) completions; 1 and 64 connections.
#               Prints requests/s, p50 and p99, and AILoad's ratio to nginx.
#   streams     N concurrent slow SSE streams (default 2000, an event every 100 ms for 30 s),
#               straight to the upstreams, then through nginx, then through AILoad: errors,
#               the proxies' peak RSS, threads and CPU, and the delay each adds per event.
#   all         both (the default; about 4 minutes, --quick about 1).
#   profile     not part of `all`: syscalls (strace -c) and instructions (valgrind
#               callgrind) per plain request, nginx next to AILoad; about 2 minutes.
#
# Options: --quick  --duration=S (each wrk run, default 5)  --streams=N (2000)
#          --stream-seconds=S (30)  --interval-ms=MS (100)  --keep (keep the work folder)
# Environment: BENCH_PORT_BASE (default 18400; ports BASE+1 .. BASE+42 on 127.0.0.1),
#              AILOAD_BIN (default build/Application/aiload; it is built when missing),
#              AILOAD_STREAM_OPTS (-D options for AILoad in the streams mode; default: none up
#              to 4000 streams (the shipped maxThreads, 4096, holds them), else maxThreads=N+64).
#
# It installs what it lacks from Debian (nginx-light, libnginx-mod-http-echo, wrk, g++),
# runs everything on 127.0.0.1, pins the server under test to CPU 0 and the load
# generator (and the mock upstreams, when they are not what is measured) to CPU 1, and
# stops everything it started when it ends.
set -euo pipefail

MODE=all
QUICK=0
DURATION=""
STREAMS=""
STREAM_SECONDS=""
INTERVAL_MS=100
KEEP=0
for arg in "$@"; do
	case "$arg" in
	all|throughput|streams|profile) MODE=$arg ;;
	--quick) QUICK=1 ;;
	--duration=*) DURATION=${arg#*=} ;;
	--streams=*) STREAMS=${arg#*=} ;;
	--stream-seconds=*) STREAM_SECONDS=${arg#*=} ;;
	--interval-ms=*) INTERVAL_MS=${arg#*=} ;;
	--keep) KEEP=1 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/run.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
	esac
done
if [ "$QUICK" = 1 ]; then
	: "${DURATION:=2}" "${STREAMS:=300}" "${STREAM_SECONDS:=5}"
else
	: "${DURATION:=5}" "${STREAMS:=2000}" "${STREAM_SECONDS:=30}"
fi
WARMUP=1  # seconds of wrk before each measured run (wrk takes whole seconds)
EVENTS=$(( STREAM_SECONDS * 1000 / INTERVAL_MS ))

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
log() { printf '%s\n' "$*" >&2; }

# --- what it needs ------------------------------------------------------------------
missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
[ -f /usr/lib/nginx/modules/ngx_http_echo_module.so ] || missing+=(libnginx-mod-http-echo)
command -v wrk >/dev/null || missing+=(wrk)
command -v g++ >/dev/null || missing+=(g++)
command -v taskset >/dev/null || missing+=(util-linux)
if [ "$MODE" = profile ]; then
	command -v strace >/dev/null || missing+=(strace)
	command -v valgrind >/dev/null || missing+=(valgrind)
fi
if [ ${#missing[@]} -gt 0 ]; then
	log "Installing from Debian: ${missing[*]}"
	SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

AILOAD_BIN=${AILOAD_BIN:-build/Application/aiload}
if [ ! -x "$AILOAD_BIN" ]; then
	log "Building AILoad (cmake) ..."
	cmake -B build -S . >/dev/null && cmake --build build -j2 >/dev/null
fi

CPUS=$(nproc)
if [ "$CPUS" -ge 2 ]; then SERVER_CPU=0; LOAD_CPU=1; else SERVER_CPU=0; LOAD_CPU=0; log "Only one CPU: server and load share it."; fi

# 2000 streams need ~4000 descriptors in AILoad and 2000 in the client.
ulimit -Hn 65536 2>/dev/null || true
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

WORK=$(mktemp -d /tmp/aiload-bench.XXXXXX)
mkdir -p "$WORK/tmp"
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	if [ "$KEEP" = 1 ]; then log "Work folder kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A snapshot of the binary and its strategy plugins (bin/../lib/aiload/plugins, as in an
# installation), so that a rebuild meanwhile does not change what is measured.
mkdir -p "$WORK/bin" "$WORK/lib/aiload"
cp "$AILOAD_BIN" "$WORK/bin/aiload"
PLUGINS="$(dirname "$AILOAD_BIN")/../lib/aiload/plugins"
[ -d "$PLUGINS" ] && cp -r "$PLUGINS" "$WORK/lib/aiload/"
g++ -O2 -std=c++17 -o "$WORK/sse-upstream" bench/sse-upstream.cpp
g++ -O2 -std=c++17 -o "$WORK/sse-client" bench/sse-client.cpp

BASE=${BENCH_PORT_BASE:-18400}
UP1=$((BASE + 1)); UP2=$((BASE + 2)); NGINX=$((BASE + 10)); NGINX_KA=$((BASE + 11))
AILOAD=$((BASE + 20)); SSE1=$((BASE + 31)); SSE2=$((BASE + 32)); AILOAD_S=$((BASE + 40))
NGINX_S=$((BASE + 41)); NGINX_S_KA=$((BASE + 42))
TOKEN="sk-bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in $UP1 $UP2 $NGINX $NGINX_KA $AILOAD $SSE1 $SSE2 $AILOAD_S $NGINX_S $NGINX_S_KA; do
	if port_open "$port"; then log "Port $port is in use: set BENCH_PORT_BASE to another base."; exit 1; fi
done
wait_port() {
	local i
	for i in $(seq 1 100); do port_open "$1" && return 0; sleep 0.1; done
	log "Nothing listens on $1 after 10 s; logs in $WORK (run with --keep)"; exit 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Busy ticks of the server's CPU, whoever used them: more than the server's own share means
# other work on the machine competed with it (the run is then less trustworthy).
cpu_busy() { awk -v c="cpu${1:-$SERVER_CPU}" '$1 == c {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
TICKS=$(getconf CLK_TCK)
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

stop_pid() {  # TERM (again each second: a signal sent while a program starts can be lost), KILL after 20 s
	local i
	kill -TERM "$1" 2>/dev/null || return 0
	for i in $(seq 1 200); do
		kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }
		[ $(( i % 10 )) = 0 ] && kill -TERM "$1" 2>/dev/null
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

render() {  # template output [upstream1 upstream2 port pooled-port name]
	local up1=${3:-$UP1} up2=${4:-$UP2} port=${5:-$NGINX} pooled=${6:-$NGINX_KA} name=${7:-proxy}
	sed -e "s#@DIR@#$WORK#g" -e "s/@UP1@/$up1/g" -e "s/@UP2@/$up2/g" -e "s/@PORT_KA@/$pooled/g" \
		-e "s/@PORT@/$port/g" -e "s#/proxy\\([.-]\\)#/$name\\1#g" "$1" > "$2"
}

aiload_config() {  # file, port, upstream port 1, upstream port 2
	cat > "$1" <<JSON
{
  "auth_token": "$TOKEN",
  "models": [
    { "name": "up-a", "model": "bench-model", "base_url": "http://127.0.0.1:$3/v1" },
    { "name": "up-b", "model": "bench-model", "base_url": "http://127.0.0.1:$4/v1" }
  ],
  "server": { "host": "127.0.0.1", "port": $2 },
  "settings": { "timeout": 120 }
}
JSON
	chmod 600 "$1"
}

start_aiload() {  # config, log, extra -D options...; sets AILOAD_PID
	local config=$1 logfile=$2
	shift 2
	taskset -c "$SERVER_CPU" "$WORK/bin/aiload" --properties="$ROOT/etc/aiload.properties" \
		-Daiload.config="$config" "$@" > "$logfile" 2>&1 &
	AILOAD_PID=$!
	PIDS+=("$AILOAD_PID")
}

echo "AILoad benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $CPUS CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
# The checkout's commit describes the binary only when it is this checkout's build.
revision="another build"
if [ "$AILOAD_BIN" = build/Application/aiload ]; then
	revision="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- Application 2>/dev/null || echo ', Application/ modified')"
fi
echo "aiload: $AILOAD_BIN ($revision), $(nginx -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "server under test on CPU $SERVER_CPU; load generator and (unless measured) mock upstreams on CPU $LOAD_CPU"
echo

# The canned nginx upstream (two ports), nginx as a proxy (plain and pooled) and AILoad,
# each pinned; sets UPSTREAM_PID and NGINX_PID (AILOAD_PID is set by start_aiload).
start_mock_and_proxies() {
	render bench/upstream.nginx.conf "$WORK/upstream.conf"
	render bench/proxy.nginx.conf "$WORK/proxy.conf"
	taskset -c "$LOAD_CPU" nginx -c "$WORK/upstream.conf" -e "$WORK/upstream-error.log" &
	UPSTREAM_PID=$!; PIDS+=("$UPSTREAM_PID")
	taskset -c "$SERVER_CPU" nginx -c "$WORK/proxy.conf" -e "$WORK/proxy-error.log" &
	NGINX_PID=$!; PIDS+=("$NGINX_PID")
	aiload_config "$WORK/aiload.json" "$AILOAD" "$UP1" "$UP2"
	start_aiload "$WORK/aiload.json" "$WORK/aiload.log"
}

# --- throughput -----------------------------------------------------------------------
throughput() {
	start_mock_and_proxies
	local upstream_pid=$UPSTREAM_PID nginx_pid=$NGINX_PID
	wait_port "$UP1"; wait_port "$UP2"; wait_port "$NGINX"; wait_port "$NGINX_KA"; wait_port "$AILOAD"

	local check
	check=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$AILOAD/v1/chat/completions" \
		-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"model":"auto","messages":[]}')
	[ "$check" = 200 ] || { log "AILoad answered $check to a test request; see $WORK/aiload.log"; exit 1; }

	declare -gA RPS P50 P99 CPU OTHER ERR
	local target port pid mode conns out t0 t1 b0 b1 l0 l1 wall
	printf '%-14s %-7s %5s %10s %9s %9s %7s %8s %8s %7s\n' target mode conns 'req/s' 'p50 us' 'p99 us' 'srv CPU' 'others' 'load CPU' errors
	for mode in plain stream; do
		for conns in 1 64; do
			for target in upstream nginx nginx-pooled aiload; do
				case $target in
				upstream) port=$UP1; pid=$upstream_pid; taskset -a -p -c "$SERVER_CPU" "$pid" >/dev/null ;;
				nginx) port=$NGINX; pid=$nginx_pid ;;
				nginx-pooled) port=$NGINX_KA; pid=$nginx_pid ;;
				aiload) port=$AILOAD; pid=$AILOAD_PID ;;
				esac
				local env=(BENCH_TOKEN="$TOKEN" BENCH_STREAM=$([ $mode = stream ] && echo 1 || echo 0))
				local url="http://127.0.0.1:$port/v1/chat/completions"
				env "${env[@]}" taskset -c "$LOAD_CPU" wrk -t1 -c"$conns" -d"${WARMUP}s" -s bench/wrk.lua "$url" > /dev/null
				t0=$(cpu_ticks "$pid"); b0=$(cpu_busy); l0=$(cpu_busy "$LOAD_CPU"); wall=$(date +%s%N)
				out=$(env "${env[@]}" taskset -c "$LOAD_CPU" wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 10s -s bench/wrk.lua "$url")
				t1=$(cpu_ticks "$pid"); b1=$(cpu_busy); l1=$(cpu_busy "$LOAD_CPU"); wall=$(( $(date +%s%N) - wall ))
				[ $target = upstream ] && taskset -a -p -c "$LOAD_CPU" "$pid" >/dev/null
				local key="$target/$mode/$conns" line
				line=$(grep '^BENCH ' <<<"$out") || { log "wrk printed no summary: $out"; exit 1; }
				RPS[$key]=$(sed 's/.*rps=\([^ ]*\).*/\1/' <<<"$line")
				P50[$key]=$(sed 's/.*p50=\([^ ]*\).*/\1/' <<<"$line")
				P99[$key]=$(sed 's/.*p99=\([^ ]*\).*/\1/' <<<"$line")
				ERR[$key]=$(sed 's/.*errors=\([^ ]*\).*/\1/' <<<"$line")
				CPU[$key]=$(( (t1 - t0) * 100 * 1000000000 / TICKS / wall ))
				OTHER[$key]=$(( (b1 - b0 - t1 + t0) * 100 * 1000000000 / TICKS / wall ))
				[ "${OTHER[$key]}" -ge 0 ] || OTHER[$key]=0
				local load=$(( (l1 - l0) * 100 * 1000000000 / TICKS / wall ))
				printf '%-14s %-7s %5s %10.0f %9s %9s %6s%% %7s%% %7s%% %7s\n' "$target" "$mode" "$conns" "${RPS[$key]}" \
					"${P50[$key]}" "${P99[$key]}" "${CPU[$key]}" "${OTHER[$key]}" "$load" "${ERR[$key]}"
			done
		done
	done
	echo "(srv CPU: the server under test's share of CPU $SERVER_CPU; others: the rest of that CPU's busy time,"
	echo " e.g. other jobs on the machine: high means disturbed; load CPU: CPU $LOAD_CPU busy, wrk and the mock"
	echo " upstreams: near 100% means the load side, not the server, set the pace)"
	echo
	echo "AILoad against nginx in the same run ('nginx' opens a new upstream connection per request,"
	echo "'nginx-pooled' keeps idle ones, as AILoad's upstream pool does):"
	for mode in plain stream; do
		awk -v m=$mode -v a="${RPS[aiload/$mode/64]}" -v n="${RPS[nginx/$mode/64]}" -v p="${RPS[nginx-pooled/$mode/64]}" \
			-v a1="${P50[aiload/$mode/1]}" -v n1="${P50[nginx/$mode/1]}" -v p1="${P50[nginx-pooled/$mode/1]}" \
			-v t=$([ $mode = plain ] && echo 1 || echo 0) 'BEGIN {
			printf "  %-6s 64 conns: requests/s %.2fx nginx, %.2fx nginx-pooled", m, a / n, a / p
			if (t) printf "     target >= 0.6x: %s against nginx, %s against nginx-pooled", (a / n >= 0.6 ? "met" : "MISSED"), (a / p >= 0.6 ? "met" : "MISSED")
			printf "\n  %-6s 1 conn:   p50 %+d us against nginx, %+d us against nginx-pooled", m, a1 - n1, a1 - p1
			if (t) printf "  target <= +150 us: %s, %s", (a1 - n1 <= 150 ? "met" : "MISSED"), (a1 - p1 <= 150 ? "met" : "MISSED")
			printf "\n"
		}'
	done
	kill "$upstream_pid" "$nginx_pid" "$AILOAD_PID" 2>/dev/null || true
	wait "$upstream_pid" "$nginx_pid" "$AILOAD_PID" 2>/dev/null || true
	echo
}

# --- streams --------------------------------------------------------------------------
# One pass of the SSE client against a port; sets PASS_LINE (its SSE line) and, for a server
# pid, PASS_CPU (% of one core), PASS_TICKS, PASS_OTHER (% of its CPU used by others),
# PASS_RSS (peak, kB) and PASS_THREADS (peak).
sse_pass() {  # label ports server-pid|""
	local label=$1 ports=$2 pid=$3 out t0=0 t1=0 b0 b1 wall sampler=""
	rm -f "$WORK/stop-sampler" "$WORK/samples"
	if [ -n "$pid" ]; then
		( peak_rss=0; peak_threads=0
		  while kill -0 "$pid" 2>/dev/null && [ ! -e "$WORK/stop-sampler" ]; do
			r=$(status_kb "$pid" VmRSS); t=$(status_kb "$pid" Threads)
			[ "${r:-0}" -gt "$peak_rss" ] && peak_rss=$r
			[ "${t:-0}" -gt "$peak_threads" ] && peak_threads=$t
			echo "$peak_rss $peak_threads" > "$WORK/samples"
			sleep 0.2
		  done ) &
		sampler=$!
		t0=$(cpu_ticks "$pid")
	fi
	b0=$(cpu_busy); wall=$(date +%s%N)
	out=$(taskset -c "$LOAD_CPU" "$WORK/sse-client" "$ports" /v1/chat/completions "$TOKEN" "$STREAMS" "$STREAMS" "$EVENTS" $(( STREAM_SECONDS + 60 )))
	b1=$(cpu_busy); wall=$(( $(date +%s%N) - wall ))
	PASS_CPU=-1; PASS_TICKS=0; PASS_RSS=-1; PASS_THREADS=-1
	if [ -n "$pid" ]; then
		t1=$(cpu_ticks "$pid")
		touch "$WORK/stop-sampler"; wait "$sampler" 2>/dev/null || true
		PASS_TICKS=$(( t1 - t0 ))
		PASS_CPU=$(( PASS_TICKS * 100 * 1000000000 / TICKS / wall ))
		# VmHWM is the true peak; the sampler's is a lower bound, for processes that lack it.
		PASS_RSS=$(status_kb "$pid" VmHWM); PASS_THREADS=$(cut -d' ' -f2 "$WORK/samples" 2>/dev/null || echo -1)
	fi
	PASS_OTHER=$(( (b1 - b0 - t1 + t0) * 100 * 1000000000 / TICKS / wall ))
	[ "$PASS_OTHER" -ge 0 ] || PASS_OTHER=0
	PASS_LINE="$(grep '^SSE ' <<<"$out") cpu=$PASS_CPU ticks=$PASS_TICKS other=$PASS_OTHER rss=$PASS_RSS threads=$PASS_THREADS"
	echo "  $label: $(head -1 <<<"$out")"
}

streams() {
	echo "$STREAMS concurrent SSE streams, $EVENTS events each, one every $INTERVAL_MS ms (ramp-up $STREAMS ms); the"
	echo "client and two slow upstreams on CPU $LOAD_CPU, the proxy on CPU $SERVER_CPU; straight to the upstreams, then"
	echo "through nginx, then through AILoad"
	local lifetime=$(( (STREAM_SECONDS + 60) * 4 ))
	taskset -c "$LOAD_CPU" "$WORK/sse-upstream" "$SSE1" "$INTERVAL_MS" "$EVENTS" "$lifetime" > "$WORK/sse1.log" &
	local sse1=$!; PIDS+=("$sse1")
	taskset -c "$LOAD_CPU" "$WORK/sse-upstream" "$SSE2" "$INTERVAL_MS" "$EVENTS" "$lifetime" > "$WORK/sse2.log" &
	local sse2=$!; PIDS+=("$sse2")
	render bench/proxy.nginx.conf "$WORK/proxy-streams.conf" "$SSE1" "$SSE2" "$NGINX_S" "$NGINX_S_KA" proxy-streams
	taskset -c "$SERVER_CPU" nginx -c "$WORK/proxy-streams.conf" -e "$WORK/proxy-streams-error.log" &
	local nginx_pid=$!; PIDS+=("$nginx_pid")
	# A stream holds an AILoad thread for its whole life. The shipped maxThreads (4096) covers
	# the default 2000 streams; past it, allow one per stream. AILOAD_STREAM_OPTS replaces this.
	local threads=$(( STREAMS + 64 )) opts=()
	local default_opts=""
	[ "$threads" -le 4096 ] || default_opts="-Daiload.server.maxThreads=$threads -Daiload.server.maxQueued=$threads -Daiload.server.backlog=4096"
	read -r -a opts <<<"${AILOAD_STREAM_OPTS-$default_opts}"
	echo "AILoad: etc/aiload.properties ${opts[*]:-(no overrides)}"
	aiload_config "$WORK/aiload-streams.json" "$AILOAD_S" "$SSE1" "$SSE2"
	start_aiload "$WORK/aiload-streams.json" "$WORK/aiload-streams.log" "${opts[@]}"
	wait_port "$SSE1"; wait_port "$SSE2"; wait_port "$NGINX_S"; wait_port "$AILOAD_S"

	local direct nginx via
	sse_pass "direct" "$SSE1,$SSE2" ""; direct=$PASS_LINE
	sse_pass "nginx " "$NGINX_S" "$nginx_pid"; nginx=$PASS_LINE
	sse_pass "AILoad" "$AILOAD_S" "$AILOAD_PID"; via=$PASS_LINE
	echo
	awk -v d="$direct" -v x="$nginx" -v v="$via" -v hz="$TICKS" -v n="$STREAMS" '
		function get(s, k) { return match(s, "(^| )" k "=[-0-9]+") ? substr(s, RSTART + length(k) + 1 + (RSTART > 1), RLENGTH - length(k) - 1 - (RSTART > 1)) + 0 : -1 }
		function row(label, a, b, c, fmt) { printf "  %-34s " fmt " " fmt " " fmt "\n", label, a, b, c }
		BEGIN {
			printf "  %-34s %12s %12s %12s\n", "", "direct", "nginx", "AILoad"
			row("streams with an error", get(d, "errors"), get(x, "errors"), get(v, "errors"), "%12d")
			row("events received", get(d, "events"), get(x, "events"), get(v, "events"), "%12d")
			split("p50 p90 p99 p999", q, " ")
			for (i = 1; i <= 4; i++) {
				a = get(d, q[i] "_ns") / 1000; b = get(x, q[i] "_ns") / 1000; c = get(v, q[i] "_ns") / 1000
				row("delay per event " q[i] " (us)", a, b, c, "%12.1f")
				printf "  %-34s %12s %+12.1f %+12.1f\n", "  added by the proxy", "", b - a, c - a
			}
			row("first byte p50 (ms)", get(d, "fb50_ns") / 1e6, get(x, "fb50_ns") / 1e6, get(v, "fb50_ns") / 1e6, "%12.2f")
			printf "  %-34s %12s %12.1f %12.1f\n", "proxy peak RSS (MB)", "", get(x, "rss") / 1024, get(v, "rss") / 1024
			printf "  %-34s %12s %12d %12d\n", "proxy peak threads", "", get(x, "threads"), get(v, "threads")
			printf "  %-34s %12s %12d %12d\n", "proxy CPU (% of one core)", "", get(x, "cpu"), get(v, "cpu")
			printf "  %-34s %12s %12.1f %12.1f\n", "proxy CPU per event (us)", "", get(x, "ticks") / hz * 1e6 / get(x, "events"), get(v, "ticks") / hz * 1e6 / get(v, "events")
			printf "  %-34s %12d %12d %12d\n", "others on the proxy CPU (%)", get(d, "other"), get(x, "other"), get(v, "other")
			e = get(v, "errors"); added = (get(v, "p99_ns") - get(d, "p99_ns")) / 1e6
			printf "\n  AILoad targets: zero errors %s; peak RSS < 300 MB %s; added p99 < 1 ms %s\n",
				(e == 0 ? "met" : "MISSED (" e ")"), (get(v, "rss") / 1024 < 300 ? "met" : "MISSED"), (added < 1 ? "met" : "MISSED")
			if (n != 2000) print "  (the targets are for 2000 streams; this run held " n ")"
		}'
	kill "$sse1" "$sse2" "$nginx_pid" "$AILOAD_PID" 2>/dev/null || true
	wait "$sse1" "$sse2" "$nginx_pid" "$AILOAD_PID" 2>/dev/null || true
	echo
}

# --- profile --------------------------------------------------------------------------
profile() {
	local requests=2000
	KEEP=1  # the callgrind files, for callgrind_annotate
	start_mock_and_proxies
	local upstream_pid=$UPSTREAM_PID nginx_pid=$NGINX_PID
	wait_port "$UP1"; wait_port "$NGINX"; wait_port "$AILOAD"

	# $requests plain requests, one connection, one after the other.
	drive() {
		local i
		for i in $(seq 1 "$requests"); do printf 'url = "http://127.0.0.1:%s/v1/chat/completions"\noutput = "/dev/null"\n' "$1"; done > "$WORK/curl.cfg"
		taskset -c "$LOAD_CPU" curl -s -K "$WORK/curl.cfg" -H "Authorization: Bearer $TOKEN" \
			-H 'Content-Type: application/json' -d '{"model":"auto","messages":[{"role":"user","content":"Say hello."}]}'
	}
	echo "System calls per plain request (strace -c -f, $requests requests over one keep-alive connection):"
	local target pid port
	for target in nginx nginx-pooled aiload; do
		case $target in
		nginx) pid=$nginx_pid; port=$NGINX ;;
		nginx-pooled) pid=$nginx_pid; port=$NGINX_KA ;;
		aiload) pid=$AILOAD_PID; port=$AILOAD ;;
		esac
		strace -c -f -q -p "$pid" -o "$WORK/strace-$target.txt" &
		local tracer=$!
		sleep 1
		drive "$port"
		sleep 0.5
		kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
		# strace -c columns: % time, seconds, usecs/call, calls, [errors,] syscall
		awk -v t=$target -v n=$requests '$NF == "total" { printf "  %-13s %5.1f per request:", t, $4 / n }' "$WORK/strace-$target.txt"
		awk '$1 ~ /^[0-9.]+$/ && $NF != "total" { print $NF, $4 }' "$WORK/strace-$target.txt" \
			| sort -k2 -n -r | head -8 | awk -v n=$requests '{ printf " %s %.1f", $1, $2 / n } END { print "" }'
	done
	kill "$AILOAD_PID" "$nginx_pid" 2>/dev/null || true; wait "$AILOAD_PID" "$nginx_pid" 2>/dev/null || true

	echo
	echo "Instructions per plain request (valgrind callgrind, $requests requests; start-up excluded by difference with a 200-request run):"
	local calls
	for target in nginx nginx-pooled aiload; do
		for calls in 200 $requests; do
			if [ $target = aiload ]; then
				valgrind --tool=callgrind --callgrind-out-file="$WORK/cg-$target-$calls.out" \
					"$WORK/bin/aiload" --properties="$ROOT/etc/aiload.properties" -Daiload.config="$WORK/aiload.json" > /dev/null 2>&1 &
				port=$AILOAD
			else
				valgrind --tool=callgrind --callgrind-out-file="$WORK/cg-$target-$calls.out" \
					nginx -c "$WORK/proxy.conf" -e "$WORK/proxy-error.log" > /dev/null 2>&1 &
				port=$NGINX; [ $target = nginx ] || port=$NGINX_KA
			fi
			pid=$!; PIDS+=("$pid")
			local i; for i in $(seq 1 300); do port_open "$port" && break; sleep 0.1; done
			local saved=$requests; requests=$calls; drive "$port"; requests=$saved
			stop_pid "$pid"
		done
		local small large
		small=$( (callgrind_annotate "$WORK/cg-$target-200.out" 2>/dev/null || true) | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
		large=$( (callgrind_annotate "$WORK/cg-$target-$requests.out" 2>/dev/null || true) | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
		awk -v t=$target -v s="$small" -v l="$large" -v n=$((requests - 200)) 'BEGIN { printf "  %-13s %8.0f instructions per request (user space)\n", t, (l - s) / n }'
	done
	# Per request = (2000-request run - 200-request run) / 1800, function by function.
	local n=$((requests - 200))
	listing() { (callgrind_annotate --threshold=100 "$@" 2>/dev/null || true) | grep -E '^ *[0-9,]+ \(' | sed -E 's/^ *([0-9,]+) \([ 0-9.]+%\) +/\1\t/' | awk -F'\t' -v OFS='\t' '{ gsub(",", "", $1); print }'; }
	per_request() {  # options...
		awk -F'\t' -v n=$n 'FNR == NR { a[$2] = $1; next } { d = ($1 - a[$2]) / n; if (d >= 500 && $2 != "PROGRAM TOTALS") printf "  %9.0f  %s\n", d, $2 }' \
			<(listing "$@" "$WORK/cg-aiload-200.out") <(listing "$@" "$WORK/cg-aiload-$requests.out") | sort -rn \
			| sed -e 's/std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >/std::string/g' \
				-e 's/ \[[^]]*\]$//' -e 's/^\(.\{150\}\).*/\1/'
	}
	calls_per_request() {  # function-name-fragment
		local file counts=()
		for file in "$WORK/cg-aiload-200.out" "$WORK/cg-aiload-$requests.out"; do
			counts+=("$( (callgrind_annotate --tree=caller --threshold=100 "$file" 2>/dev/null || true) | awk -v f="$1" '
				/ < / { if (match($0, /\(([0-9,]+)x\)/)) { s = substr($0, RSTART + 1, RLENGTH - 3); gsub(",", "", s); c += s } next }
				/  \*  / { if (index($0, f)) t += c; c = 0; next } { c = 0 } END { print t + 0 }')")
		done
		echo $(( (counts[1] - counts[0]) / n ))
	}
	echo
	echo "AILoad, instructions per plain request by function, inclusive (callgrind_annotate --inclusive=yes on $WORK/cg-aiload-*.out):"
	{ per_request --inclusive=yes | grep -v -E 'start_thread|runnableEntry|PooledThread::run|TCPServerDispatcher::run|TCPServerConnection::start|0x0000' | head -30; } || true
	echo
	echo "AILoad, instructions per plain request by function, exclusive:"
	{ per_request | head -20; } || true
	echo
	printf 'AILoad, calls per plain request: malloc %s, iostream set-ups (basic_ios::init) %s, Poco::icompare %s, __dynamic_cast %s, NameValueCollection::get/has %s/%s\n' \
		"$(calls_per_request 'malloc.c:malloc ')" "$(calls_per_request 'basic_ios<char, std::char_traits<char> >::init')" \
		"$(calls_per_request 'Poco::icompare<')" "$(calls_per_request '__dynamic_cast')" \
		"$(calls_per_request 'NameValueCollection::get(')" "$(calls_per_request 'NameValueCollection::has(')"
	KEEP=1
}

case $MODE in
all) throughput; streams ;;
throughput) throughput ;;
streams) streams ;;
profile) profile ;;
esac

#!/usr/bin/env bash
# bench/run.sh: AILoad's performance benchmark (docs/performance.md explains the method).
#
#   bench/run.sh [all|throughput|streams|streams9000|idle|profile|observe] [--quick] [options]
#
#   throughput  wrk against (a) the mock upstream directly, (b) nginx as a round-robin proxy
#               over two upstreams (also with a pool of upstream connections), (c) AILoad
#               over the same two; plain and streamed (SSE) completions; 1 and 64 connections.
#               Prints requests/s, p50 and p99, and AILoad's ratio to nginx.
#   streams     N concurrent slow SSE streams (default 2000, an event every 100 ms for 30 s),
#               opened at 1000 a second, straight to the upstreams, then through nginx, then
#               through AILoad: errors, first byte p50 and p99, the proxies' peak RSS, threads
#               and CPU, and the delay each adds per event. Then the verdicts of the target the
#               interval belongs to: 100 ms, the 2000-stream target (zero errors, peak RSS
#               < 300 MB, added p99 per event < 1 ms); 1000 ms, the 9000-stream target (zero
#               errors, first byte p99 within 50 ms of nginx's, peak RSS < 300 MB, threads < 64,
#               CPU per relayed event <= 1.2x nginx's). Last, this machine's latency to wake a
#               thread on the other CPU (bench/cpu-wakeup): a proxied event takes two.
#   streams9000 exactly the 9000-stream target: streams --streams=9000 --interval-ms=1000,
#               one event a second on each for 30 s (--stream-seconds may change that),
#               opened at 1000 a second; about 2 minutes.
#   all         throughput and streams (the default; about 4 minutes, --quick about 1).
#   idle        not part of `all`: wrk, plain completions over 64 connections, against
#               nginx-pooled and AILoad, each without and then with 15,000 idle keep-alive
#               client connections (bench/idle-clients.cpp: each made one plain request and
#               stays open); requests/s, p50, p99, and whether AILoad's latency with them is
#               no worse than 1.2x without. AILoad runs with keepAliveTimeout=300 and nginx
#               with keepalive_timeout 300s here, so that the idle ones stay. About 1 minute.
#   profile     not part of `all`: per plain request, nginx next to AILoad: syscalls
#               (strace -c), context switches and CPU time (/proc/PID/task/*), instructions
#               (valgrind callgrind); about 1.5 minutes.
#   observe     not part of `all`: what observability (request ids, limit headers, usage reading,
#               StreamUsageFilter, counters, ledger, access log) costs. Under callgrind:
#               instructions per plain request (2000 minus 200) and per relayed SSE event (20
#               streams of 220 minus 20 of 20 events, 10 ms apart), those of each observability
#               entry point (inclusive; none calls another) and their share, the access log's
#               writer thread apart; and the same for the checkout built without observability
#               (cmake -DAILOAD_OBSERVABILITY=OFF, into the work folder: the "before"). Then
#               timed, AILoad as shipped (A) against that build (B), in turn (nine rounds of
#               wrk, five of streams): wrk over 64 connections (req/s, p99, CPU per request),
#               and --streams (default 300) for --stream-seconds (10) through each, the delay
#               added per event against the upstreams directly; medians, A/B, and the median
#               of each round's A/B. About 12 minutes with the build, --quick 10.
#
# Options: --quick  --duration=S (each wrk run, default 5)  --streams=N (2000)
#          --stream-seconds=S (30)  --interval-ms=MS (100)  --idle=N (idle connections, 15000)
#          --idle-rate=N (idle connections opened a second, 2000)  --keep (keep the work folder)
# Environment: BENCH_PORT_BASE (default 18400; ports BASE+1 .. BASE+42 on 127.0.0.1),
#              AILOAD_BIN (default build/Application/aiload; it is built when missing),
#              AILOAD_STREAM_OPTS (-D options for AILoad in the streams modes; default: none).
#
# It installs what it lacks from Debian (nginx-light, libnginx-mod-http-echo, wrk, g++),
# runs everything on 127.0.0.1, pins the server under test to CPU 0 and the load
# generator (and the mock upstreams, when they are not what is measured) to CPU 1, raises
# the limit of open files (ulimit -n) to what the mode needs, and stops everything it
# started when it ends.
set -euo pipefail

MODE=all
QUICK=0
DURATION=""
STREAMS=""
STREAM_SECONDS=""
INTERVAL_MS=""
IDLE=15000
IDLE_RATE=2000
KEEP=0
for arg in "$@"; do
	case "$arg" in
	all|throughput|streams|streams9000|idle|profile|observe) MODE=$arg ;;
	--quick) QUICK=1 ;;
	--duration=*) DURATION=${arg#*=} ;;
	--streams=*) STREAMS=${arg#*=} ;;
	--stream-seconds=*) STREAM_SECONDS=${arg#*=} ;;
	--interval-ms=*) INTERVAL_MS=${arg#*=} ;;
	--idle=*) IDLE=${arg#*=} ;;
	--idle-rate=*) IDLE_RATE=${arg#*=} ;;
	--keep) KEEP=1 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/run.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
	esac
done
for value in "$DURATION" "$STREAMS" "$STREAM_SECONDS" "$INTERVAL_MS" "$IDLE" "$IDLE_RATE"; do
	case "$value" in
	*[!0-9]*|0*) echo "bench/run.sh: $value is not a positive whole number" >&2; exit 2 ;;
	esac
done
if [ "$MODE" = streams9000 ]; then  # the 9000-stream target, nothing else
	if [ "${STREAMS:-9000}" != 9000 ] || [ "${INTERVAL_MS:-1000}" != 1000 ]; then
		echo "bench/run.sh: streams9000 runs 9000 streams, an event every 1000 ms; use streams --streams=N --interval-ms=MS for others" >&2
		exit 2
	fi
	MODE=streams; STREAMS=9000; INTERVAL_MS=1000; : "${STREAM_SECONDS:=30}"
fi
: "${INTERVAL_MS:=100}"
if [ "$MODE" = observe ]; then  # fewer streams: six passes through AILoad, three straight
	if [ "$QUICK" = 1 ]; then : "${STREAMS:=100}" "${STREAM_SECONDS:=3}"; else : "${STREAMS:=300}" "${STREAM_SECONDS:=10}"; fi
fi
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
[ "$MODE" != profile ] || command -v strace >/dev/null || missing+=(strace)
case $MODE in profile|observe) command -v valgrind >/dev/null || missing+=(valgrind) ;; esac
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

# Open files. A proxied stream takes two descriptors in the proxy (its client's and its
# upstream's), one in sse-client and one in an sse-upstream; an idle connection one in the proxy
# and one in idle-clients. Everything the script starts is its child and inherits the limit.
NOFILE_NEED=1024
case $MODE in
all|streams|observe) NOFILE_NEED=$(( 2 * STREAMS + 1024 )) ;;
idle) NOFILE_NEED=$(( IDLE + 1024 )) ;;
esac
nofile_want=$(( NOFILE_NEED > 65536 ? NOFILE_NEED : 65536 ))
ulimit -Hn "$nofile_want" 2>/dev/null || true  # needs root (CAP_SYS_RESOURCE) to go up
nofile_hard=$(ulimit -Hn)
if [ "$nofile_hard" = unlimited ] || [ "$nofile_hard" -ge "$nofile_want" ]; then ulimit -n "$nofile_want"; else ulimit -n "$nofile_hard"; fi
NOFILE=$(ulimit -n)
if [ "$NOFILE" -lt "$NOFILE_NEED" ]; then
	log "Open files are limited to $NOFILE (hard limit; raising it needs root or CAP_SYS_RESOURCE) where this"
	log "run needs about $NOFILE_NEED: expect connect errors. Run as root, or raise the hard limit (limits.conf)."
fi
# nginx counts its client and upstream connections alike against worker_connections, and
# once fewer than 1/16 of them are free it closes idle keep-alive clients (32 at a time):
# room to spare, up to the limit of open files (beyond it nginx warns at start).
NGINX_CONNECTIONS=$(( NOFILE_NEED * 5 / 4 > 16384 ? NOFILE_NEED * 5 / 4 : 16384 ))
[ "$NGINX_CONNECTIONS" -le "$NOFILE" ] || NGINX_CONNECTIONS=$NOFILE
NGINX_KEEPALIVE=60s  # keepalive_timeout of the nginx proxy; the idle mode raises it

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
[ "$MODE" != idle ] || g++ -O2 -std=c++17 -o "$WORK/idle-clients" bench/idle-clients.cpp
g++ -O2 -std=c++17 -pthread -o "$WORK/cpu-wakeup" bench/cpu-wakeup.cpp

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
		-e "s/@PORT@/$port/g" -e "s/@NOFILE@/$NOFILE/g" -e "s/@CONNECTIONS@/$NGINX_CONNECTIONS/g" \
		-e "s/@KEEPALIVE_TIMEOUT@/$NGINX_KEEPALIVE/g" -e "s#/proxy\\([.-]\\)#/$name\\1#g" "$1" > "$2"
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
	taskset -c "$SERVER_CPU" "${AILOAD_EXE:-$WORK/bin/aiload}" --properties="$ROOT/etc/aiload.properties" \
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
start_mock_and_proxies() {  # [extra -D options for AILoad...]
	render bench/upstream.nginx.conf "$WORK/upstream.conf"
	render bench/proxy.nginx.conf "$WORK/proxy.conf"
	taskset -c "$LOAD_CPU" nginx -c "$WORK/upstream.conf" -e "$WORK/upstream-error.log" &
	UPSTREAM_PID=$!; PIDS+=("$UPSTREAM_PID")
	taskset -c "$SERVER_CPU" nginx -c "$WORK/proxy.conf" -e "$WORK/proxy-error.log" &
	NGINX_PID=$!; PIDS+=("$NGINX_PID")
	aiload_config "$WORK/aiload.json" "$AILOAD" "$UP1" "$UP2"
	start_aiload "$WORK/aiload.json" "$WORK/aiload.log" "$@"
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
	out=$(taskset -c "$LOAD_CPU" "$WORK/sse-client" "$ports" /v1/chat/completions "$TOKEN" "$STREAMS" "$STREAMS" "$EVENTS" "$STREAM_DEADLINE")
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
	# Streams open at 1000 a second (the client spreads them over STREAMS ms).
	local ramp_s=$(( (STREAMS + 999) / 1000 ))
	STREAM_DEADLINE=$(( STREAM_SECONDS + ramp_s + 60 ))
	echo "$STREAMS concurrent SSE streams, $EVENTS events each, one every $INTERVAL_MS ms, opened at 1000 a second"
	echo "(ramp-up $STREAMS ms); the client and two slow upstreams on CPU $LOAD_CPU, the proxy on CPU $SERVER_CPU;"
	echo "straight to the upstreams, then through nginx, then through AILoad (open files: $NOFILE each)"
	local lifetime=$(( STREAM_DEADLINE * 4 ))
	taskset -c "$LOAD_CPU" "$WORK/sse-upstream" "$SSE1" "$INTERVAL_MS" "$EVENTS" "$lifetime" > "$WORK/sse1.log" &
	local sse1=$!; PIDS+=("$sse1")
	taskset -c "$LOAD_CPU" "$WORK/sse-upstream" "$SSE2" "$INTERVAL_MS" "$EVENTS" "$lifetime" > "$WORK/sse2.log" &
	local sse2=$!; PIDS+=("$sse2")
	render bench/proxy.nginx.conf "$WORK/proxy-streams.conf" "$SSE1" "$SSE2" "$NGINX_S" "$NGINX_S_KA" proxy-streams
	taskset -c "$SERVER_CPU" nginx -c "$WORK/proxy-streams.conf" -e "$WORK/proxy-streams-error.log" &
	local nginx_pid=$!; PIDS+=("$nginx_pid")
	# Streams wait in AILoad's event loops, not in threads: the shipped settings hold any number.
	local opts=()
	read -r -a opts <<<"${AILOAD_STREAM_OPTS-}"
	echo "nginx: worker_connections $NGINX_CONNECTIONS; AILoad: etc/aiload.properties ${opts[*]:-(no overrides)}"
	aiload_config "$WORK/aiload-streams.json" "$AILOAD_S" "$SSE1" "$SSE2"
	start_aiload "$WORK/aiload-streams.json" "$WORK/aiload-streams.log" "${opts[@]}"
	wait_port "$SSE1"; wait_port "$SSE2"; wait_port "$NGINX_S"; wait_port "$AILOAD_S"

	local direct nginx via
	sse_pass "direct" "$SSE1,$SSE2" ""; direct=$PASS_LINE
	sse_pass "nginx " "$NGINX_S" "$nginx_pid"; nginx=$PASS_LINE
	sse_pass "AILoad" "$AILOAD_S" "$AILOAD_PID"; via=$PASS_LINE
	echo
	awk -v d="$direct" -v x="$nginx" -v v="$via" -v hz="$TICKS" -v n="$STREAMS" -v iv="$INTERVAL_MS" '
		function get(s, k) { return match(s, "(^| )" k "=[-0-9]+") ? substr(s, RSTART + length(k) + 1 + (RSTART > 1), RLENGTH - length(k) - 1 - (RSTART > 1)) + 0 : -1 }
		function row(label, a, b, c, fmt) { printf "  %-34s " fmt " " fmt " " fmt "\n", label, a, b, c }
		function per_event(s) { return get(s, "events") > 0 ? get(s, "ticks") / hz * 1e6 / get(s, "events") : -1 }
		function verdict(label, ok, figure) { printf "    %-46s %-7s %s\n", label, (ok ? "met" : "MISSED"), figure }
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
			row("first byte p99 (ms)", get(d, "fb99_ns") / 1e6, get(x, "fb99_ns") / 1e6, get(v, "fb99_ns") / 1e6, "%12.2f")
			printf "  %-34s %12s %12.1f %12.1f\n", "proxy peak RSS (MB)", "", get(x, "rss") / 1024, get(v, "rss") / 1024
			printf "  %-34s %12s %12d %12d\n", "proxy peak threads", "", get(x, "threads"), get(v, "threads")
			printf "  %-34s %12s %12d %12d\n", "proxy CPU (% of one core)", "", get(x, "cpu"), get(v, "cpu")
			printf "  %-34s %12s %12.1f %12.1f\n", "proxy CPU per event (us)", "", per_event(x), per_event(v)
			printf "  %-34s %12d %12d %12d\n", "others on the proxy CPU (%)", get(d, "other"), get(x, "other"), get(v, "other")
			e = get(v, "errors"); rss = get(v, "rss") / 1024
			if (iv == 1000) {
				print "\n  AILoad against the 9000-stream target (an event a second on each, opened at 1000 a second):"
				fb = (get(v, "fb99_ns") - get(x, "fb99_ns")) / 1e6
				threads = get(v, "threads")
				ratio = per_event(x) > 0 ? per_event(v) / per_event(x) : -1
				verdict("zero errors", e == 0, sprintf("(%d)", e))
				verdict("first byte p99 within 50 ms of nginx'\''s", fb <= 50, sprintf("(%+.1f ms: %.1f against %.1f)", fb, get(v, "fb99_ns") / 1e6, get(x, "fb99_ns") / 1e6))
				verdict("peak RSS < 300 MB", rss < 300, sprintf("(%.1f MB)", rss))
				verdict("threads < 64", threads >= 0 && threads < 64, sprintf("(peak %d)", threads))
				verdict("CPU per relayed event <= 1.2x nginx'\''s", ratio >= 0 && ratio <= 1.2, sprintf("(%.2fx: %.1f us against %.1f)", ratio, per_event(v), per_event(x)))
				if (n != 9000) print "  (the target is for 9000 streams; this run held " n ")"
			} else {
				print "\n  AILoad against the 2000-stream target (an event every 100 ms on each):"
				added = (get(v, "p99_ns") - get(d, "p99_ns")) / 1e6
				verdict("zero errors", e == 0, sprintf("(%d)", e))
				verdict("peak RSS < 300 MB", rss < 300, sprintf("(%.1f MB)", rss))
				verdict("added p99 per event < 1 ms", added < 1, sprintf("(%+.2f ms; nginx %+.2f ms)", added, (get(x, "p99_ns") - get(d, "p99_ns")) / 1e6))
				if (n != 2000 || iv != 100) print "  (the target is for 2000 streams, an event every 100 ms; this run held " n ", an event every " iv " ms)"
			}
		}'
	! grep -q 'worker_connections are not enough' "$WORK/proxy-streams-error.log" 2>/dev/null \
		|| echo "  (nginx ran short of worker_connections: see $WORK/proxy-streams-error.log with --keep)"
	kill "$sse1" "$sse2" "$nginx_pid" "$AILOAD_PID" 2>/dev/null || true
	wait "$sse1" "$sse2" "$nginx_pid" "$AILOAD_PID" 2>/dev/null || true
	# The machine's floor under any proxy's delay per event: an event through a proxy wakes
	# the proxy's CPU, then the client's (the straight pass wakes neither).
	echo "  This machine's wake-up of a thread on the other CPU (bench/cpu-wakeup; two per proxied event):"
	"$WORK/cpu-wakeup" "$LOAD_CPU" "$SERVER_CPU" 5000 500 | sed 's/^/    /'
	"$WORK/cpu-wakeup" "$SERVER_CPU" "$LOAD_CPU" 5000 500 | sed 's/^/    /'
	echo
}

# --- idle -----------------------------------------------------------------------------
# One wrk run of plain completions (after a warm-up) against a port; sets W_RPS, W_P50, W_P99
# (us), W_ERR, W_REQ and, for the server's pid, W_CPU and W_OTHER (% of its CPU).
wrk_run() {  # port server-pid connections
	local url="http://127.0.0.1:$1/v1/chat/completions" pid=$2 conns=$3 out line t0 t1 b0 b1 wall
	BENCH_TOKEN="$TOKEN" BENCH_STREAM=0 taskset -c "$LOAD_CPU" wrk -t1 -c"$conns" -d"${WARMUP}s" -s bench/wrk.lua "$url" > /dev/null
	t0=$(cpu_ticks "$pid"); b0=$(cpu_busy); wall=$(date +%s%N)
	out=$(BENCH_TOKEN="$TOKEN" BENCH_STREAM=0 taskset -c "$LOAD_CPU" wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 10s -s bench/wrk.lua "$url")
	t1=$(cpu_ticks "$pid"); b1=$(cpu_busy); wall=$(( $(date +%s%N) - wall ))
	line=$(grep '^BENCH ' <<<"$out") || { log "wrk printed no summary: $out"; exit 1; }
	W_RPS=$(sed 's/.*rps=\([^ ]*\).*/\1/' <<<"$line")
	W_P50=$(sed 's/.*p50=\([^ ]*\).*/\1/' <<<"$line")
	W_P99=$(sed 's/.*p99=\([^ ]*\).*/\1/' <<<"$line")
	W_REQ=$(sed 's/.*requests=\([^ ]*\).*/\1/' <<<"$line")
	W_ERR=$(sed 's/.*errors=\([^ ]*\).*/\1/' <<<"$line")
	W_CPU=$(( (t1 - t0) * 100 * 1000000000 / TICKS / wall ))
	W_OTHER=$(( (b1 - b0 - t1 + t0) * 100 * 1000000000 / TICKS / wall ))
	[ "$W_OTHER" -ge 0 ] || W_OTHER=0
}

idle() {
	local conns=64 ka=300
	NGINX_KEEPALIVE=${ka}s
	start_mock_and_proxies "-Daiload.server.keepAliveTimeout=$ka"
	local upstream_pid=$UPSTREAM_PID nginx_pid=$NGINX_PID
	wait_port "$UP1"; wait_port "$UP2"; wait_port "$NGINX_KA"; wait_port "$AILOAD"
	local check
	check=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$AILOAD/v1/chat/completions" \
		-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"model":"auto","messages":[]}')
	[ "$check" = 200 ] || { log "AILoad answered $check to a test request; see $WORK/aiload.log"; exit 1; }

	echo "wrk, plain completions over $conns connections for $DURATION s (after $WARMUP s of warm-up), without and then with"
	echo "$IDLE idle keep-alive client connections to the same proxy (bench/idle-clients: each made one plain request"
	echo "and stays open, idle; opened at $IDLE_RATE a second, before the measured run). The idle connections would be"
	echo "closed by the keep-alive timeouts (AILoad's aiload.server.keepAliveTimeout is 15 s): AILoad runs with"
	echo "-Daiload.server.keepAliveTimeout=$ka and nginx with keepalive_timeout ${ka}s here (worker_connections"
	echo "$NGINX_CONNECTIONS; open files: $NOFILE each). Proxy on CPU $SERVER_CPU; wrk, idle-clients and the mock upstream on CPU $LOAD_CPU."
	echo
	declare -A RPS P50 P99 ERR HELD
	local target port pid idle_pid status key held rss threads ramp_s
	ramp_s=$(( (IDLE + IDLE_RATE - 1) / IDLE_RATE ))
	printf '%-14s %6s %10s %9s %9s %7s %8s %7s %8s %8s  %s\n' target idle 'req/s' 'p50 us' 'p99 us' errors 'srv CPU' others 'RSS MB' threads 'idle connections held'
	for target in nginx-pooled aiload; do
		case $target in
		nginx-pooled) port=$NGINX_KA; pid=$nginx_pid ;;
		aiload) port=$AILOAD; pid=$AILOAD_PID ;;
		esac
		for held in 0 "$IDLE"; do
			status="-"
			if [ "$held" != 0 ]; then
				status="$WORK/idle-$target.out"
				taskset -c "$LOAD_CPU" "$WORK/idle-clients" "$port" /v1/chat/completions "$TOKEN" "$IDLE" "$IDLE_RATE" 30 > "$status" &
				idle_pid=$!; PIDS+=("$idle_pid")
				local i ready=""
				for i in $(seq 1 $(( (ramp_s + 60) * 10 ))); do
					ready=$(grep '^READY ' "$status" || true)
					[ -n "$ready" ] && break
					kill -0 "$idle_pid" 2>/dev/null || break
					sleep 0.1
				done
				[ -n "$ready" ] || { log "idle-clients did not settle its $IDLE connections to $target in $(( ramp_s + 60 )) s: $(tail -1 "$status")"; exit 1; }
				sleep 1
			fi
			key="$target/$held"
			wrk_run "$port" "$pid" "$conns"
			RPS[$key]=$W_RPS; P50[$key]=$W_P50; P99[$key]=$W_P99; ERR[$key]=$W_ERR
			rss=$(status_kb "$pid" VmRSS); threads=$(status_kb "$pid" Threads)
			if [ "$held" != 0 ]; then
				# Still held after the measured run? (The last line idle-clients prints, once stopped.)
				stop_pid "$idle_pid"
				status=$(grep '^IDLE ' "$status" | tail -1 || true)
				HELD[$target]=$(sed 's/.* held=\([0-9]*\).*/\1/' <<<"$status")
				status=$(awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
					printf "%d of %d (refused %d, closed %d, %d of them while idle, timeout %d)", f["held"], f["of"], f["refused"], f["closed"], f["closed_idle"], f["timeout"] }' <<<"$status")
				sleep 2  # the proxy closes the $IDLE connections
			fi
			printf '%-14s %6s %10.0f %9s %9s %7s %7s%% %6s%% %8.1f %8s  %s\n' "$target" "$held" "$W_RPS" "$W_P50" "$W_P99" "$W_ERR" \
				"$W_CPU" "$W_OTHER" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$threads" "$status"
		done
	done
	echo "(RSS and threads: the proxy's, right after the measured run; others: the rest of CPU $SERVER_CPU's busy time,"
	echo " e.g. other jobs on the machine: high means disturbed)"
	! grep -q 'worker_connections are not enough' "$WORK/proxy-error.log" 2>/dev/null \
		|| echo "(nginx ran short of worker_connections and closed idle connections: see $WORK/proxy-error.log with --keep)"
	echo
	awk -v n="$IDLE" -v full=15000 \
		-v a50="${P50[aiload/0]}" -v a99="${P99[aiload/0]}" -v b50="${P50[aiload/$IDLE]}" -v b99="${P99[aiload/$IDLE]}" \
		-v ar="${RPS[aiload/0]}" -v br="${RPS[aiload/$IDLE]}" -v ah="${HELD[aiload]}" -v ae="${ERR[aiload/$IDLE]}" \
		-v n50="${P50[nginx-pooled/0]}" -v n99="${P99[nginx-pooled/0]}" -v m50="${P50[nginx-pooled/$IDLE]}" -v m99="${P99[nginx-pooled/$IDLE]}" \
		-v nr="${RPS[nginx-pooled/0]}" -v mr="${RPS[nginx-pooled/$IDLE]}" -v nh="${HELD[nginx-pooled]}" 'BEGIN {
		printf "With %d idle connections against without (p50 and p99 latency, requests/s):\n", n
		printf "  nginx-pooled  p50 %.2fx (%d -> %d us), p99 %.2fx (%d -> %d us), requests/s %.2fx; %d of %d held\n", m50 / n50, n50, m50, m99 / n99, n99, m99, mr / nr, nh, n
		printf "  AILoad        p50 %.2fx (%d -> %d us), p99 %.2fx (%d -> %d us), requests/s %.2fx; %d of %d held\n", b50 / a50, a50, b50, b99 / a99, a99, b99, br / ar, ah, n
		ok = b50 / a50 <= 1.2 && b99 / a99 <= 1.2
		why = ""
		if (ah != n) why = why sprintf("; only %d of the %d idle connections were held through the run", ah, n)
		if (ae != 0) why = why sprintf("; wrk counted %d errors", ae)
		printf "\n  AILoad target, latency with %d idle connections no worse than 1.2x without (judged on both p50\n", full
		printf "  and p99, each <= 1.2x): %s%s\n", (ok && why == "" ? "met" : "MISSED"), why
		if (n != full) printf "  (the target is for %d idle connections; this run held %d)\n", full, n
	}'
	kill "$upstream_pid" "$nginx_pid" "$AILOAD_PID" 2>/dev/null || true
	wait "$upstream_pid" "$nginx_pid" "$AILOAD_PID" 2>/dev/null || true
	echo
}

# --- callgrind helpers (profile, observe) ------------------------------------------------
# COUNT plain requests to PORT, one after the other over one keep-alive connection (curl).
plain_requests() {  # port count
	local i
	for i in $(seq 1 "$2"); do printf 'url = "http://127.0.0.1:%s/v1/chat/completions"\noutput = "/dev/null"\n' "$1"; done > "$WORK/curl.cfg"
	taskset -c "$LOAD_CPU" curl -s -K "$WORK/curl.cfg" -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/json' -d '{"model":"auto","messages":[{"role":"user","content":"Say hello."}]}'
}
# All instructions of a callgrind file.
cg_total() { (callgrind_annotate "$1" 2>/dev/null || true) | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'; }
# Its functions as "instructions<TAB>name" lines (options first, e.g. --inclusive=yes).
cg_listing() { (callgrind_annotate --threshold=100 "$@" 2>/dev/null || true) | grep -E '^ *[0-9,]+ \(' | sed -E 's/^ *([0-9,]+) \([ 0-9.]+%\) +/\1\t/' | awk -F'\t' -v OFS='\t' '{ gsub(",", "", $1); print }'; }
# Calls of the functions whose name holds FRAGMENT, summed over their callers.
cg_calls() {  # file fragment
	(callgrind_annotate --tree=caller --threshold=100 "$1" 2>/dev/null || true) | awk -v f="$2" '
		/ < / { if (match($0, /\(([0-9,]+)x\)/)) { s = substr($0, RSTART + 1, RLENGTH - 3); gsub(",", "", s); c += s } next }
		/  \*  / { if (index($0, f)) t += c; c = 0; next } { c = 0 } END { print t + 0 }'
}

# --- profile --------------------------------------------------------------------------
profile() {
	local requests=2000
	KEEP=1  # the callgrind files, for callgrind_annotate
	start_mock_and_proxies
	local upstream_pid=$UPSTREAM_PID nginx_pid=$NGINX_PID
	wait_port "$UP1"; wait_port "$NGINX"; wait_port "$AILOAD"

	# $requests plain requests, one connection, one after the other.
	drive() { plain_requests "$1" "$requests"; }
	# Context switches and CPU time of each of the server's threads: "tid switches cpu-ns" lines
	# (voluntary + nonvoluntary_ctxt_switches of /proc/PID/task/TID/status, the first field of
	# its schedstat).
	task_counters() {  # pid
		local task switches ns
		for task in /proc/"$1"/task/*; do
			switches=$(awk '$1 ~ /^(non)?voluntary_ctxt_switches:$/ { s += $2 } END { print s + 0 }' "$task/status" 2>/dev/null) || continue
			ns=$(cut -d' ' -f1 "$task/schedstat" 2>/dev/null) || ns=0
			echo "${task##*/} $switches ${ns:-0}"
		done
	}
	# Differences between two task_counters outputs: "switches cpu-ns threads-gone threads-new".
	# A thread that ended between them takes its counts with it (reported as gone).
	counters_delta() {  # before after
		awk 'FNR == NR { c[$1] = $2; r[$1] = $3; next }
			{ if ($1 in c) { dc += $2 - c[$1]; dr += $3 - r[$1]; delete c[$1] } else { dc += $2; dr += $3; fresh++ } }
			END { for (k in c) gone++; printf "%d %d %d %d\n", dc, dr, gone, fresh }' "$1" "$2"
	}
	declare -A SYSCALLS INSTRUCTIONS SWITCH1 CPU1 SWITCH64 CPU64
	local target pid port before after
	select_target() {  # sets pid and port of $target
		case $target in
		nginx) pid=$nginx_pid; port=$NGINX ;;
		nginx-pooled) pid=$nginx_pid; port=$NGINX_KA ;;
		aiload) pid=$AILOAD_PID; port=$AILOAD ;;
		esac
	}
	echo "Context switches (voluntary + involuntary) and CPU time per plain request, summed over the server's threads"
	echo "(/proc/PID/task/*/status and schedstat before and after): $requests requests over one keep-alive connection"
	echo "(curl; '1 c.'), then wrk over 64 connections for $DURATION s after $WARMUP s of warm-up ('64 c.'):"
	printf '  %-13s %14s %14s %14s %14s  %s\n' '' 'switches 1 c.' 'CPU us 1 c.' 'switches 64 c.' 'CPU us 64 c.' 'threads (ended, started during the runs)'
	for target in nginx nginx-pooled aiload; do
		select_target
		local gone=0 fresh=0 d
		before=$(task_counters "$pid"); drive "$port"; after=$(task_counters "$pid")
		read -r -a d < <(counters_delta <(echo "$before") <(echo "$after"))
		SWITCH1[$target]=$(awk -v s="${d[0]}" -v n="$requests" 'BEGIN { printf "%.2f", s / n }')
		CPU1[$target]=$(awk -v s="${d[1]}" -v n="$requests" 'BEGIN { printf "%.1f", s / n / 1000 }')
		gone=$((gone + d[2])); fresh=$((fresh + d[3]))
		BENCH_TOKEN="$TOKEN" BENCH_STREAM=0 taskset -c "$LOAD_CPU" wrk -t1 -c64 -d"${WARMUP}s" -s bench/wrk.lua "http://127.0.0.1:$port/v1/chat/completions" > /dev/null
		before=$(task_counters "$pid")
		local out line wrk_requests
		out=$(BENCH_TOKEN="$TOKEN" BENCH_STREAM=0 taskset -c "$LOAD_CPU" wrk -t1 -c64 -d"${DURATION}s" --timeout 10s -s bench/wrk.lua "http://127.0.0.1:$port/v1/chat/completions")
		after=$(task_counters "$pid")
		line=$(grep '^BENCH ' <<<"$out") || { log "wrk printed no summary: $out"; exit 1; }
		wrk_requests=$(sed 's/.*requests=\([^ ]*\).*/\1/' <<<"$line")
		read -r -a d < <(counters_delta <(echo "$before") <(echo "$after"))
		SWITCH64[$target]=$(awk -v s="${d[0]}" -v n="$wrk_requests" 'BEGIN { printf "%.2f", s / n }')
		CPU64[$target]=$(awk -v s="${d[1]}" -v n="$wrk_requests" 'BEGIN { printf "%.1f", s / n / 1000 }')
		gone=$((gone + d[2])); fresh=$((fresh + d[3]))
		printf '  %-13s %14s %14s %14s %14s  %s (%d, %d)\n' "$target" "${SWITCH1[$target]}" "${CPU1[$target]}" "${SWITCH64[$target]}" "${CPU64[$target]}" \
			"$(status_kb "$pid" Threads)" "$gone" "$fresh"
	done
	echo "(a thread that ended during a run took its counts with it: the figures are then a lower bound)"
	echo

	echo "System calls per plain request (strace -c -f, $requests requests over one keep-alive connection):"
	for target in nginx nginx-pooled aiload; do
		select_target
		strace -c -f -q -p "$pid" -o "$WORK/strace-$target.txt" &
		local tracer=$!
		sleep 1
		drive "$port"
		sleep 0.5
		kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
		# strace -c columns: % time, seconds, usecs/call, calls, [errors,] syscall
		SYSCALLS[$target]=$(awk -v n=$requests '$NF == "total" { printf "%.1f", $4 / n }' "$WORK/strace-$target.txt")
		printf '  %-13s %5s per request:' "$target" "${SYSCALLS[$target]}"
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
		small=$(cg_total "$WORK/cg-$target-200.out")
		large=$(cg_total "$WORK/cg-$target-$requests.out")
		INSTRUCTIONS[$target]=$(awk -v s="$small" -v l="$large" -v n=$((requests - 200)) 'BEGIN { printf "%.0f", (l - s) / n }')
		printf '  %-13s %8s instructions per request (user space)\n' "$target" "${INSTRUCTIONS[$target]}"
	done

	echo
	echo "Where the time of a plain request goes, AILoad against nginx (per request; 1 c.: one connection, requests one"
	echo "after the other; 64 c.: wrk over 64 connections):"
	printf '  %-34s %12s %13s %12s %14s\n' '' nginx nginx-pooled AILoad 'AILoad/pooled'
	local label name
	for name in SYSCALLS INSTRUCTIONS SWITCH1 SWITCH64 CPU1 CPU64; do
		case $name in
		SYSCALLS) label="system calls (strace, 1 c.)" ;;
		INSTRUCTIONS) label="user-space instructions (1 c.)" ;;
		SWITCH1) label="context switches (1 c.)" ;;
		SWITCH64) label="context switches (64 c.)" ;;
		CPU1) label="CPU time, us (1 c.)" ;;
		CPU64) label="CPU time, us (64 c.)" ;;
		esac
		local -n values=$name
		awk -v l="$label" -v n="${values[nginx]}" -v p="${values[nginx-pooled]}" -v a="${values[aiload]}" \
			'BEGIN { printf "  %-34s %12s %13s %12s %13.2fx\n", l, n, p, a, (p > 0 ? a / p : 0) }'
		unset -n values
	done
	# Per request = (2000-request run - 200-request run) / 1800, function by function.
	local n=$((requests - 200))
	per_request() {  # options...
		awk -F'\t' -v n=$n 'FNR == NR { a[$2] = $1; next } { d = ($1 - a[$2]) / n; if (d >= 500 && $2 != "PROGRAM TOTALS") printf "  %9.0f  %s\n", d, $2 }' \
			<(cg_listing "$@" "$WORK/cg-aiload-200.out") <(cg_listing "$@" "$WORK/cg-aiload-$requests.out") | sort -rn \
			| sed -e 's/std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >/std::string/g' \
				-e 's/ \[[^]]*\]$//' -e 's/^\(.\{150\}\).*/\1/'
	}
	calls_per_request() {  # function-name-fragment
		echo $(( ($(cg_calls "$WORK/cg-aiload-$requests.out" "$1") - $(cg_calls "$WORK/cg-aiload-200.out" "$1")) / n ))
	}
	echo
	echo "AILoad, instructions per plain request by function, inclusive (callgrind_annotate --inclusive=yes on $WORK/cg-aiload-*.out):"
	{ per_request --inclusive=yes | grep -v -E 'start_thread|clone3?$|execute_native_thread_routine|_State_impl<|runnableEntry|PooledThread::run|0x0000' | head -30; } || true
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

# --- observe --------------------------------------------------------------------------
# Where observability enters the request path, as callgrind names the functions: "name|label".
# Chosen so that none calls another (observe_overlaps checks it in the call graph), so that
# their inclusive costs add up without counting anything twice.
OBSERVE_POINTS=(
	"AILoad::RequestId::accept|request id (RequestId::accept)"
	"AILoad::ModelRewriter::mustAskForUsage|include_usage: ask? (ModelRewriter::mustAskForUsage)"
	"AILoad::UpstreamState::limitsReported|limit headers (UpstreamState::limitsReported)"
	"AILoad::StreamUsageFilter::StreamUsageFilter|StreamUsageFilter::StreamUsageFilter"
	"AILoad::StreamUsageFilter::removeInjectedUsage|StreamUsageFilter::removeInjectedUsage"
	"AILoad::StreamUsageFilter::pass|StreamUsageFilter::pass"
	"AILoad::StreamUsageFilter::finish|StreamUsageFilter::finish"
	"AILoad::JsonUsageTap::take|JSON usage: copy (JsonUsageTap::take)"
	"AILoad::JsonUsageTap::end|JSON usage: read (JsonUsageTap::end)"
	"AILoad::ClientSession::countSent|bytes out (ClientSession::countSent)"
	"AILoad::ProxyRequestHandler::recordAttempt|attempt: record, counters (recordAttempt)"
	"AILoad::UpstreamState::answered|duration histogram (UpstreamState::answered)"
	"AILoad::RequestLedger::streamStarted|RequestLedger::streamStarted"
	"AILoad::RequestLedger::streamEnded|RequestLedger::streamEnded"
	"AILoad::RequestLedger::connectionOpened|RequestLedger::connectionOpened"
	"AILoad::RequestLedger::connectionClosed|RequestLedger::connectionClosed"
	"AILoad::RequestLedger::finished|ledger: counters, access log line (RequestLedger::finished)"
	# A label that starts with spaces is a part of the row above it, not summed again.
	"AILoad::AccessLogLine::appendTo|  of which line formatting (AccessLogLine::appendTo)"
	# The access log's writer thread (CPU, not the request's latency): the table sums it apart,
	# from the row whose label says "writer thread" on.
	"AILoad::AccessLog::run|access log writer thread (AccessLog::run)"
)

# Inclusive instructions per unit of each point, by difference of two callgrind files:
# "figure<TAB>label" lines in OBSERVE_POINTS order ("-" when neither file has the function).
observe_points() {  # small large units
	awk -F'\t' -v n="$3" -v points="$(printf '%s\n' "${OBSERVE_POINTS[@]}")" '
		BEGIN { k = split(points, p, "\n"); for (i = 1; i <= k; i++) { split(p[i], f, "|"); pat[i] = f[1]; label[i] = f[2] } }
		function which(name,  i, c) {
			sub(/^[^:]*:/, "", name)
			for (i = 1; i <= k; i++) if (index(name, pat[i]) == 1) { c = substr(name, length(pat[i]) + 1, 1); if (c == "(" || c == "[") return i }
			return 0
		}
		FNR == NR { if ((i = which($2))) { small[i] += $1; seen[i] = 1 } next }
		{ if ((i = which($2))) { large[i] += $1; seen[i] = 1 } }
		END { for (i = 1; i <= k; i++) if (pat[i] != "") printf "%s\t%s\n", (seen[i] ? sprintf("%.0f", (large[i] - small[i]) / n) : "-"), label[i] }' \
		<(cg_listing --inclusive=yes "$1") <(cg_listing --inclusive=yes "$2")
}

# Points that another point calls, directly or through other functions (the caller tree of a
# callgrind file): one line each, nothing when they are apart.
observe_overlaps() {  # file
	(callgrind_annotate --tree=caller --threshold=100 "$1" 2>/dev/null || true) | awk -v points="$(printf '%s\n' "${OBSERVE_POINTS[@]}")" '
		BEGIN { k = split(points, p, "\n"); for (i = 1; i <= k; i++) { split(p[i], part, "|"); if (part[2] !~ /^ /) pat[i] = part[1] } }  # not the parts
		function which(name,  i, c) {
			for (i = 1; i <= k; i++) if (pat[i] != "" && index(name, pat[i]) == 1) { c = substr(name, length(pat[i]) + 1, 1); if (c == "(" || c == "[") return i }
			return 0
		}
		function clean(s) { sub(/^ *[0-9,]+ \([ 0-9.]+%\) +[<*] +/, "", s); sub(/ \[[^]]*\]$/, "", s); sub(/ \([0-9,]+x\)$/, "", s); sub(/^[^:]*:/, "", s); return s }
		/^ *[0-9,]+ \([ 0-9.]+%\) +< / { callers[++nc] = clean($0); next }
		/^ *[0-9,]+ \([ 0-9.]+%\) +\* / { f = clean($0); for (j = 1; j <= nc; j++) up[f] = up[f] "\n" callers[j]; nc = 0; next }
		{ nc = 0 }
		END {
			for (f in up) {
				if (!(i = which(f))) continue
				delete seen; qn = 1; q[1] = f; seen[f] = 1
				for (h = 1; h <= qn; h++) {
					m = split(up[q[h]], a, "\n")
					for (j = 2; j <= m; j++) {
						if (a[j] in seen) continue
						seen[a[j]] = 1; q[++qn] = a[j]
						if ((o = which(a[j])) && o != i) printf "%s is called by %s\n", pat[i], pat[o]
					}
				}
			}
		}' | sort -u
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

observe() {
	local small=200 large=2000 cg_streams=20 ev_small=20 ev_large=220 cg_iv=10
	[ "$QUICK" = 0 ] || { small=50; large=400; ev_small=10; ev_large=60; }
	local aiload_b=$((BASE + 21)) aiload_s_b=$((BASE + 22)) port
	for port in $aiload_b $aiload_s_b; do
		if port_open "$port"; then log "Port $port is in use: set BENCH_PORT_BASE to another base."; exit 1; fi
	done
	KEEP=1  # the callgrind files, for callgrind_annotate
	# B, the "before": the same source built without observability (Application/src/observe/Observing.h).
	log "Building AILoad without observability (cmake -DAILOAD_OBSERVABILITY=OFF) in $WORK/build-without: a few minutes"
	{ cmake -S "$ROOT" -B "$WORK/build-without" -DCMAKE_BUILD_TYPE=Release -DAILOAD_OBSERVABILITY=OFF -DAILOAD_BUILD_TESTS=OFF \
		&& cmake --build "$WORK/build-without" -j"$CPUS" --target aiload; } > "$WORK/build-without.log" 2>&1 \
		|| { log "The build without observability failed: see $WORK/build-without.log"; exit 1; }
	mkdir -p "$WORK/without/bin"
	cp "$WORK/build-without/Application/aiload" "$WORK/without/bin/aiload"
	ln -sfn "$WORK/lib" "$WORK/without/lib"  # the same strategy plugins
	# The access log goes to the work folder, not to log/ of the checkout: same file system.
	local log_on=(-Daiload.accessLog.path="$WORK/access.log") log_off=(-Daiload.accessLog.enabled=false)

	render bench/upstream.nginx.conf "$WORK/upstream.conf"
	taskset -c "$LOAD_CPU" nginx -c "$WORK/upstream.conf" -e "$WORK/upstream-error.log" &
	local upstream_pid=$!; PIDS+=("$upstream_pid")
	wait_port "$UP1"; wait_port "$UP2"
	aiload_config "$WORK/aiload.json" "$AILOAD" "$UP1" "$UP2"
	aiload_config "$WORK/aiload-b.json" "$aiload_b" "$UP1" "$UP2"
	aiload_config "$WORK/aiload-streams.json" "$AILOAD_S" "$SSE1" "$SSE2"
	aiload_config "$WORK/aiload-streams-b.json" "$aiload_s_b" "$SSE1" "$SSE2"

	# AILoad under callgrind until the driver is done; start-up and shutdown cancel out in the
	# difference of two runs.
	cg_aiload() {  # out config port driver [-D options...]
		local out=$1 config=$2 cg_port=$3 driver=$4 pid i
		shift 4
		taskset -c "$SERVER_CPU" valgrind --tool=callgrind --callgrind-out-file="$out" \
			"${AILOAD_EXE:-$WORK/bin/aiload}" --properties="$ROOT/etc/aiload.properties" -Daiload.config="$config" "$@" > "$out.log" 2>&1 &
		pid=$!; PIDS+=("$pid")
		for i in $(seq 1 300); do port_open "$cg_port" && break; sleep 0.1; done
		port_open "$cg_port" || { log "AILoad under valgrind does not listen on $cg_port; see $out.log"; exit 1; }
		$driver
		stop_pid "$pid"
		[ -s "$out" ] || { log "callgrind wrote nothing to $out; see $out.log"; exit 1; }
	}
	local count events
	plain_driver() { plain_requests "$AILOAD" "$count"; }
	stream_driver() {  # the streams at once, each with $events events
		local out line
		out=$(taskset -c "$LOAD_CPU" "$WORK/sse-client" "$AILOAD_S" /v1/chat/completions "$TOKEN" "$cg_streams" 100 "$events" 300)
		line=$(grep '^SSE ' <<<"$out") || { log "sse-client printed no summary: $out"; exit 1; }
		grep -q ' errors=0 ' <<<"$line" || log "callgrind streams, $events events each: $(head -1 <<<"$out")"
	}
	log "callgrind: plain requests ..."
	for count in $small $large; do
		cg_aiload "$WORK/cg-plain-$count.out" "$WORK/aiload.json" "$AILOAD" plain_driver "${log_on[@]}"
		cg_aiload "$WORK/cg-plain-off-$count.out" "$WORK/aiload.json" "$AILOAD" plain_driver "${log_off[@]}"
		AILOAD_EXE="$WORK/without/bin/aiload" cg_aiload "$WORK/cg-plain-without-$count.out" "$WORK/aiload.json" "$AILOAD" plain_driver "${log_on[@]}"
	done
	log "callgrind: streams ..."
	local sse1 sse2
	for events in $ev_small $ev_large; do
		# sse-upstream sends a fixed number of events: a pair for each run.
		taskset -c "$LOAD_CPU" "$WORK/sse-upstream" "$SSE1" "$cg_iv" "$events" 600 > "$WORK/sse1-cg.log" &
		sse1=$!; PIDS+=("$sse1")
		taskset -c "$LOAD_CPU" "$WORK/sse-upstream" "$SSE2" "$cg_iv" "$events" 600 > "$WORK/sse2-cg.log" &
		sse2=$!; PIDS+=("$sse2")
		wait_port "$SSE1"; wait_port "$SSE2"
		cg_aiload "$WORK/cg-streams-$events.out" "$WORK/aiload-streams.json" "$AILOAD_S" stream_driver "${log_on[@]}"
		stop_pid "$sse1"; stop_pid "$sse2"
		taskset -c "$LOAD_CPU" "$WORK/sse-upstream" "$SSE1" "$cg_iv" "$events" 600 > "$WORK/sse1-cg.log" &
		sse1=$!; PIDS+=("$sse1")
		taskset -c "$LOAD_CPU" "$WORK/sse-upstream" "$SSE2" "$cg_iv" "$events" 600 > "$WORK/sse2-cg.log" &
		sse2=$!; PIDS+=("$sse2")
		wait_port "$SSE1"; wait_port "$SSE2"
		AILOAD_EXE="$WORK/without/bin/aiload" cg_aiload "$WORK/cg-streams-without-$events.out" "$WORK/aiload-streams.json" "$AILOAD_S" stream_driver "${log_on[@]}"
		stop_pid "$sse1"; stop_pid "$sse2"
	done

	local n=$((large - small)) ne=$(( cg_streams * (ev_large - ev_small) ))
	local p_small p_large s_small s_large off_small off_large
	p_small=$(cg_total "$WORK/cg-plain-$small.out"); p_large=$(cg_total "$WORK/cg-plain-$large.out")
	off_small=$(cg_total "$WORK/cg-plain-off-$small.out"); off_large=$(cg_total "$WORK/cg-plain-off-$large.out")
	s_small=$(cg_total "$WORK/cg-streams-$ev_small.out"); s_large=$(cg_total "$WORK/cg-streams-$ev_large.out")
	echo "What observability costs, in instructions (valgrind callgrind; user space, all threads; inclusive: a function"
	echo "with everything it calls). Plain: $large minus $small requests over one keep-alive connection (curl), / $n."
	echo "Streams: $cg_streams streams of $ev_large minus $cg_streams of $ev_small events (sse-upstream, an event every $cg_iv ms), / $ne events."
	echo "AILoad with etc/aiload.properties, the access log in the work folder. Files: $WORK/cg-*.out"
	echo
	local overlaps
	overlaps=$( { observe_overlaps "$WORK/cg-plain-$large.out"; observe_overlaps "$WORK/cg-streams-$ev_large.out"; } | sort -u)
	printf '  %-56s %12s %8s %12s %8s\n' '' 'per request' '%' 'per event' '%'
	paste <(observe_points "$WORK/cg-plain-$small.out" "$WORK/cg-plain-$large.out" "$n") \
		<(observe_points "$WORK/cg-streams-$ev_small.out" "$WORK/cg-streams-$ev_large.out" "$ne" | cut -f1) \
		| awk -F'\t' -v pt="$(( (p_large - p_small) / n ))" -v st="$(( (s_large - s_small) / ne ))" -v ol="$overlaps" '
		function fig(v, total) { return v == "-" ? sprintf("%12s %8s", "-", "") : sprintf("%12d %7.2f%%", v, (total > 0 ? 100 * v / total : 0)) }
		BEGIN { printf "  %-56s %12d %8s %12d %8s\n", "all instructions", pt, "100%", st, "100%" }
		$2 ~ /writer thread/ { thread = 1; printf "  %-56s %s %s\n", "sum on the request path (the points above)", fig(ps, pt), fig(ss, st) }
		{ printf "  %-56s %s %s\n", (thread ? "" : "  ") $2, fig($1, pt), fig($3, st) }
		!thread && $2 !~ /^ / { ps += $1; ss += $3 }
		thread && $2 !~ /^ / { pw = $1; sw = $3 }
		END {
			printf "  %-56s %s %s\n", "request path and writer thread", fig(ps + pw, pt), fig(ss + sw, st)
			if (ol != "") printf "  OVERLAP, so the sums count some instructions twice:\n%s\n", ol
		}'
	local writes reads
	reads=$(( ($(cg_calls "$WORK/cg-streams-$ev_large.out" 'UpstreamSession::readBody(') - $(cg_calls "$WORK/cg-streams-$ev_small.out" 'UpstreamSession::readBody(')) * 100 / ne ))
	writes=$(( ($(cg_calls "$WORK/cg-streams-$ev_large.out" 'ResponseRelay::write(') - $(cg_calls "$WORK/cg-streams-$ev_small.out" 'ResponseRelay::write(')) * 100 / ne ))
	awk -v on="$(( (p_large - p_small) / n ))" -v off="$(( (off_large - off_small) / n ))" -v r="$reads" -v w="$writes" 'BEGIN {
		printf "  (per event: %.2f client writes and %.2f upstream reads, counting the one that finds nothing more: writes below\n", w / 100, r / 100
		printf "   1 mean events came together, and lower figures than one by one. The upstream sends no usage, so\n"
		printf "   StreamUsageFilter holds and looks at every event but edits none. What runs once a stream is 0 per event.)\n"
		printf "  Cross-check, the same runs with -Daiload.accessLog.enabled=false: %d instructions per request, %+d (%+.2f%%)\n", off, off - on, 100 * (off - on) / on
	}'
	local w_small w_large ws_small ws_large
	w_small=$(cg_total "$WORK/cg-plain-without-$small.out"); w_large=$(cg_total "$WORK/cg-plain-without-$large.out")
	ws_small=$(cg_total "$WORK/cg-streams-without-$ev_small.out"); ws_large=$(cg_total "$WORK/cg-streams-without-$ev_large.out")
	awk -v on="$(( (p_large - p_small) / n ))" -v off="$(( (w_large - w_small) / n ))" -v son="$(( (s_large - s_small) / ne ))" -v soff="$(( (ws_large - ws_small) / ne ))" 'BEGIN {
		printf "  Built without observability (B below): %d instructions per request and %d per event; observability adds\n", off, soff
		printf "  %d per request (%.2f%% of the shipped build'"'"'s) and %d per event (%.2f%%), all of it, inline code included.\n", on - off, 100 * (on - off) / on, son - soff, (son > 0 ? 100 * (son - soff) / son : 0)
	}'
	echo "  Not counted (inline in other functions): the request record's fields, X-Request-Id set on the response and"
	echo "  upstream request, the include_usage edit in ModelRewriter::splice, the JSON content-type test in ResponseRelay."
	echo

	# --- timing: as shipped (A) against the same source built without observability (B), in
	# turn, nine rounds of wrk and five of streams (this machine's rounds differ by up to 30 %:
	# more rounds, and each A against the B beside it, hold better than the medians of three). B is what AILoad would be without this feature: the "before".
	local round rps_a=() rps_b=() p50_a=() p50_b=() p99_a=() p99_b=() cpu_a=() cpu_b=() paired=()
	start_aiload "$WORK/aiload.json" "$WORK/aiload-a.log" "${log_on[@]}"; local pid_a=$AILOAD_PID
	AILOAD_EXE="$WORK/without/bin/aiload" start_aiload "$WORK/aiload-b.json" "$WORK/aiload-b.log" "${log_on[@]}"; local pid_b=$AILOAD_PID
	wait_port "$AILOAD"; wait_port "$aiload_b"
	echo "Timing: A = AILoad as shipped, B = the same source built without observability (-DAILOAD_OBSERVABILITY=OFF: no request"
	echo "counters, access log, usage reading or limit headers), both on CPU $SERVER_CPU, in turn A B, nine rounds ($AILOAD_BIN must be a build"
	echo "of this checkout for B to be its 'before'). wrk, plain completions over 64 connections for $DURATION s after $WARMUP s"
	echo "of warm-up (wrk and the mock on CPU $LOAD_CPU):"
	printf '  %-6s %10s %9s %9s %11s %7s %7s\n' run 'req/s' 'p50 us' 'p99 us' 'CPU us/req' others errors
	local which cpu_us
	for round in $(seq 1 9); do
		for which in A B; do
			if [ $which = A ]; then wrk_run "$AILOAD" "$pid_a" 64; else wrk_run "$aiload_b" "$pid_b" 64; fi
			cpu_us=$(awk -v c="$W_CPU" -v r="$W_RPS" 'BEGIN { printf "%.1f", (r > 0 ? c * 10000 / r : 0) }')
			printf '  %-6s %10.0f %9s %9s %11s %6s%% %7s\n' "$which $round" "$W_RPS" "$W_P50" "$W_P99" "$cpu_us" "$W_OTHER" "$W_ERR"
			if [ $which = A ]; then rps_a+=("$W_RPS"); p50_a+=("$W_P50"); p99_a+=("$W_P99"); cpu_a+=("$cpu_us")
			else rps_b+=("$W_RPS"); p50_b+=("$W_P50"); p99_b+=("$W_P99"); cpu_b+=("$cpu_us"); fi
		done
		paired+=("$(awk -v a="${rps_a[-1]}" -v b="${rps_b[-1]}" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }')")
	done
	stop_pid "$pid_a"; stop_pid "$pid_b"
	awk -v ra="$(median "${rps_a[@]}")" -v rb="$(median "${rps_b[@]}")" -v pa="$(median "${p99_a[@]}")" -v pb="$(median "${p99_b[@]}")" \
		-v ma="$(median "${p50_a[@]}")" -v mb="$(median "${p50_b[@]}")" \
		-v ca="$(median "${cpu_a[@]}")" -v cb="$(median "${cpu_b[@]}")" 'BEGIN {
		printf "  %-6s %10s %9s %9s %11s\n", "median", "req/s", "p50 us", "p99 us", "CPU us/req"
		printf "  %-6s %10.0f %9d %9d %11.1f\n", "A", ra, ma, pa, ca
		printf "  %-6s %10.0f %9d %9d %11.1f\n", "B", rb, mb, pb, cb
		printf "  %-6s %9.3fx %8.3fx %8.3fx %10.3fx\n", "A / B", (rb > 0 ? ra / rb : 0), (mb > 0 ? ma / mb : 0), (pb > 0 ? pa / pb : 0), (cb > 0 ? ca / cb : 0)
	}'
	# Each round's A against the B right after it cancels what drifts over the whole run.
	echo "  req/s A / B of each round: ${paired[*]}; median $(median "${paired[@]}")x"
	echo "  (CPU us/req: AILoad's CPU time over the run per request; others: the rest of CPU $SERVER_CPU's busy time, high means disturbed)"
	echo

	local ramp_s=$(( (STREAMS + 999) / 1000 ))
	STREAM_DEADLINE=$(( STREAM_SECONDS + ramp_s + 60 ))
	taskset -c "$LOAD_CPU" "$WORK/sse-upstream" "$SSE1" "$INTERVAL_MS" "$EVENTS" $(( STREAM_DEADLINE * 12 )) > "$WORK/sse1.log" &
	sse1=$!; PIDS+=("$sse1")
	taskset -c "$LOAD_CPU" "$WORK/sse-upstream" "$SSE2" "$INTERVAL_MS" "$EVENTS" $(( STREAM_DEADLINE * 12 )) > "$WORK/sse2.log" &
	sse2=$!; PIDS+=("$sse2")
	start_aiload "$WORK/aiload-streams.json" "$WORK/aiload-streams-a.log" "${log_on[@]}"; pid_a=$AILOAD_PID
	AILOAD_EXE="$WORK/without/bin/aiload" start_aiload "$WORK/aiload-streams-b.json" "$WORK/aiload-streams-b.log" "${log_on[@]}"; pid_b=$AILOAD_PID
	wait_port "$SSE1"; wait_port "$SSE2"; wait_port "$AILOAD_S"; wait_port "$aiload_s_b"
	echo "$STREAMS concurrent SSE streams, $EVENTS events each, one every $INTERVAL_MS ms; straight to the upstreams (D), then A, then B,"
	echo "five rounds (sse-client and sse-upstream on CPU $LOAD_CPU):"
	local lines=() d a b
	for round in 1 2 3 4 5; do
		sse_pass "D $round" "$SSE1,$SSE2" ""; d=$PASS_LINE
		sse_pass "A $round" "$AILOAD_S" "$pid_a"; a=$PASS_LINE
		sse_pass "B $round" "$aiload_s_b" "$pid_b"; b=$PASS_LINE
		lines+=("$d|$a|$b")
	done
	stop_pid "$pid_a"; stop_pid "$pid_b"; stop_pid "$sse1"; stop_pid "$sse2"
	echo
	printf '%s\n' "${lines[@]}" | awk -F'|' -v hz="$TICKS" '
		function get(s, k) { return match(s, "(^| )" k "=[-0-9]+") ? substr(s, RSTART + length(k) + 1 + (RSTART > 1), RLENGTH - length(k) - 1 - (RSTART > 1)) + 0 : -1 }
		function med(arr, m,  i, j, t, c) { for (i = 1; i <= m; i++) c[i] = arr[i]; for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (c[j] < c[i]) { t = c[i]; c[i] = c[j]; c[j] = t } return m % 2 ? c[(m + 1) / 2] : (c[m / 2] + c[m / 2 + 1]) / 2 }
		function cpu(s) { return get(s, "events") > 0 ? get(s, "ticks") / hz * 1e6 / get(s, "events") : -1 }
		BEGIN { printf "  %-6s %7s %9s %12s %12s %12s %12s %12s %7s\n", "run", "errors", "events", "p50 us", "p99 us", "added p50", "added p99", "CPU us/ev", "others" }
		{
			for (w = 2; w <= 3; w++) {
				s = $w; r = NR
				a50 = (get(s, "p50_ns") - get($1, "p50_ns")) / 1000; a99 = (get(s, "p99_ns") - get($1, "p99_ns")) / 1000
				if (w == 2) { A50[r] = a50; A99[r] = a99; AC[r] = cpu(s) } else { B50[r] = a50; B99[r] = a99; BC[r] = cpu(s) }
				if (w == 2) printf "  %-6s %7d %9d %12.1f %12.1f\n", "D " r, get($1, "errors"), get($1, "events"), get($1, "p50_ns") / 1000, get($1, "p99_ns") / 1000
				printf "  %-6s %7d %9d %12.1f %12.1f %+12.1f %+12.1f %12.2f %6d%%\n", (w == 2 ? "A " : "B ") r, get(s, "errors"), get(s, "events"),
					get(s, "p50_ns") / 1000, get(s, "p99_ns") / 1000, a50, a99, cpu(s), get(s, "other")
			}
		}
		END {
			printf "  median added per event, A: p50 %+.1f us, p99 %+.1f us, CPU %.2f us per event\n", med(A50, NR), med(A99, NR), med(AC, NR)
			printf "  median added per event, B: p50 %+.1f us, p99 %+.1f us, CPU %.2f us per event\n", med(B50, NR), med(B99, NR), med(BC, NR)
			printf "  A - B: p50 %+.1f us, p99 %+.1f us; A / B: CPU per event %.3fx", med(A50, NR) - med(B50, NR), med(A99, NR) - med(B99, NR), (med(BC, NR) > 0 ? med(AC, NR) / med(BC, NR) : 0)
			if (med(A99, NR) > 0 && med(B99, NR) > 0) printf ", added p99 %.3fx", med(A99, NR) / med(B99, NR)
			printf "\n"
		}'
	echo "  (added: the percentile through AILoad minus the same percentile of that round's direct pass; CPU us/ev: AILoad's"
	echo "   CPU time over the pass per event received; others: the rest of CPU $SERVER_CPU's busy time, high means disturbed)"
	kill "$upstream_pid" 2>/dev/null || true; wait "$upstream_pid" 2>/dev/null || true
	rm -f "$WORK"/access.log*  # tens of MB, and the work folder is kept
	echo
}

case $MODE in
all) throughput; streams ;;
throughput) throughput ;;
streams) streams ;;
idle) idle ;;
profile) profile ;;
observe) observe ;;
esac

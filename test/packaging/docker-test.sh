#!/usr/bin/env bash
# The Docker image, as the README uses it: built from the Dockerfile (scripts/oci.sh: docker,
# else podman), then
#   image     runs as aiload, has a HEALTHCHECK, EXPOSEs 2081, keeps its config in the volume
#             /opt/aiload/data; holds no compiler or headers; the size of the layers the
#             Dockerfile adds is printed and kept under a budget
#   run       with a named volume and a published port, as `docker compose up` does: it seeds
#             its config with a generated token (0600, aiload), answers /health, and the
#             HEALTHCHECK passes (and fails where nothing listens)
#   use       the README's way to put a config in place (`exec -T ... cat > data/config.json`):
#             reloaded, a chat completion and a stream are answered by a mock upstream running
#             in the container (this build's aiload-mock, copied in); `kill -s HUP` reloads
#   stop      SIGTERM: exit code 0; a new container on the same volume keeps the config
#
#   docker-test.sh BUILD_DIR SOURCE_DIR AILOAD_MOCK
#
# Skipped (77) without a working docker or podman, unless AILOAD_REQUIRE_SLOW_TESTS is set
# (CI), when that fails. About 4 minutes, most of it compiling AILoad in the image.
set -euo pipefail

build=$(cd "${1:?usage: docker-test.sh BUILD_DIR SOURCE_DIR AILOAD_MOCK}" && pwd)
source_dir=$(cd "$2" && pwd)
mock_binary=$3
oci=$source_dir/scripts/oci.sh
# The layers the Dockerfile adds to debian:12-slim: the libraries and CA store (about 20 MB),
# the gateway and its plugins (about 2 MB). Well above it means something came along.
layer_budget=$((40 * 1000 * 1000))

if ! engine=$("$oci" engine 2>/dev/null); then
  [ -z "${AILOAD_REQUIRE_SLOW_TESTS:-}" ] || { echo "docker-test: FAILED: no working docker and no podman" >&2; exit 1; }
  echo "docker-test: skipped: no working docker and no podman"; exit 77
fi
work=$build/docker-test
mkdir -p "$work"
# One image per build folder, so that two build folders can run this at once.
tag=localhost/aiload-test:$(printf '%s' "$build" | cksum | cut -d' ' -f1)
name=aiload-test-$$
volume=aiload-test-data-$$
started=$SECONDS
# A command that fails outside a check still says where.
trap 'echo "docker-test: FAILED: line $LINENO: $BASH_COMMAND" >&2' ERR

step() { printf '\n=== docker-test [%3ds] %s\n' $((SECONDS - started)) "$*"; }
fail() { echo "docker-test: FAILED: $*" >&2; "$oci" logs "$name" 2>&1 | tail -20 >&2 || true; exit 1; }
check() { local what=$1; shift; "$@" || fail "$what"; }
not() { ! "$@"; }

cleanup() {
  set +e
  "$oci" rm -f "$name" "$name-2" >/dev/null 2>&1
  "$oci" volume rm -f "$volume" >/dev/null 2>&1
}
trap cleanup EXIT

step "build the image with $engine"
previous=$("$oci" image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
(cd "$source_dir" && "$oci" build "$tag") >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; fail "the image build"; }
current=$("$oci" image inspect --format '{{.Id}}' "$tag")
# The previous build of this test is of no more use (the build cache keeps its layers).
[ -z "$previous" ] || [ "$previous" = "$current" ] || "$oci" rmi "$previous" >/dev/null 2>&1 || true

step "what the image is"
inspect() { "$oci" image inspect --format "$1" "$tag"; }
healthcheck='{{json .Config.Healthcheck.Test}}'
[ "$engine" = docker ] || healthcheck='{{json .HealthCheck.Test}}'  # podman's image inspect
check "runs as aiload" test "$(inspect '{{.Config.User}}')" = aiload
check "HEALTHCHECK runs aiload-healthcheck" test "$(inspect "$healthcheck")" = '["CMD","/opt/aiload/bin/aiload-healthcheck"]'
check "EXPOSE 2081" grep -q '2081/tcp' <<<"$(inspect '{{json .Config.ExposedPorts}}')"
check "VOLUME /opt/aiload/data" grep -q '/opt/aiload/data' <<<"$(inspect '{{json .Config.Volumes}}')"
"$oci" layers "$tag" > "$work/layers"
added=$(tail -1 "$work/layers")
echo "layers the Dockerfile adds to $(awk 'toupper($1) == "FROM" { b = $2 } END { print b }' "$source_dir/Dockerfile"):"
sed '$d' "$work/layers"
awk -v b="$added" 'BEGIN { printf "in all: %d bytes (%.1f MB)\n", b, b / 1000000 }'
check "those layers stay under $((layer_budget / 1000000)) MB" test "$added" -lt "$layer_budget"
check "no compiler, build tool or headers in it" \
  "$oci" run --rm --entrypoint bash "$tag" -c \
  '! command -v g++ && ! command -v cc && ! command -v cmake && ! command -v make \
   && [ ! -e /opt/aiload/include ] && [ ! -e /opt/aiload/lib/cmake ] && [ ! -e /usr/include/Poco ]'
alone() { "$oci" run --rm --entrypoint /opt/aiload/bin/aiload-healthcheck "$tag" 2>/dev/null; }
check "the health check fails where nothing listens" not alone

step "run it with a volume and a published port"
"$oci" volume create "$volume" >/dev/null
"$oci" run -d --name "$name" -p 127.0.0.1::2081 -v "$volume:/opt/aiload/data" "$tag" >/dev/null
host_port=$("$oci" port "$name" 2081/tcp | head -1 | sed 's/.*://')
[ -n "$host_port" ] || fail "no published port"
base=http://127.0.0.1:$host_port
for _ in $(seq 1 100); do curl -sf --max-time 2 "$base/health" >/dev/null && break; sleep 0.2; done
check "/health through the published port" test "$(curl -sS --max-time 5 "$base/health")" = '{"status":"ok"}'
check "the HEALTHCHECK passes" "$oci" exec "$name" /opt/aiload/bin/aiload-healthcheck
check "it seeded its config and generated a token" grep -q 'Generated a client token' <<<"$("$oci" logs "$name" 2>&1)"
check "data/config.json is 0600 and the aiload user's" test "$("$oci" exec "$name" stat -c '%a %U' data/config.json)" = "600 aiload"
token=$("$oci" exec "$name" sed -n 's/.*"auth_token": *"\(sk-[A-Za-z0-9]*\)".*/\1/p' data/config.json)
check "the generated token (${#token} characters)" test "${#token}" -ge 43
check "it is not in the log" not grep -qF "$token" <<<"$("$oci" logs "$name" 2>&1)"
check "the token is required" test "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/v1/models")" = 401
check "and accepted" test "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/v1/models" -H "Authorization: Bearer $token")" = 200

step "the README's way to put a config in place, in front of a mock upstream in the container"
"$oci" cp "$mock_binary" "$name:/tmp/aiload-mock"
"$oci" exec -d "$name" /tmp/aiload-mock --port=9101 --name=docker-mock --events=4 >/dev/null
new_token=sk-dockertest$(head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 36)
cat > "$work/config.json" <<JSON
{
  "auth_token": "$new_token",
  "models": [ { "name": "docker-mock", "model": "mock-model", "base_url": "http://127.0.0.1:9101/v1" } ],
  "server": { "port": 2081 }
}
JSON
"$oci" exec -i "$name" sh -c 'cat > data/config.json' < "$work/config.json"
chat() { # chat TOKEN [STREAM]: the body; the headers in $work/headers
  curl -sS --max-time 10 -D "$work/headers" "$base/v1/chat/completions" \
    -H "Authorization: Bearer $1" -H "Content-Type: application/json" \
    -d "{\"model\": \"auto\", \"stream\": ${2:-false}, \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}"
}
# AILoad sees the file change within a second or two.
for _ in $(seq 1 50); do chat "$new_token" 2>/dev/null | grep -q 'Hello from docker-mock' && break; sleep 0.2; done
answer=$(chat "$new_token")
echo "answer: $answer"
check "a chat completion from the mock upstream" grep -q '"content":"Hello from docker-mock"' <<<"$answer"
check "with X-AILoad-Upstream: docker-mock" grep -qi '^X-AILoad-Upstream: docker-mock' "$work/headers"
check "reloaded because the file changed" grep -q 'Reloaded /opt/aiload/data/config.json (it changed on disk)' <<<"$("$oci" logs "$name" 2>&1)"
stream=$(chat "$new_token" true)
check "a stream: its four tokens and [DONE]" test "$(grep -c '"content":"tok' <<<"$stream") $(grep -c '^data: \[DONE\]' <<<"$stream")" = "4 1"
check "the old token is refused now" test "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/v1/models" -H "Authorization: Bearer $token")" = 401
"$oci" kill -s HUP "$name" >/dev/null
for _ in $(seq 1 50); do "$oci" logs "$name" 2>&1 | grep -q 'Reloaded /opt/aiload/data/config.json (SIGHUP)' && break; sleep 0.1; done
check "kill -s HUP reloads" grep -q 'Reloaded /opt/aiload/data/config.json (SIGHUP)' <<<"$("$oci" logs "$name" 2>&1)"

step "stop it; a new container on the same volume keeps the config"
"$oci" stop -t 20 "$name" >/dev/null
check "exit code 0 after SIGTERM" test "$("$oci" inspect --format '{{.State.ExitCode}}' "$name")" = 0
check "it drained and stopped" grep -q 'Stopped.' <<<"$("$oci" logs "$name" 2>&1)"
"$oci" run -d --name "$name-2" -p 127.0.0.1::2081 -v "$volume:/opt/aiload/data" "$tag" >/dev/null
base=http://127.0.0.1:$("$oci" port "$name-2" 2081/tcp | head -1 | sed 's/.*://')
for _ in $(seq 1 100); do curl -sf --max-time 2 "$base/health" >/dev/null && break; sleep 0.2; done
check "the config in the volume is the one put there" \
  grep -q '"id":"docker-mock"' <<<"$(curl -sS --max-time 5 "$base/v1/models" -H "Authorization: Bearer $new_token")"

step "passed"

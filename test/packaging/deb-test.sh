#!/usr/bin/env bash
# The Debian package, as a Debian 12 user meets it: `cpack -G DEB` from the build, installed
# into a clean Debian 12 root (debootstrap, with systemd) booted with systemd-nspawn, so that
# aiload.service runs under the real systemd with all of its sandboxing. Then:
#   install    the aiload user, owners and modes, the conffile, `systemd-analyze verify`, the
#              shipped config passes --check-config, `systemctl enable --now aiload` serves a
#              chat completion from a mock upstream (aiload-mock on this host) with the token
#              the gateway generated, `systemctl reload aiload` is a SIGHUP reload
#   upgrade    to a second version (cpack -R) with the service running: restarted on the new
#              package, the user's config.json and aiload.properties untouched, no prompt;
#              then to a third whose aiload.properties changed (the conffile prompt, answered
#              by --force-confold as unattended upgrades do)
#   plugin-dev back to the second version; aiload-plugin-dev installs (its dependencies
#              resolve), and a plugin built against it (Plugins/latency) is loaded by the service
#   remove     stops the service, keeps config, data and logs; purge deletes them
#
#   deb-test.sh BUILD_DIR SOURCE_DIR AILOAD_MOCK CPACK
#
# Needs root, debootstrap, systemd-nspawn (systemd-container) and dpkg-shlibdeps (dpkg-dev);
# skipped (77) without them, unless AILOAD_REQUIRE_SLOW_TESTS is set (CI), when that fails.
# The Debian root is cached in BUILD_DIR/packaging-test (made once, two minutes), and so are
# the packages apt downloads into it; each run starts from a fresh copy. About 2 minutes.
set -euo pipefail

build=$(cd "${1:?usage: deb-test.sh BUILD_DIR SOURCE_DIR AILOAD_MOCK CPACK}" && pwd)
source_dir=$(cd "$2" && pwd)
mock_binary=$3
cpack=$4

work=$build/packaging-test
root=$work/root
cache=$work/debian12-systemd.tar

skip() {
  [ -z "${AILOAD_REQUIRE_SLOW_TESTS:-}" ] || { echo "deb-test: FAILED: $*" >&2; exit 1; }
  echo "deb-test: skipped: $*"; exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (dpkg and systemd-nspawn in a Debian root)"
command -v systemd-nspawn >/dev/null || skip "needs systemd-nspawn (apt-get install systemd-container)"
[ -f "$cache" ] || command -v debootstrap >/dev/null || skip "needs debootstrap"
command -v dpkg-shlibdeps >/dev/null || skip "needs dpkg-shlibdeps (apt-get install dpkg-dev)"
mkdir -p "$work/apt-archives/partial" "$work/debs"
started=$SECONDS
# A command that fails outside a check still says where.
trap 'echo "deb-test: FAILED: line $LINENO: $BASH_COMMAND" >&2' ERR

step() { printf '\n=== deb-test [%3ds] %s\n' $((SECONDS - started)) "$*"; }
fail() { echo "deb-test: FAILED: $*" >&2; exit 1; }
check() { # check "what" COMMAND...: runs COMMAND, fails the test with "what" when it fails
  local what=$1; shift
  "$@" || fail "$what"
}
not() { ! "$@"; }

nspawn_pid=""
mock_pid=""
cleanup() {
  set +e
  [ -z "$mock_pid" ] || kill "$mock_pid" 2>/dev/null
  if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
    kill -TERM "$nspawn_pid"  # nspawn halts the container's systemd
    for _ in $(seq 1 100); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nspawn_pid" 2>/dev/null
    wait "$nspawn_pid" 2>/dev/null
  fi
  # Never delete across a mount point that is still there (the apt cache is bound into it).
  awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT

# --- the packages -----------------------------------------------------------------------
step "cpack -G DEB: the packages of this build, and a second version of them"
rm -rf "$work/debs" && mkdir -p "$work/debs/v1" "$work/debs/v2" "$work/debs/v3"
(cd "$build" && "$cpack" -G DEB -B "$work/debs/v1" >"$work/cpack.log" 2>&1) \
  || { cat "$work/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$work"/debs/v1/aiload_*.deb)
dev_deb=$(ls "$work"/debs/v1/aiload-plugin-dev_*.deb)
version=$(dpkg-deb -f "$deb" Version)
upstream_version=${version%-*}
(cd "$build" && "$cpack" -G DEB -R "$upstream_version+upgrade" -B "$work/debs/v2" >"$work/cpack2.log" 2>&1) \
  || { cat "$work/cpack2.log"; fail "cpack -G DEB -R"; }
deb2=$(ls "$work"/debs/v2/aiload_*.deb)
dev_deb2=$(ls "$work"/debs/v2/aiload-plugin-dev_*.deb)
version2=$(dpkg-deb -f "$deb2" Version)
echo "$deb ($version), $deb2 ($version2)"
check "the packages are aiload and aiload-plugin-dev" \
  test "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$dev_deb" Package)" = "aiload aiload-plugin-dev"
check "$version2 sorts after $version" dpkg --compare-versions "$version2" gt "$version"
# The third version changes the conffile, as a release that adds a property would.
dpkg-deb -R "$deb2" "$work/debs/v3/tree"
version3=$upstream_version+upgrade2-1
sed -i "s/^Version: .*/Version: $version3/" "$work/debs/v3/tree/DEBIAN/control"
printf '\n# Added by version %s.\n' "$version3" >> "$work/debs/v3/tree/etc/aiload/aiload.properties"
dpkg-deb -b --root-owner-group "$work/debs/v3/tree" "$work/debs/v3/aiload_${version3}_amd64.deb" >/dev/null
deb3=$work/debs/v3/aiload_${version3}_amd64.deb
rm -rf "$work/debs/v3/tree"

# --- a clean Debian 12 with systemd, booted -------------------------------------------------
if [ ! -f "$cache" ]; then
  step "making the Debian 12 root (debootstrap, once per build folder)"
  "$source_dir/scripts/debian-rootfs.sh" "$cache" systemd systemd-sysv
fi
step "booting a fresh copy of it with systemd-nspawn"
awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
rm -rf --one-file-system "$root"
mkdir -p "$root"
tar -xf "$cache" -C "$root"
mkdir -p "$root/root/debs"
cp "$deb" "$deb2" "$deb3" "$dev_deb" "$dev_deb2" "$root/root/debs/"
# The host's network (the mock upstream and the mirror are on it); /tmp is the container's own.
systemd-nspawn -q -D "$root" -M aiload-deb-test --register=no --keep-unit -b --console=passive \
  --resolv-conf=copy-host --bind="$work/apt-archives:/var/cache/apt/archives" \
  >"$work/nspawn.log" 2>&1 &
nspawn_pid=$!
leader=""
for _ in $(seq 1 300); do
  kill -0 "$nspawn_pid" 2>/dev/null || { cat "$work/nspawn.log"; fail "systemd-nspawn exited"; }
  leader=$(pgrep -P "$nspawn_pid" | head -1 || true)
  if [ -n "$leader" ]; then
    state=$(nsenter -t "$leader" -a systemctl is-system-running 2>/dev/null || true)
    case "$state" in running|degraded) break ;; esac
  fi
  sleep 0.2
done
[ "${state:-}" = running ] || [ "${state:-}" = degraded ] || fail "the container's systemd did not come up (${state:-no state})"
echo "systemd in the container: $state"

in_root() { nsenter -t "$leader" -a /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
  DEBIAN_FRONTEND=noninteractive "$@"; }
apt_install() { # apt-get install in the container; the cached package lists may be out of date
  in_root apt-get install -y -q -o APT::Sandbox::User=root "$@" >"$work/apt.log" 2>&1 && return 0
  in_root apt-get update -q -o APT::Sandbox::User=root >>"$work/apt.log" 2>&1
  in_root apt-get install -y -q -o APT::Sandbox::User=root "$@" >>"$work/apt.log" 2>&1 \
    || { cat "$work/apt.log"; return 1; }
}
mode() { in_root stat -c '%a %U:%G' "$1"; }
expect_mode() { # expect_mode PATH "MODE OWNER:GROUP"
  local got; got=$(mode "$1")
  [ "$got" = "$2" ] || fail "$1 is $got, expected $2"
}
unit_value() { in_root systemctl show aiload -P "$1"; }

# --- install -------------------------------------------------------------------------------
step "apt-get install ./aiload_$version.deb"
check "apt-get install of the package" apt_install "/root/debs/$(basename "$deb")"
check "dpkg says aiload is installed" test "$(in_root dpkg-query -W -f='${Status} ${Version}' aiload)" = "install ok installed $version"

IFS=: read -r _ _ uid _ _ home shell < <(in_root getent passwd aiload) || fail "no aiload user"
check "aiload is a system user ($uid)" test "$uid" -lt 1000
check "aiload's home is /var/lib/aiload ($home)" test "$home" = /var/lib/aiload
check "aiload cannot log in ($shell)" test "$shell" = /usr/sbin/nologin
expect_mode /etc/aiload "1770 root:aiload"
expect_mode /etc/aiload/aiload.properties "644 root:root"
expect_mode /etc/aiload/config.json "600 aiload:aiload"
expect_mode /var/lib/aiload "750 aiload:aiload"
expect_mode /var/log/aiload "750 aiload:aiload"
check "/etc/aiload/config.json is the example" in_root cmp -s /etc/aiload/config.json /usr/share/aiload/config.json
in_root dpkg-query -W -f='${Conffiles}\n' aiload > "$work/conffiles"
check "aiload.properties is a conffile" grep -q '^ /etc/aiload/aiload.properties ' "$work/conffiles"
check "config.json is not a conffile (the gateway writes it)" not grep -q config.json "$work/conffiles"
check "the plugins are where the properties say" in_root test -f /usr/lib/aiload/plugins/round-robin.so
check "aiload.properties points at them" in_root grep -qx 'aiload.plugins.path = /usr/lib/aiload/plugins' /etc/aiload/aiload.properties
in_root aiload --version | grep -qx "aiload $upstream_version" || fail "aiload --version"
as_aiload() { in_root setpriv --reuid=aiload --regid=aiload --init-groups "$@"; }
check "the shipped config passes --check-config as the aiload user" \
  test "$(as_aiload aiload --properties=/etc/aiload/aiload.properties --check-config)" = "config OK"

step "the unit: systemd-analyze verify, and what it promises"
in_root systemd-analyze verify aiload.service >"$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "systemd-analyze verify aiload.service"; }
[ ! -s "$work/verify.log" ] || { cat "$work/verify.log"; fail "systemd-analyze verify aiload.service warns"; }
check "User=aiload" test "$(unit_value User)" = aiload
check "Restart=on-failure" test "$(unit_value Restart)" = on-failure
check "ExecReload sends SIGHUP" grep -qF 'argv[]=/bin/kill -HUP $MAINPID ;' <<<"$(unit_value ExecReload)"
check "LimitNOFILE raised" test "$(unit_value LimitNOFILE)" -ge 65536
for setting in ProtectSystem=strict ProtectHome=yes NoNewPrivileges=yes PrivateTmp=yes PrivateDevices=yes; do
  check "$setting" test "$(unit_value "${setting%%=*}")" = "${setting#*=}"
done
check "not enabled by the install (the config has no upstream yet)" test "$(in_root systemctl is-enabled aiload || true)" = disabled

# --- run it as the service -----------------------------------------------------------------
step "systemctl enable --now aiload, in front of a mock upstream"
"$mock_binary" --port=0 --name=deb-mock >"$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$work/mock.log" && break; sleep 0.1; done
mock_port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/mock.log")
[ -n "$mock_port" ] || { cat "$work/mock.log"; fail "aiload-mock did not start"; }
# As a user edits it: the file keeps its owner and mode. Port 0: any free one (the host's
# network is shared); the log says which. No token: the gateway generates it.
cat > "$work/config.json" <<JSON
{
  "auth_token": "",
  "models": [ { "name": "deb-mock", "model": "mock-model", "base_url": "http://127.0.0.1:$mock_port/v1" } ],
  "server": { "host": "127.0.0.1", "port": 0 }
}
JSON
in_root sh -c 'cat > /etc/aiload/config.json' < "$work/config.json"
in_root systemctl enable --now aiload >/dev/null 2>&1 || { in_root journalctl -u aiload --no-pager | tail -20; fail "systemctl enable --now aiload"; }

log_count() { # log_count PATTERN: lines of the service's log that have it
  local count
  count=$(in_root grep -c "$1" /var/log/aiload/aiload.log 2>/dev/null || true)
  echo "${count:-0}"
}
listening_port() { # the port of the newest "listening on" line of the log, after $1 of them
  local count=$1
  for _ in $(seq 1 150); do
    if [ "$(log_count 'listening on')" -gt "$count" ]; then
      in_root sed -n 's/.*listening on 127.0.0.1:\([0-9]*\) .*/\1/p' /var/log/aiload/aiload.log | tail -1
      return 0
    fi
    sleep 0.1
  done
  in_root journalctl -u aiload --no-pager | tail -20 >&2
  return 1
}
port=$(listening_port 0) || fail "aiload did not start as a service"
check "the service is active" test "$(in_root systemctl is-active aiload)" = active
main_pid=$(unit_value MainPID)
check "it runs as aiload" test "$(in_root ps -o user= -p "$main_pid")" = aiload
expect_mode /var/log/aiload/aiload.log "600 aiload:aiload"
check "it logged that it generated a token" in_root grep -q 'Generated a client token and wrote it to /etc/aiload/config.json' /var/log/aiload/aiload.log
token=$(in_root sed -n 's/.*"auth_token": *"\(sk-[A-Za-z0-9]*\)".*/\1/p' /etc/aiload/config.json)
check "the token is in the config (${#token} characters)" test "${#token}" -ge 43
check "the token is not in the log" not in_root grep -qF "$token" /var/log/aiload/aiload.log
expect_mode /etc/aiload/config.json "600 aiload:aiload"
expect_mode /etc/aiload "1770 root:aiload"

chat() { # chat PORT TOKEN: the body of a chat completion; the headers in $work/headers
  curl -sS --max-time 10 -D "$work/headers" "http://127.0.0.1:$1/v1/chat/completions" \
    -H "Authorization: Bearer $2" -H "Content-Type: application/json" \
    -d '{"model": "auto", "messages": [{"role": "user", "content": "Hi"}]}'
}
check "/health" test "$(curl -sS --max-time 5 "http://127.0.0.1:$port/health")" = '{"status":"ok"}'
answer=$(chat "$port" "$token")
echo "answer: $answer"
check "the mock upstream answered through the service" grep -q '"content":"Hello from deb-mock"' <<<"$answer"
check "with X-AILoad-Upstream: deb-mock" grep -qi '^X-AILoad-Upstream: deb-mock' "$work/headers"
if in_root grep -q '^aiload.accessLog.path = ' /etc/aiload/aiload.properties; then
  # The access log goes where the package's properties say, beside the log; its writer empties
  # its queue every 100 ms (docs/observability.md), so the line comes a little after the answer.
  for _ in $(seq 1 50); do in_root grep -q '"upstream":"deb-mock"' /var/log/aiload/access.log 2>/dev/null && break; sleep 0.1; done
  expect_mode /var/log/aiload/access.log "600 aiload:aiload"
  check "the access log has the request" in_root grep -q '"upstream":"deb-mock"' /var/log/aiload/access.log
fi
check "a wrong token gets 401" test "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/v1/models" -H 'Authorization: Bearer sk-wrong')" = 401

step "systemctl reload aiload: a new token takes effect"
new_token=sk-debtest$(head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 38)
sed "s/\"auth_token\": \"\"/\"auth_token\": \"$new_token\"/" "$work/config.json" | in_root sh -c 'cat > /etc/aiload/config.json'
check "systemctl reload aiload" in_root systemctl reload aiload
for _ in $(seq 1 50); do in_root grep -q 'Reloaded /etc/aiload/config.json (SIGHUP)' /var/log/aiload/aiload.log && break; sleep 0.1; done
check "the reload was the unit's SIGHUP" in_root grep -q 'Reloaded /etc/aiload/config.json (SIGHUP)' /var/log/aiload/aiload.log
for _ in $(seq 1 50); do chat "$port" "$new_token" 2>/dev/null | grep -q 'Hello from deb-mock' && break; sleep 0.1; done
check "the new token works" grep -q 'Hello from deb-mock' <<<"$(chat "$port" "$new_token")"
check "the same process" test "$(unit_value MainPID)" = "$main_pid"

# --- upgrade -------------------------------------------------------------------------------
step "upgrade to $version2 while it runs; the user's files stay as they are"
in_root sed -i 's/^aiload.shutdown.drainSeconds = 10$/aiload.shutdown.drainSeconds = 5/' /etc/aiload/aiload.properties
check "the user's edit of aiload.properties" in_root grep -qx 'aiload.shutdown.drainSeconds = 5' /etc/aiload/aiload.properties
config_sum=$(in_root sha256sum /etc/aiload/config.json)
log_lines=$(log_count 'listening on')
# Standard input closed: a conffile prompt would fail the upgrade instead of waiting.
in_root dpkg -i "/root/debs/$(basename "$deb2")" </dev/null >"$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log"; fail "dpkg -i $version2"; }
check "dpkg says $version2" test "$(in_root dpkg-query -W -f='${Version}' aiload)" = "$version2"
check "config.json unchanged" test "$(in_root sha256sum /etc/aiload/config.json)" = "$config_sum"
expect_mode /etc/aiload/config.json "600 aiload:aiload"
expect_mode /etc/aiload "1770 root:aiload"
check "aiload.properties keeps the user's edit" in_root grep -qx 'aiload.shutdown.drainSeconds = 5' /etc/aiload/aiload.properties
check "no .dpkg-* files for an unchanged conffile" not compgen -G "$root/etc/aiload/*.dpkg-*"
port=$(listening_port "$log_lines") || fail "the upgrade did not restart the service"
check "restarted: a new process" test "$(unit_value MainPID)" != "$main_pid"
check "active after the upgrade" test "$(in_root systemctl is-active aiload)" = active
check "the token survived the upgrade" grep -q 'Hello from deb-mock' <<<"$(chat "$port" "$new_token")"

step "upgrade to $version3, whose aiload.properties changed (dpkg --force-confold)"
log_lines=$(log_count 'listening on')
in_root dpkg -i --force-confdef --force-confold "/root/debs/$(basename "$deb3")" </dev/null >"$work/upgrade3.log" 2>&1 \
  || { cat "$work/upgrade3.log"; fail "dpkg -i $version3"; }
check "dpkg says $version3" test "$(in_root dpkg-query -W -f='${Version}' aiload)" = "$version3"
check "aiload.properties is still the user's" in_root grep -qx 'aiload.shutdown.drainSeconds = 5' /etc/aiload/aiload.properties
check "the package's new one is beside it" in_root grep -q "Added by version $version3" /etc/aiload/aiload.properties.dpkg-dist
check "config.json unchanged" test "$(in_root sha256sum /etc/aiload/config.json)" = "$config_sum"
port=$(listening_port "$log_lines") || fail "the second upgrade did not restart the service"
check "serving after the second upgrade" grep -q 'Hello from deb-mock' <<<"$(chat "$port" "$new_token")"

step "back to $version2, and aiload-plugin-dev with it; a plugin built against it loads"
log_lines=$(log_count 'listening on')
in_root dpkg -i --force-confdef --force-confold "/root/debs/$(basename "$deb2")" </dev/null >"$work/downgrade.log" 2>&1 \
  || { cat "$work/downgrade.log"; fail "dpkg -i $version2 (downgrade)"; }
check "apt-get install ./aiload-plugin-dev" apt_install "/root/debs/$(basename "$dev_deb2")"
check "the SDK header" in_root test -f /usr/include/AILoad/Strategy.h
check "the CMake package" in_root test -f /usr/lib/cmake/AILoadStrategy/AILoadStrategyConfig.cmake
# The compiler is this host's (Debian 12 too): the plugin is built against the packaged SDK,
# unpacked beside the packaged gateway, as a plugin author would on a Debian 12 machine.
sdk=$work/sdk
rm -rf "$sdk" && mkdir -p "$sdk"
dpkg-deb -x "$deb2" "$sdk" && dpkg-deb -x "$dev_deb2" "$sdk"
cmake -S "$source_dir/Plugins/latency" -B "$work/latency-build" -DCMAKE_PREFIX_PATH="$sdk/usr" >"$work/latency.log" 2>&1 \
  && cmake --build "$work/latency-build" >>"$work/latency.log" 2>&1 \
  || { cat "$work/latency.log"; fail "building Plugins/latency against the packaged SDK"; }
cp "$work/latency-build/latency.so" "$root/usr/lib/aiload/plugins/latency.so"
sed "s/\"auth_token\": \"\"/\"auth_token\": \"$new_token\"/; s/\"server\"/\"settings\": { \"strategy\": [\"latency\"] },\n  \"server\"/" \
  "$work/config.json" | in_root sh -c 'cat > /etc/aiload/config.json'
check "the latency plugin passes --check-config" \
  test "$(as_aiload aiload --properties=/etc/aiload/aiload.properties --check-config)" = "config OK"
port=$(listening_port "$log_lines") || fail "the downgrade did not restart the service"
check "systemctl reload aiload (to the latency chain)" in_root systemctl reload aiload
for _ in $(seq 1 50); do
  [ "$(log_count 'Reloaded /etc/aiload/config.json (SIGHUP)')" -ge 2 ] && break; sleep 0.1
done
check "reloaded with the latency plugin" test "$(log_count 'Reloaded /etc/aiload/config.json (SIGHUP)')" -ge 2
check "serving through the latency plugin" grep -q 'Hello from deb-mock' <<<"$(chat "$port" "$new_token")"
rm "$root/usr/lib/aiload/plugins/latency.so"  # not the package's: dpkg would leave it behind
config_sum=$(in_root sha256sum /etc/aiload/config.json)

# --- remove and purge ----------------------------------------------------------------------
step "apt-get remove aiload: stopped, the configuration, data and logs stay"
# What the gateway would keep in its state folder (nothing yet, but it is the place for it).
as_aiload sh -c 'echo state > /var/lib/aiload/state'
in_root apt-get remove -y -q aiload >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "apt-get remove aiload"; }
check "dpkg says config-files" test "$(in_root dpkg-query -W -f='${Status}' aiload)" = "deinstall ok config-files"
check "aiload-plugin-dev went with it" not grep -q 'ok installed' <<<"$(in_root dpkg-query -W -f='${Status}' aiload-plugin-dev 2>/dev/null)"
check "the service is stopped" not in_root pgrep -u aiload
check "the binary is gone" in_root test ! -e /usr/bin/aiload
check "the unit is gone" in_root test ! -e /lib/systemd/system/aiload.service
check "config.json stays as it was" test "$(in_root sha256sum /etc/aiload/config.json)" = "$config_sum"
check "aiload.properties stays" in_root test -f /etc/aiload/aiload.properties
check "the log stays" in_root test -f /var/log/aiload/aiload.log
check "/var/lib/aiload stays" in_root test -f /var/lib/aiload/state

step "apt-get purge aiload: configuration, data and logs are gone; the system user stays"
in_root apt-get purge -y -q aiload >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "apt-get purge aiload"; }
check "dpkg forgot aiload" grep -qE '^$|not-installed$' <<<"$(in_root dpkg-query -W -f='${Status}' aiload 2>/dev/null)"
for gone in /etc/aiload /var/lib/aiload /var/log/aiload /etc/systemd/system/multi-user.target.wants/aiload.service /etc/systemd/system/aiload.service; do
  check "$gone is gone" in_root test ! -e "$gone"
done
check "the aiload user stays (files elsewhere may be its)" in_root getent passwd aiload >/dev/null

step "passed"

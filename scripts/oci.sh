#!/usr/bin/env bash
# Builds and runs AILoad's Docker image with docker when it has a working engine, else with
# podman (Debian: apt-get install podman). Run it from anywhere; it builds the project's
# Dockerfile.
#
#   scripts/oci.sh engine           prints the engine it uses: docker or podman
#   scripts/oci.sh build [TAG]      builds the image (default TAG aiload:latest)
#   scripts/oci.sh run ARGS...      `docker run ARGS...`, plus what podman needs on this machine
#   scripts/oci.sh layers TAG       the layers the Dockerfile adds to its base, with their sizes
#                                   in bytes, and their total on the last line
#   scripts/oci.sh ARGS...          any other engine command (exec, logs, port, stop, rm, ...)
#
# AILOAD_OCI_ENGINE=docker|podman chooses the engine. A base image (debian:12, debian:12-slim)
# that is not there and cannot be pulled (a machine without a registry) is made locally from
# the Debian mirror apt uses (scripts/debian-rootfs.sh, needs root). Such a base is larger than
# the official debian:12-slim, so the size to compare is the one `layers` reports.
#
# Where podman cannot start a container as it is (crun refuses cgroups in hybrid mode; without
# CAP_SYS_RESOURCE its default limits of 1048576 open files and of processes are refused), it
# is given runc and this shell's own limits, found by trying a container of the base image.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "oci.sh: $*" >&2; exit 1; }

engine=${AILOAD_OCI_ENGINE:-}
if [ -z "$engine" ]; then
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then engine=docker
  elif command -v podman >/dev/null; then engine=podman
  else die "no working docker engine and no podman (apt-get install podman)"
  fi
fi

bases() { awk 'toupper($1) == "FROM" { print $2 }' Dockerfile | sort -u; }
runtime_base() { awk 'toupper($1) == "FROM" { base = $2 } END { print base }' Dockerfile; }

ensure_base() { # ensure_base IMAGE: there, pulled, or made from the Debian mirror
  local image=$1 tar
  "$engine" image inspect "$image" >/dev/null 2>&1 && return 0
  timeout 120 "$engine" pull -q "$image" >/dev/null 2>&1 && return 0
  case "$image" in debian:12|debian:12-slim|debian:bookworm|debian:bookworm-slim) ;;
    *) die "cannot pull $image, and can only make Debian 12 locally" ;;
  esac
  [ "$(id -u)" -eq 0 ] || die "cannot pull $image; making it locally needs root"
  echo "oci.sh: no registry for $image: making it from the Debian mirror (about a minute)" >&2
  tar=$(mktemp "${TMPDIR:-/tmp}/aiload-base.XXXXXX.tar")
  scripts/debian-rootfs.sh "$tar"
  "$engine" import "$tar" "docker.io/library/$image" >/dev/null
  rm -f "$tar"
  # The one root serves every Debian 12 base the Dockerfile names.
  for other in debian:12 debian:12-slim; do
    "$engine" image inspect "$other" >/dev/null 2>&1 || "$engine" tag "docker.io/library/$image" "docker.io/library/$other"
  done
}

podman_flags=()
find_podman_flags() { # what `podman run` needs here, by trying the runtime base image
  local base runc=() limits=() nproc
  base=$(runtime_base)
  ensure_base "$base"
  try() { podman run --rm "$@" "$base" true >/dev/null 2>&1; }
  try && return 0
  command -v runc >/dev/null && runc=(--runtime runc)
  if [ ${#runc[@]} -gt 0 ] && try "${runc[@]}"; then podman_flags=("${runc[@]}"); return 0; fi
  limits=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)")
  for nproc in "$(ulimit -Hu)" 32768 4096; do
    if try "${runc[@]}" "${limits[@]}" --ulimit "nproc=$nproc:$nproc"; then
      podman_flags=("${runc[@]}" "${limits[@]}" --ulimit "nproc=$nproc:$nproc")
      return 0
    fi
  done
  podman run --rm "$base" true || true
  die "podman cannot start a container on this machine (above)"
}

command=${1:-}
case "$command" in
  engine)
    echo "$engine"
    ;;
  build)
    tag=${2:-aiload:latest}
    for base in $(bases); do
      case "$base" in *" "*|"") ;; *) ensure_base "$base" ;; esac
    done
    if [ "$engine" = docker ]; then
      docker build -t "$tag" .
    else
      find_podman_flags
      # The docker format: the OCI one has no HEALTHCHECK.
      podman build --format docker --pull=never "${podman_flags[@]}" -t "$tag" .
    fi
    ;;
  run)
    shift
    if [ "$engine" = podman ]; then
      find_podman_flags
      # podman runs health checks from systemd timers; without systemd it could only complain.
      # `podman healthcheck run` still runs the image's HEALTHCHECK.
      [ -d /run/systemd/system ] || podman_flags+=(--health-interval=disable)
    fi
    "$engine" run "${podman_flags[@]}" "$@"
    ;;
  layers)
    tag=${2:?usage: scripts/oci.sh layers TAG}
    base=$(runtime_base)
    inherited=$("$engine" history -q "$base" | wc -l)
    total=$("$engine" history -q "$tag" | wc -l)
    # Sizes as the engine prints them: bytes (docker --human=false), or 3 digits and a unit
    # (podman always): "950 kB", "17.6 MB".
    # (awk reads it all: a `head` would leave the engine writing into a closed pipe.)
    "$engine" history --human=false --no-trunc --format '{{.Size}}	{{.CreatedBy}}' "$tag" \
      | awk -F'\t' -v added=$((total - inherited)) '
          BEGIN { unit["B"] = 1; unit["kB"] = unit["KB"] = 1e3; unit["MB"] = 1e6; unit["GB"] = 1e9 }
          NR > added { next }
          { split($1, size, " "); bytes = size[1] * (size[2] == "" ? 1 : unit[size[2]]); sum += bytes
            printf "%12d  %s\n", bytes, substr($2, 1, 100) }
          END { printf "%d\n", sum }'
    ;;
  ""|-h|--help)
    sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
    ;;
  *)
    "$engine" "$@"
    ;;
esac

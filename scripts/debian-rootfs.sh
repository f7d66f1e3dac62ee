#!/usr/bin/env bash
# Makes a minimal Debian 12 root file system as a tar archive, with debootstrap (minbase)
# from the Debian mirror that apt on this machine uses: a clean Debian 12 for the package test
# (test/packaging/deb-test.sh) and the base image scripts/oci.sh builds on when no registry
# can be reached. Needs root; installs debootstrap when it is missing.
#
#   scripts/debian-rootfs.sh OUT.tar [PACKAGE...]   about a minute; OUT.tar is about 200 MB
#
# PACKAGEs are installed into it from the mirror (--no-install-recommends), e.g. systemd.
# The root has apt's package lists of the mirror (so that `apt-get install ./x.deb` resolves
# dependencies without an `apt-get update`) and the mirror's sources; nothing else is added.
set -euo pipefail

out=${1:?usage: scripts/debian-rootfs.sh OUT.tar [PACKAGE...]}
shift
[ "$(id -u)" -eq 0 ] || { echo "debian-rootfs.sh: debootstrap needs root" >&2; exit 1; }
if ! command -v debootstrap >/dev/null; then
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null
fi

# The first Debian archive apt is configured with (deb822 sources first, then sources.list).
mirror=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb / && $0 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

security=$(awk '/^URIs:/ && $2 ~ /security/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)

root=$(mktemp -d "${TMPDIR:-/tmp}/debian-rootfs.XXXXXX")
cleanup() {
  # Whatever debootstrap left mounted in the root first, and never across a mount point.
  awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 \
  || { cat "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" > "$root/etc/apt/sources.list"
[ -z "$security" ] || printf 'deb %s bookworm-security main\n' "$security" >> "$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
in_root() { # in_root COMMAND...: in the new root, its output shown only when it fails
  chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive "$@" >"$root.log" 2>&1 \
    || { cat "$root.log" >&2; rm -f "$root.log"; exit 1; }
  rm -f "$root.log"
}
in_root apt-get update -q
[ $# -eq 0 ] || in_root apt-get install -y -q --no-install-recommends "$@"
in_root apt-get clean
umount "$root/proc"
: > "$root/etc/resolv.conf"
chmod 0755 "$root"  # mktemp made it 0700: no user but root could reach anything in it
tar -C "$root" --numeric-owner -cf "$out.part" .
mv "$out.part" "$out"

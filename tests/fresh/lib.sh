# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# tests/fresh/lib.sh - a fresh Debian root for the fresh-machine suite:
# the minimal base (debootstrap --variant=minbase) cached as a tarball,
# unpacked into a new directory for each run, with /proc, /sys and /dev
# mounted, a policy-rc.d that forbids starting any service, and a clean
# clone of the repository's HEAD in /root/coopvmm.
#
# What is cached is the minimal base alone, keyed by everything that
# goes into it (release, variant, mirror, architecture, debootstrap's
# version); never a package of the project's or of its dependencies:
# every run installs those from the archive, as a new user would.
#
# It must never leave a mount behind, and never delete through one:
# fresh_cleanup unmounts in reverse order and removes the root with
# rm --one-file-system only once nothing is mounted below it.

FRESH_CACHE=${COOPVMM_FRESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/coopvmm/fresh}
FRESH_ROOT=

# The Debian archive this machine uses (its apt sources name it), so
# the fresh root gets its packages where the host gets its own.
fresh_mirror() {
    if [ -n "${COOPVMM_FRESH_MIRROR:-}" ]; then
        echo "$COOPVMM_FRESH_MIRROR"
        return
    fi
    m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
            /etc/apt/sources.list.d/*.sources 2> /dev/null |
        sed -n -e 's|^deb  *\(\[[^]]*\] *\)\{0,1\}\(https\{0,1\}://[^ ]*/debian/\{0,1\}\) .*|\2|p' \
               -e 's|^URIs: *\(https\{0,1\}://[^ ]*/debian/\{0,1\}\) *$|\1|p' |
        head -n 1)
    echo "${m:-http://deb.debian.org/debian}"
}

# The cached base tarball of release $1, made when missing.  Prints
# its path.  debootstrap is heavy: the caller holds the heavy lock.
fresh_base() {
    rel=$1
    mirror=$(fresh_mirror)
    arch=$(dpkg --print-architecture)
    dbs=$(dpkg-query -W -f '${Version}' debootstrap 2> /dev/null) || {
        echo "fresh: debootstrap is not installed (apt-get install debootstrap)" >&2
        return 1
    }
    key=$(printf '%s\n' "$rel" minbase "$mirror" "$arch" "$dbs" |
          sha256sum | cut -c 1-12)
    tarball=$FRESH_CACHE/$rel-minbase-$arch-$key.tar.gz
    if [ -s "$tarball" ]; then
        echo "$tarball"
        return 0
    fi
    mkdir -p "$FRESH_CACHE" || return 1
    tmp=$(mktemp -d /var/tmp/coopvmm-debootstrap.XXXXXX) || return 1
    echo "fresh: debootstrap --variant=minbase $rel $mirror (cached as $tarball)" >&2
    if ! debootstrap --variant=minbase --arch="$arch" "$rel" "$tmp/root" \
            "$mirror" > "$tmp/log" 2>&1; then
        tail -n 20 "$tmp/log" >&2
        fresh_umount_below "$tmp/root"
        rm -rf --one-file-system "$tmp"
        return 1
    fi
    fresh_umount_below "$tmp/root"
    # Only the base system: no package cache, no apt lists.
    rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*_* \
        "$tmp/root/debootstrap"
    tar -C "$tmp/root" --numeric-owner -czf "$tarball.tmp" . &&
        mv "$tarball.tmp" "$tarball"
    rc=$?
    rm -rf --one-file-system "$tmp"
    [ $rc -eq 0 ] && echo "$tarball"
}

# Unmount everything mounted at or below $1, deepest first.
fresh_umount_below() {
    below=$(readlink -f "$1") || return 0
    awk -v d="$below" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts |
        sort -r | while read -r mp; do
            umount "$mp" 2> /dev/null || umount -l "$mp"
        done
}

fresh_mounted_below() {
    below=$(readlink -f "$1") || return 1
    awk -v d="$below" '$2 == d || index($2, d "/") == 1 { f = 1 } END { exit !f }' /proc/mounts
}

# A new root from the cached base of release $1 in FRESH_ROOT.
fresh_root() {
    tarball=$(fresh_base "$1") || return 1
    FRESH_ROOT=$(mktemp -d /var/tmp/coopvmm-fresh-"$1".XXXXXX) || return 1
    tar -C "$FRESH_ROOT" --numeric-owner -xzf "$tarball" || return 1
    # No service starts inside, whatever a package's maintainer
    # script asks (invoke-rc.d and deb-systemd-invoke honour it).
    printf '#!/bin/sh\n# fresh-machine test: start no service\nexit 101\n' \
        > "$FRESH_ROOT/usr/sbin/policy-rc.d"
    chmod 0755 "$FRESH_ROOT/usr/sbin/policy-rc.d"
    # A download the archive drops is retried 5 times, whatever this apt
    # version's default: a mirror's hiccup is not what this test is about.
    printf 'Acquire::Retries "5";\n' > "$FRESH_ROOT/etc/apt/apt.conf.d/80coopvmm-fresh-retries"
    cp /etc/resolv.conf "$FRESH_ROOT/etc/resolv.conf" 2> /dev/null
    mount -t proc proc "$FRESH_ROOT/proc" &&
        mount -t sysfs sysfs "$FRESH_ROOT/sys" &&
        mount --bind /dev "$FRESH_ROOT/dev" &&
        mount --bind /dev/pts "$FRESH_ROOT/dev/pts" &&
        mount -t tmpfs tmpfs "$FRESH_ROOT/run" &&
        mount -t tmpfs tmpfs "$FRESH_ROOT/dev/shm"
}

# A clean clone of the commit $2 of repository $1 in the root's
# /root/coopvmm: committed work only, as a user's clone would be.
fresh_clone() {
    git clone -q --no-checkout --no-hardlinks "$1" "$FRESH_ROOT/root/coopvmm" &&
        git -C "$FRESH_ROOT/root/coopvmm" -c advice.detachedHead=false \
            checkout -q "$2"
}

# Run a command line in the root as a new root login would: a clean
# environment, the home directory, in the clone.
fresh_sh() {
    chroot "$FRESH_ROOT" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        ${FRESH_ENV:+"$FRESH_ENV"} sh -c "cd /root/coopvmm && $1"
}

# Everything undone, whatever happened: mounts first, then the files.
fresh_cleanup() {
    [ -n "$FRESH_ROOT" ] && [ -d "$FRESH_ROOT" ] || return 0
    fresh_umount_below "$FRESH_ROOT"
    if fresh_mounted_below "$FRESH_ROOT"; then
        echo "fresh: $FRESH_ROOT still has mounts; left in place" >&2
        return 1
    fi
    rm -rf --one-file-system "$FRESH_ROOT"
    FRESH_ROOT=
}

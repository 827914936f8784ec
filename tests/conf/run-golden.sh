#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# run-golden.sh - golden tests of the configuration parser.
#
# For conf/coopvmm.conf and every tests/conf/NAME.conf, runs
#     COOPVMMD -n -v -f FILE 2>&1; echo "exit $?"
# from the top of the repository and compares the output with
# tests/conf/NAME.ok (coopvmm.ok for the shipped example).  The last line
# of each .ok is the expected exit status: "exit 0" valid, "exit 1" not.
#
# Usage: tests/conf/run-golden.sh [-u] path/to/coopvmmd
#   -u   rewrite the .ok files from the current output (review the diff!)
# $GOLDEN_WRAP is put before the command, e.g.
#   GOLDEN_WRAP="valgrind -q --leak-check=full --errors-for-leak-kinds=all
#                --error-exitcode=99"
# Anything the wrapper prints ends up in the diff, so a leak fails the case.

set -u
update=0
if [ "${1:-}" = "-u" ]; then
    update=1
    shift
fi
if [ $# -ne 1 ]; then
    echo "usage: $0 [-u] path/to/coopvmmd" >&2
    exit 2
fi
bin=$1
case $bin in
    /*) ;;
    *) bin=$(pwd)/$bin ;;
esac
if [ ! -x "$bin" ]; then
    echo "$0: $bin: not executable" >&2
    exit 2
fi
cd "$(dirname "$0")/../.." || exit 2
# shellcheck disable=SC1091 # tests/lib.sh: pass, fail, skip, check...
. tests/lib.sh

tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT

for conf in conf/coopvmm.conf tests/conf/*.conf; do
    name=$(basename "$conf" .conf)
    ok=tests/conf/$name.ok
    # shellcheck disable=SC2086
    { ${GOLDEN_WRAP:-} "$bin" -n -v -f "$conf" 2>&1; echo "exit $?"; } \
        >"$tmp"
    if [ $update -eq 1 ]; then
        cp "$tmp" "$ok"
    fi
    if [ -f "$ok" ] && diff -u "$ok" "$tmp" >"$tmp.diff" 2>&1; then
        pass "$name"
    else
        fail "$name"
        if [ -f "$ok" ]; then
            cat "$tmp.diff"
        else
            echo "  missing $ok"
        fi
    fi
    rm -f "$tmp.diff"
done

summary

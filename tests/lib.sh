# SPDX-License-Identifier: GPL-2.0-only
#
# tests/lib.sh - the pass/fail helper every shell runner under tests/
# shares.  Source it (`. tests/lib.sh`) from the top of the repository.
#
# One line per check, then the summary tests/run-all adds up:
#
#   PASS NAME               the check holds
#   FAIL NAME: EVIDENCE     it does not (evidence may be left out)
#   SKIP NAME: WHY          it cannot run on this machine (not counted)
#   N passed, N failed      summary, last; its status is 0 only if none
#                           failed
#
# PASS and FAIL hold the counts.

PASS=0
FAIL=0

pass() {    # pass NAME
    PASS=$((PASS + 1))
    echo "PASS $1"
}

fail() {    # fail NAME [EVIDENCE]
    FAIL=$((FAIL + 1))
    if [ -n "${2:-}" ]; then
        echo "FAIL $1: $2"
    else
        echo "FAIL $1"
    fi
}

skip() {    # skip NAME [WHY]
    if [ -n "${2:-}" ]; then
        echo "SKIP $1: $2"
    else
        echo "SKIP $1"
    fi
}

check() {   # check NAME COMMAND...: passes if the command succeeds
    t_name=$1
    shift
    if "$@"; then pass "$t_name"; else fail "$t_name" "$*"; fi
}

check_quiet() {     # the same, with the command's output thrown away
    t_name=$1
    shift
    if "$@" >/dev/null 2>&1; then pass "$t_name"; else fail "$t_name" "$*"; fi
}

summary() { # the last line; returns non-zero if anything failed
    echo "$PASS passed, $FAIL failed"
    [ "$FAIL" -eq 0 ]
}

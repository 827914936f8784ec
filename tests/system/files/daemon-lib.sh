# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for the daemon-* system-test scenarios (shipped to dom0 as
# /tests/files/daemon-lib.sh through their "# files:" header and sourced
# after dom0-lib.sh): a dom0 copy of the shipped policy, starting and
# stopping coopvmmd, reading its decisions from its log, cpupools and
# scheduler parameters.

# The policy dconf starts from: the shipped conf/coopvmm.conf, or, for the
# scenarios that test mechanisms (libxc calls, restore, iotrace, record)
# rather than the policy, tests/daemon/classic.conf (DCONF_BASE), the
# simpler policy their expectations were written for.  Each scenario
# lists the file it uses in its "# files:" header.
DCONF_BASE=${DCONF_BASE:-/tests/files/coopvmm.conf}

# dconf OUT [sed-expression...]: that configuration with the state
# file and socket in /tmp and any further edits (the policy itself,
# interval, half-life, dwell and classes, stays as shipped).
dconf() {
    out=$1
    shift
    set -- -e 's|^state-file = .*|state-file = /tmp/coopvmm/state|' \
        -e 's|^socket = .*|socket = /tmp/coopvmm/sock|' "$@"
    sed "$@" "$DCONF_BASE" > "$out"
}

# dstart NAME CONF [coopvmmd options...]: start coopvmmd in the foreground
# (debug log: one "poll N:" line per poll) with its log in /tmp/NAME.log
# (a new one each time), pid file /tmp/NAME.pid, socket /tmp/NAME.sock ($DSOCK),
# pid in $DPID; waits until the control socket answers.  0 on success.
dstart() {
    dn=$1 dc=$2
    shift 2
    mkdir -p /tmp/coopvmm
    : > "/tmp/$dn.log"
    echo "COOPTEST-RUN $SCENARIO: coopvmmd -d -v -v -f $dc $* (t=$(up))"
    coopvmmd -d -v -v -f "$dc" -p "/tmp/$dn.pid" -s "/tmp/$dn.sock" "$@" \
        >> "/tmp/$dn.log" 2>&1 &
    DPID=$!
    DSOCK=/tmp/$dn.sock
    w=0
    while [ $w -lt 40 ]; do
        if ! kill -0 "$DPID" 2>/dev/null; then
            note "coopvmmd $dn exited at start: $(tail -3 "/tmp/$dn.log" | tr '\n' '|')"
            return 1
        fi
        timeout 5 coopctl -s "$DSOCK" status > /dev/null 2>&1 && return 0
        sleep 0.5
        w=$((w + 1))
    done
    note "coopvmmd $dn: no answer on $DSOCK after 20 s"
    return 1
}

# dstop [SIGNAL]: signal $DPID (TERM) and wait up to 20 s for it to exit;
# its exit status in $DRC (137 after KILL).
dstop() {
    kill "-${1:-TERM}" "$DPID" 2>/dev/null
    w=0
    while kill -0 "$DPID" 2>/dev/null && [ $w -lt 40 ]; do
        sleep 0.5
        w=$((w + 1))
    done
    if kill -0 "$DPID" 2>/dev/null; then
        note "coopvmmd $DPID still running 20 s after SIG${1:-TERM}"
        kill -KILL "$DPID" 2>/dev/null
    fi
    wait "$DPID"
    DRC=$?
}

# dwatch: sample coopctl status once a second into /tmp/$dn.status
# (background, pid $WPID) until the daemon exits; dlog_show prints it.
dwatch() {
    (
        while kill -0 "$DPID" 2>/dev/null; do
            echo "t=$(up) polls=$(dpolls "/tmp/$dn.log")"
            timeout 5 coopctl -s "$DSOCK" status 2>&1 | sed 1,2d
            sleep 1
        done
    ) > "/tmp/$dn.status" 2>&1 &
    WPID=$!
}

# dpolls LOG: the number of polls done (from the debug "poll N:" lines).
dpolls() {
    sed -n 's/^poll \([0-9]*\): .*/\1/p' "$1" | tail -1
}

# dwait_poll LOG N [TIMEOUT]: wait until poll N is done.
dwait_poll() {
    w=0
    while [ "$(dpolls "$1")" -lt "$2" ] 2>/dev/null || [ -z "$(dpolls "$1")" ]; do
        if [ $w -ge $((${3:-60} * 4)) ]; then
            note "poll $2 not reached in ${3:-60} s (at $(dpolls "$1"))"
            return 1
        fi
        sleep 0.25
        w=$((w + 1))
    done
    return 0
}

# dclass_poll LOG NAME CLASS [FROM]: the poll (counted from the daemon's
# start) at which NAME was first moved into CLASS, after poll FROM (0).
dclass_poll() {
    awk -v n="$2:" -v c="$3" -v from="${4:-0}" '
        $1 == "poll" && $2 ~ /^[0-9]+:$/ { p = $2 + 0; next }
        $2 == n && $3 == "class" && $6 == c && p >= from { print p + 1; exit }' "$1"
}

# dclass_lines LOG: the decision lines, "NAME: FROM -> TO" per line.
dclass_lines() {
    awk '$3 == "class" && $5 == "->" { print $2, $4, $5, $6 }' "$1"
}

# dlog_show LOG: the daemon's log on the console (without per-poll
# lines), and the status samples of dwatch if any.
dlog_show() {
    grep -v '^poll [0-9]*: ' "$1" | sed "s|^|COOPTEST-OUT $SCENARIO: $(basename "$1"): |"
    st=${1%.log}.status
    [ -f "$st" ] && sed "s|^|COOPTEST-OUT $SCENARIO: $(basename "$st"): |" "$st"
}

# sched_wc SCHED DOMAIN: "weight cap" from xl sched-credit / sched-credit2.
sched_wc() {
    xl "sched-$1" -d "$2" 2>/dev/null | awk 'NR == 2 { print $3, $4 }'
}

# pool_make NAME SCHED CPU: move CPU from Pool-0 into a new pool NAME.
pool_make() {
    run xl cpupool-cpu-remove Pool-0 "$3" > /dev/null
    printf 'name = "%s"\nsched = "%s"\ncpus = ["%s"]\n' "$1" "$2" "$3" > "/tmp/$1.pool"
    run xl cpupool-create "/tmp/$1.pool" > /dev/null
    [ "$(xl cpupool-list | awk -v p="$1" '$1 == p { print $3 }')" = "$2" ]
}

# pool_drop NAME CPU: destroy the pool and give CPU back to Pool-0.
pool_drop() {
    run xl cpupool-destroy "$1" > /dev/null
    run xl cpupool-cpu-add Pool-0 "$2" > /dev/null
}

# sabotage VALUE: VALUE, or something else when COOPVMM_TEST_SABOTAGE
# names this scenario (or is 1), so that one check must fail.
sabotage() {
    case ${COOPVMM_TEST_SABOTAGE:-0} in
    1|"$SCENARIO") note "SABOTAGE: expecting '$1-wrong' instead of '$1'" >&2; echo "$1-wrong" ;;
    *) echo "$1" ;;
    esac
}

# wait_wc SCHED DOMAIN "WEIGHT CAP" [TIMEOUT]: wait until the domain has
# that weight and cap (30 s).
wait_wc() {
    w=0
    while [ "$(sched_wc "$1" "$2")" != "$3" ]; do
        if [ $w -ge $((${4:-30} * 4)) ]; then
            note "$2: weight cap still $(sched_wc "$1" "$2"), not $3, after ${4:-30} s"
            return 1
        fi
        sleep 0.25
        w=$((w + 1))
    done
    return 0
}

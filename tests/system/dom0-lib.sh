# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for system-test scenarios, sourced in dom0 (busybox sh) before a
# scenario script.  Results are lines on the console:
#     COOPTEST-CHECK PASS|FAIL <scenario>/<check>: <evidence>
# which the host turns into the test report.  Every helper that waits has a
# time limit.  $SCENARIO is set by main.sh.

GUEST_ELF=/usr/local/bin/coopguest.elf

up() { cut -d' ' -f1 /proc/uptime; }
note() { echo "COOPTEST-NOTE $SCENARIO: $*"; }

# Each result is shown at once and kept in $RESULTS_FILE; main.sh prints
# the file again once the scenario's guests are gone, and the host reads that
# copy, so guest console lines cannot split a result line.
RESULTS_FILE=${RESULTS_FILE:-/tmp/coop-results}
result() {
    echo "COOPTEST-CHECK $*"
    echo "$*" >> "$RESULTS_FILE"
}
pass() { n=$1; shift; result "PASS $SCENARIO/$n: $*"; }
fail() { n=$1; shift; result "FAIL $SCENARIO/$n: $*"; }
# skip NAME WHY: the check cannot run here (shown, not counted).
skip() { n=$1; shift; result "SKIP $SCENARIO/$n: $*"; }

# check NAME "evidence" CMD...: PASS if CMD succeeds.
check() {
    n=$1 ev=$2
    shift 2
    if "$@"; then pass "$n" "$ev"; else fail "$n" "$ev"; fi
}

# check_eq NAME EXPECTED ACTUAL [what]: exact (string) equality.
check_eq() {
    if [ "x$2" = "x$3" ] && [ -n "$3" ]; then
        pass "$1" "${4:+$4 }expected $2, got $3"
    else
        fail "$1" "${4:+$4 }expected $2, got ${3:-<nothing>}"
    fi
}

# check_range NAME LOW HIGH ACTUAL [what]: LOW <= ACTUAL <= HIGH (integers).
check_range() {
    if [ -n "$4" ] && [ "$4" -ge "$2" ] 2>/dev/null && [ "$4" -le "$3" ]; then
        pass "$1" "${5:+$5 }$4 in [$2, $3]"
    else
        fail "$1" "${5:+$5 }${4:-<nothing>} not in [$2, $3]"
    fi
}

# run [T=secs] CMD...: log the command and its exit status, with a timeout.
run() {
    echo "COOPTEST-RUN $SCENARIO: $* (t=$(up))"
    timeout "${T:-60}" "$@" 2>&1
    rc=$?
    echo "COOPTEST-RC $SCENARIO: $rc (t=$(up))"
    return $rc
}

# guest_cfg NAME CMDLINE [cfg lines...]: write /tmp/NAME.cfg for the test guest.
# The domain is preserved after it powers off so that its counters can still
# be read; guest_destroy removes it.
guest_cfg() {
    g=$1 c=$2
    shift 2
    {
        echo "name = \"$g\""
        echo "type = \"pvh\""
        echo "kernel = \"$GUEST_ELF\""
        echo "cmdline = \"$c\""
        echo "memory = 16"
        echo "vcpus = 1"
        echo "on_poweroff = \"preserve\""
        echo "on_crash = \"preserve\""
        for l in "$@"; do echo "$l"; done
    } > "/tmp/$g.cfg"
}

# guest_start NAME CMDLINE [cfg lines...]: create it; prints nothing, 0 on success.
guest_start() {
    guest_cfg "$@"
    T=${CREATE_TIMEOUT:-60} run xl create "/tmp/$1.cfg" > "/tmp/$1.create" 2>&1
    rc=$?
    cat "/tmp/$1.create"
    return $rc
}

guest_domid() { xl domid "$1" 2>/dev/null; }

# guest_state NAME: the State column of xl list (r b p s c d), or "gone".
guest_state() {
    xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5; found = 1 }
                                    END { if ( !found ) print "gone" }'
}

# guest_wait_shutdown NAME TIMEOUT: wait until the domain has shut down.
guest_wait_shutdown() {
    g=$1 limit=$2 waited=0
    while [ "$waited" -lt $((limit * 2)) ]; do
        case $(guest_state "$g") in
        *s*|*c*|gone) return 0 ;;
        esac
        sleep 0.5
        waited=$((waited + 1))
    done
    note "$g still running after ${limit}s: $(xl list "$g" 2>&1 | tail -1)"
    return 1
}

# guest_lines DOMID: the guest's COOPGUEST report lines from Xen's console ring.
guest_lines() {
    xl dmesg | grep -F "(d$1) " | sed -n 's/.*\(COOPGUEST .*\)/\1/p'
}

# guest_console_bytes DOMID: console bytes the guest wrote, from its last line.
guest_console_bytes() {
    guest_lines "$1" | tail -1 | sed -n 's/.* con=0*\([0-9][0-9]*\)$/\1/p'
}

# field LINE KEY: value of KEY=... in a report line.
field() {
    echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1
}

# guest_phase DOMID PHASE [REP]: the report line of one phase repetition.
guest_phase() {
    guest_lines "$1" | grep "^COOPGUEST phase=$2 rep=${3:-0} " | tail -1
}

# guest_wake DOMID PHASE [REP]: the wake-up line of a ping-pong phase with gap-us.
guest_wake() {
    guest_lines "$1" | grep "^COOPGUEST wake phase=$2 rep=${3:-0} " | tail -1
}

guest_destroy() { T=30 run xl destroy "$1" > /dev/null; }

# ioreq_dump: run the hv-patch CLI; output in $IOREQ_OUT, status in $IOREQ_RC.
ioreq_dump() {
    if ! command -v ioreq-dump > /dev/null; then
        IOREQ_OUT="ioreq-dump not in the initrd (tests/hv not built)"
        IOREQ_RC=127
        return 127
    fi
    IOREQ_OUT=$(timeout 20 ioreq-dump 2>&1)
    IOREQ_RC=$?
    echo "$IOREQ_OUT" | sed "s/^/COOPTEST-OUT $SCENARIO: ioreq-dump: /"
    return $IOREQ_RC
}

# ioreq_get DOMID KEY: a counter from the last ioreq_dump.
ioreq_get() {
    echo "$IOREQ_OUT" | grep "^domid=$1 " | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# ioreq_debugkey: the same counters through the hv-patch debug key 'j' and
# xl dmesg; output in $IOREQ_OUT (only the lines of this dump).
ioreq_debugkey() {
    mark=$(xl dmesg | grep -c "pressed -> dumping ioreq counters")
    timeout 20 xl debug-keys j
    sleep 1
    IOREQ_OUT=$(xl dmesg | awk -v m="$mark" '
        /pressed -> dumping ioreq counters/ { n++; next }
        n > m && /domid=[0-9]+ vcpus=/ { sub(/.*domid=/, "domid="); print }')
    IOREQ_RC=0
    [ -n "$IOREQ_OUT" ] || IOREQ_RC=1
    echo "$IOREQ_OUT" | sed "s/^/COOPTEST-OUT $SCENARIO: debug-key j: /"
    return $IOREQ_RC
}

# artifact NAME FILE: copy FILE out of dom0.  The host finds it in
# <logdir>/artifacts/<scenario>/NAME.  It travels on the console as
# numbered lines of gzip+base64 and a closing line with the count and the
# MD5 of FILE, which the host checks (a garbled line fails the copy:
# FAIL <scenario>/artifact-NAME).  Print it while no guest is running.
artifact() {
    if [ ! -f "$2" ]; then
        fail "artifact-$1" "no file $2 to copy out"
        return 1
    fi
    gzip -c "$2" | base64 | awk -v a="$SCENARIO/$1" '{ print "COOPTEST-ARTIFACT-LINE " a " " NR " " $0 }'
    echo "COOPTEST-ARTIFACT $SCENARIO/$1 lines=$(gzip -c "$2" | base64 | wc -l) md5=$(md5sum < "$2" | cut -d' ' -f1)"
}

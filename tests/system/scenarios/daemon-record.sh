# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 150
# files: tests/daemon/classic.conf tests/system/files/daemon-lib.sh
#
# A recording of real Xen replays to the same decisions.  coopvmmd with the
# shipped policy records 40 polls (--record) of a one-CPU credit pool with
# an I/O guest whose I/O stops after about 10 s, a spinning guest and an
# idle guest; then `coopvmmd --replay --speed max` with the same policy
# must log the same class changes (every ": class " line, with its reason,
# weight and cap), and the recording is copied out to the host as the
# artifact demo.rec (tests/system/make-demo-recording turns it into
# conf/recordings/demo.rec).  COOPVMM_TEST_SABOTAGE=daemon-record makes
# one expectation wrong.

DCONF_BASE=/tests/files/classic.conf
. /tests/files/daemon-lib.sh
LOG=/tmp/record.log
REC=/tmp/demo.rec
POLLS=40
rm -rf /tmp/coopvmm "$REC"

pool_make p1 credit 1 || fail pool "no credit pool p1"
guest_start io "pio-write ms=20; idle ms=180; loop n=50; hold" 'pool = "p1"' ||
    fail create-io "xl create failed"
guest_start hog "spin seconds=60; loop" 'pool = "p1"' || fail create-hog "xl create failed"
guest_start idle "hold" 'pool = "p1"' || fail create-idle "xl create failed"
dconf /tmp/record.conf
dstart record /tmp/record.conf --record "$REC" || fail start "coopvmmd did not start"
dwait_poll $LOG $POLLS 80
dstop TERM
check_eq exit-status 0 "$DRC" "coopvmmd after SIGTERM:"
check_eq header "coopvmm-recording 2" "$(head -1 $REC)" "first line of the recording:"
check_range polls "$POLLS" $((POLLS + 2)) "$(grep -c '^t ' $REC)" "polls recorded"
dclass_lines $LOG | sed "s/^/COOPTEST-OUT $SCENARIO: live: /"
check_eq live-decisions "$(sabotage "io:io-bound hog:cpu-hog idle:idle io:idle")" \
    "$(dclass_lines $LOG | awk '{ printf "%s%s%s", n++ ? " " : "", $1, $4 }')" "class changes of the live run:"

# The same policy on the recording, without Xen.
dconf /tmp/replay.conf -e 's|^state-file = .*|state-file = /tmp/coopvmm-replay/state|'
mkdir -p /tmp/coopvmm-replay
T=60 run coopvmmd -d -v -f /tmp/replay.conf -p /tmp/replay.pid -s /tmp/replay.sock \
    --replay "$REC" --speed max > /tmp/replay.log 2>&1
check_eq replay-rc 0 "$?" "coopvmmd --replay exit status:"
grep ': class ' $LOG > /tmp/live.class
grep ': class ' /tmp/replay.log > /tmp/replay.class
sed "s/^/COOPTEST-OUT $SCENARIO: replay: /" /tmp/replay.class
check_eq replay-count "$(wc -l < /tmp/live.class)" "$(wc -l < /tmp/replay.class)" "': class ' lines, live and replay:"
check replay-same "replay logs the same ': class ' lines as the live run" cmp /tmp/live.class /tmp/replay.class
check replay-end "replay reached the end of the recording" grep -q "^end of the recording after" /tmp/replay.log
dlog_show $LOG
guest_destroy io
guest_destroy hog
guest_destroy idle
pool_drop p1 1
{
    echo "# recorded by tests/system/scenarios/daemon-record.sh in dom0 of"
    echo "# $(xl info | sed -n 's/^xen_version *: /Xen /p') ($(xl info | sed -n 's/^xen_scheduler *: /sched=/p'), $(xl info | sed -n 's/^nr_cpus *: //p') CPUs, under QEMU TCG), $(date -u +%Y-%m-%dT%H:%M:%SZ) dom0 clock"
    cat "$REC"
} > /tmp/demo-out.rec
artifact demo.rec /tmp/demo-out.rec

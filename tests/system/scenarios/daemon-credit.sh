# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 180
# files: tests/daemon/classic.conf tests/system/files/daemon-lib.sh
#
# coopvmmd with the classic test policy (tests/daemon/classic.conf) on real Xen, credit scheduler: in a
# one-CPU credit cpupool an I/O guest, a spinning guest and an idle guest.
# The daemon must put each in its class at the poll the policy predicts
# (rates from poll 2, dwell 3: poll 4; smoothing starts at the first
# rate) and set what the class demands, as
# xl sched-credit reads it back: io-bound weight 200% (512), cpu-hog weight
# 50% (128) and cap 80% of its one vCPU (80), idle the base (256, 0).
# When the I/O guest stops its I/O it must go back to base within the
# polls the smoothing (half-life 5 s: 4000/s falls below leave = 500 after
# 15-16 polls) and the dwell (3) allow.  The I/O guest pauses between bursts so that the spinner can get
# the 80% CPU cpu-hog asks for (a guest doing port I/O non-stop is busy
# too).  COOPVMM_TEST_SABOTAGE=daemon-credit makes one expectation wrong.

DCONF_BASE=/tests/files/classic.conf
. /tests/files/daemon-lib.sh
LOG=/tmp/credit.log

pool_make p1 credit 1 || fail pool "no credit pool p1"
# About 4000 port writes/s plus its console lines for ~15 s, then idle.
guest_start io "pio-write ms=20; idle ms=180; loop n=75; hold" 'pool = "p1"' ||
    fail create-io "xl create failed"
guest_start hog "spin seconds=60; loop" 'pool = "p1"' || fail create-hog "xl create failed"
guest_start idle "hold" 'pool = "p1"' || fail create-idle "xl create failed"
io=$(guest_domid io)

dconf /tmp/credit.conf
dstart credit /tmp/credit.conf || fail start "coopvmmd did not start"
dwatch
dwait_poll $LOG 8 30
run coopctl -s "$DSOCK" status
P_IO=$(dclass_poll $LOG io io-bound)
P_HOG=$(dclass_poll $LOG hog cpu-hog)
P_IDLE=$(dclass_poll $LOG idle idle)
check_range io-bound-poll 4 6 "$P_IO" "io -> io-bound at poll"
check_range cpu-hog-poll 4 6 "$P_HOG" "hog -> cpu-hog at poll"
check_range idle-poll 3 6 "$P_IDLE" "idle -> idle at poll"
check_eq io-weight-cap "$(sabotage "512 0")" "$(sched_wc credit io)" "io-bound: xl sched-credit weight cap:"
check_eq hog-weight-cap "128 80" "$(sched_wc credit hog)" "cpu-hog: xl sched-credit weight cap:"
check_eq idle-weight-cap "256 0" "$(sched_wc credit idle)" "idle: xl sched-credit weight cap:"

# The I/O guest's phase change: its 75th burst report line.
w=0
while [ "$(guest_lines "$io" | grep -c kind=pio-write)" -lt 75 ] && [ $w -lt 120 ]; do
    sleep 0.25
    w=$((w + 1))
done
P_CHG=$(dpolls $LOG)
note "io guest's I/O ended after poll $P_CHG"
dwait_poll $LOG $((P_CHG + 22)) 40
P_BACK=$(dclass_poll $LOG io idle "${P_IO:-0}")
check_range io-back-poll $((P_CHG + 15)) $((P_CHG + 21)) "$P_BACK" "io -> idle (I/O ended after poll $P_CHG) at poll"
check_eq io-back-weight-cap "256 0" "$(sched_wc credit io)" "idle again: xl sched-credit weight cap:"
check_eq hog-still-capped "128 80" "$(sched_wc credit hog)" "still cpu-hog:"
dclass_lines $LOG | sed "s/^/COOPTEST-OUT $SCENARIO: decision: /"
check_eq decision-count 4 "$(dclass_lines $LOG | wc -l | tr -d ' ')" "class changes in the log:"

dstop TERM
check_eq exit-status 0 "$DRC" "coopvmmd after SIGTERM:"
check_eq restored-hog "256 0" "$(sched_wc credit hog)" "after SIGTERM:"
check restored-log "log says it restored" grep -q "restored the base weight and cap of 1 domain$" $LOG
dlog_show $LOG
guest_destroy io
guest_destroy hog
guest_destroy idle
pool_drop p1 1

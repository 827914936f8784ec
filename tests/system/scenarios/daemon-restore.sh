# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 200
# files: tests/daemon/classic.conf tests/system/files/daemon-lib.sh
#
# coopvmmd gives back the administrator's weights and caps, on real Xen:
# distinctive base values are set with xl sched-credit before it starts
# (I/O guest 333/cap 90, spinner 300/cap 0, in a one-CPU credit pool), the
# daemon changes them (io-bound 200%: 666; cpu-hog 50%, cap 80: 150/80),
# and
#   - after SIGTERM they are back exactly;
#   - after SIGKILL they stay changed, and a restart reads the state file,
#     says "were set by a previous run" and puts them back on SIGTERM;
#   - a weight set by hand during a run ("set to 444 by hand") is the new
#     base: the class scales it (888) and SIGTERM puts back 444;
#   - with restore-on-exit = false SIGTERM leaves the current values, and
#     the next run still knows the base values from the state file.
# COOPVMM_TEST_SABOTAGE=daemon-restore makes one expectation wrong.

DCONF_BASE=/tests/files/classic.conf
. /tests/files/daemon-lib.sh
rm -rf /tmp/coopvmm

pool_make p1 credit 1 || fail pool "no credit pool p1"
guest_start io "pio-write ms=20; idle ms=180; loop" 'pool = "p1"' ||
    fail create-io "xl create failed"
guest_start hog "spin seconds=60; loop" 'pool = "p1"' || fail create-hog "xl create failed"
run xl sched-credit -d io -w 333 -c 90
run xl sched-credit -d hog -w 300 -c 0
check_eq base-set "333 90 / 300 0" "$(sched_wc credit io) / $(sched_wc credit hog)" "before coopvmmd:"
dconf /tmp/restore.conf

# 1. SIGTERM.
LOG=/tmp/r1.log
dstart r1 /tmp/restore.conf || fail start-1 "coopvmmd did not start"
wait_wc credit io "666 90" && wait_wc credit hog "150 80"
check_eq run1-set "666 90 / 150 80" "$(sched_wc credit io) / $(sched_wc credit hog)" "io-bound / cpu-hog:"
dstop TERM
check_eq run1-term-rc 0 "$DRC" "exit status after SIGTERM:"
check_eq run1-restored "$(sabotage "333 90 / 300 0")" "$(sched_wc credit io) / $(sched_wc credit hog)" "after SIGTERM:"
check run1-log "logged: restored the base weight and cap of 2 domains" \
    grep -q "^restored the base weight and cap of 2 domains$" $LOG

# 2. SIGKILL, then a restart that finds the state file.
dlog_show $LOG

LOG=/tmp/r2.log
dstart r2 /tmp/restore.conf || fail start-2 "coopvmmd did not start"
wait_wc credit io "666 90" && wait_wc credit hog "150 80"
dstop KILL
check_eq run2-kill-rc 137 "$DRC" "exit status after SIGKILL:"
check_eq run2-left "666 90 / 150 80" "$(sched_wc credit io) / $(sched_wc credit hog)" "after SIGKILL (nothing restored):"
run cat /tmp/coopvmm/state
check_eq state-io "333 90 666" "$(awk -v d="$(guest_domid io)" 'NF == 6 && $2 == d { print $3, $4, $5 }' /tmp/coopvmm/state)" \
    "state file: base weight, base cap, set weight of io:"
dlog_show $LOG
# The same pid file and socket as the killed run.
dstart r2 /tmp/restore.conf || fail start-3 "coopvmmd did not start"
dwait_poll $LOG 1 20
check run3-previous-io "logged: io: ... were set by a previous run; base weight 333 cap 90 will be put back" \
    grep -q "io: weight 666 cap 90 were set by a previous run; base weight 333 cap 90 will be put back" $LOG
check run3-previous-hog "logged: hog: ... were set by a previous run; base weight 300 cap 0 will be put back" \
    grep -q "hog: weight 150 cap 80 were set by a previous run; base weight 300 cap 0 will be put back" $LOG
dstop TERM
check_eq run3-restored "333 90 / 300 0" "$(sched_wc credit io) / $(sched_wc credit hog)" "after restart + SIGTERM:"

# 3. A change by hand becomes the new base.
dlog_show $LOG

LOG=/tmp/r4.log
dstart r4 /tmp/restore.conf || fail start-4 "coopvmmd did not start"
wait_wc credit io "666 90"
run xl sched-credit -d io -w 444
wait_wc credit io "888 90"
check_eq run4-scaled "888 90" "$(sched_wc credit io)" "io-bound of the new base 444:"
check run4-by-hand "logged: io: weight set to 444 by hand (was 666): it is the new base" \
    grep -q "io: weight set to 444 by hand (was 666): it is the new base" $LOG
dstop TERM
check_eq run4-restored "444 90 / 300 0" "$(sched_wc credit io) / $(sched_wc credit hog)" "after SIGTERM:"

# 4. restore-on-exit = false.
dconf /tmp/norestore.conf -e 's/^restore-on-exit = .*/restore-on-exit = false/'
dlog_show $LOG

LOG=/tmp/r5.log
dstart r5 /tmp/norestore.conf || fail start-5 "coopvmmd did not start"
wait_wc credit io "888 90" && wait_wc credit hog "150 80"
dstop TERM
check_eq run5-left "888 90 / 150 80" "$(sched_wc credit io) / $(sched_wc credit hog)" "restore-on-exit = false, after SIGTERM:"
check run5-log "logged: restore-on-exit is off: current values left in place" \
    grep -q "restore-on-exit is off: current values left in place" $LOG
dlog_show $LOG

LOG=/tmp/r6.log
dstart r6 /tmp/restore.conf || fail start-6 "coopvmmd did not start"
dwait_poll $LOG 1 20
dstop TERM
check_eq run6-restored "444 90 / 300 0" "$(sched_wc credit io) / $(sched_wc credit hog)" "next run (restore-on-exit on) + SIGTERM:"
dlog_show $LOG
guest_destroy io
guest_destroy hog
pool_drop p1 1

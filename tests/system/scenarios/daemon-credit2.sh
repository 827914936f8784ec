# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 180
# files: tests/daemon/classic.conf tests/system/files/daemon-lib.sh
#
# coopvmmd with the classic test policy (tests/daemon/classic.conf) on real Xen, two schedulers at once:
# Pool-0 (credit, CPU 0, with dom0) and a one-CPU credit2 pool.  In the
# credit2 pool an I/O guest, a spinning guest and an idle guest; in Pool-0
# another I/O guest.  Each must reach its class at poll 4 and get what the
# class demands through its own pool's scheduler: xl sched-credit2 shows
# io-bound 512/0, cpu-hog 128/80 and idle 256/0, xl sched-credit shows the
# Pool-0 I/O guest at 512/0, and the daemon's debug log names the libxc
# call it used for each.  Then the CPU goes to a null-scheduler pool with
# an I/O guest: the daemon must log once that
# the pool's scheduler is not credit or credit2, leave the guest alone (no
# class, no set, no error) and show it as unmanaged in coopctl status.
# COOPVMM_TEST_SABOTAGE=daemon-credit2 makes one expectation wrong.

DCONF_BASE=/tests/files/classic.conf
. /tests/files/daemon-lib.sh
LOG=/tmp/credit2.log
rm -rf /tmp/coopvmm

pool_make p2 credit2 1 || fail pool "no credit2 pool p2"
guest_start io2 "pio-write ms=20; idle ms=180; loop" 'pool = "p2"' || fail create-io2 "xl create failed"
guest_start hog2 "spin seconds=60; loop" 'pool = "p2"' || fail create-hog2 "xl create failed"
guest_start idle2 "hold" 'pool = "p2"' || fail create-idle2 "xl create failed"
guest_start io0 "pio-write ms=20; idle ms=180; loop" || fail create-io0 "xl create failed"
run xl list -c

dconf /tmp/credit2.conf
dstart credit2 /tmp/credit2.conf || fail start "coopvmmd did not start"
dwatch
dwait_poll $LOG 8 30
run coopctl -s "$DSOCK" status
check banner-schedulers "banner: schedulers credit,credit2 (or credit2,credit)" \
    grep -Eq ' started: backend xen, schedulers (credit,credit2|credit2,credit),' $LOG
# The patched (ABI v2) hypervisor's records carry runstate: the banner says
# so (it said MISSING before the probe at start recorded it).
check_eq banner-runstate "runstate yes" \
    "$(sed -n 's/.* started: .*signals: .*\(runstate [A-Za-z]*\),.*/\1/p' $LOG | head -1)" "start-up banner:"
check_range io2-poll 4 6 "$(dclass_poll $LOG io2 io-bound)" "io2 -> io-bound at poll"
check_range hog2-poll 4 6 "$(dclass_poll $LOG hog2 cpu-hog)" "hog2 -> cpu-hog at poll"
check_range idle2-poll 3 6 "$(dclass_poll $LOG idle2 idle)" "idle2 -> idle at poll"
check_range io0-poll 4 6 "$(dclass_poll $LOG io0 io-bound)" "io0 -> io-bound at poll"
check_eq io2-credit2 "$(sabotage "512 0")" "$(sched_wc credit2 io2)" "io-bound: xl sched-credit2 weight cap:"
check_eq hog2-credit2 "128 80" "$(sched_wc credit2 hog2)" "cpu-hog: xl sched-credit2 weight cap:"
check_eq idle2-credit2 "256 0" "$(sched_wc credit2 idle2)" "idle: xl sched-credit2 weight cap:"
check_eq io0-credit "512 0" "$(sched_wc credit io0)" "io-bound in Pool-0: xl sched-credit weight cap:"
for g in io2:credit2:512:0 hog2:credit2:128:80 io0:credit:512:0; do
    set -- $(echo "$g" | tr : ' ')
    check "call-$1" "log: d$(guest_domid "$1"): xc_sched_$2_domain_set weight $3 cap $4" \
        grep -q "^d$(guest_domid "$1"): xc_sched_$2_domain_set weight $3 cap $4\$" $LOG
done
check no-errors "no 'cannot set' in the log" sh -c "! grep -q 'cannot set' $LOG"
guest_destroy io2
guest_destroy hog2
guest_destroy idle2
pool_drop p2 1

# A pool whose scheduler coopvmmd must not touch: null.  (Not RTDS: on
# Xen 4.17 taking the CPU out of a one-CPU RTDS pool again, as
# cpupool-cpu-remove or cpupool-destroy must, panics the hypervisor:
# NULL dereference in rt.c move_repl_timer from rt_deinit_pdata.)  Its
# pool id is the one p2 had: the daemon must notice the new scheduler.
for sch in null; do
    if ! pool_make p3 "$sch" 1; then
        fail "$sch-pool" "cannot create a $sch cpupool (hypervisor built without it?): $(xl cpupool-list 2>&1 | tr '\n' '|')"
        pool_drop p3 1
        continue
    fi
    P0=$(dpolls $LOG)
    guest_start "g$sch" "pio-write ms=20; idle ms=180; loop" 'pool = "p3"' || fail "create-$sch" "xl create failed"
    id=$(guest_domid "g$sch")
    dwait_poll $LOG $((P0 + 8)) 30
    run coopctl -s "$DSOCK" status
    check_eq "$sch-log" 1 "$(grep -c "^cpupool [0-9]*: scheduler $sch (id [0-9]*) is not credit or credit2; its domains are left alone\$" $LOG)" \
        "'cpupool N: scheduler $sch ... left alone' lines:"
    check_eq "$sch-no-class" 0 "$(grep -c "^d$id g$sch: class " $LOG)" "class lines for g$sch:"
    grep "^d$id[: ]" $LOG | sed "s/^/COOPTEST-OUT $SCENARIO: g$sch: /"
    check_eq "$sch-no-set" 0 "$(grep -c "^d$id: xc_sched" $LOG)" "scheduler calls for g$sch ($(grep "^d$id: xc_sched" $LOG | head -1)):"
    check "$sch-unmanaged" "coopctl status: g$sch shown unmanaged, (...)" \
        sh -c "coopctl -s $DSOCK status | awk '\$2 == \"g$sch\" { print \$4 }' | grep -q '^('"
    guest_destroy "g$sch"
    pool_drop p3 1
done
check no-errors-end "no 'cannot set' or 'poll failed' in the log" sh -c "! grep -Eq 'cannot set|poll failed' $LOG"
check alive "coopvmmd still running" kill -0 "$DPID"
dstop TERM
check_eq exit-status 0 "$DRC" "coopvmmd after SIGTERM:"
check_eq io0-restored "256 0" "$(sched_wc credit io0)" "after SIGTERM:"
dlog_show $LOG
guest_destroy io0

# SPDX-License-Identifier: GPL-2.0-only
# hv: stock
# timeout: 120
# files: conf/coopvmm.conf tests/system/files/daemon-lib.sh
#
# coopvmmd on Debian's unpatched hypervisor: it must say plainly that the
# ioreq signal is missing (banner "ioreq MISSING", and the xen backend's
# one-time warning, once) and still classify on CPU: in a one-CPU credit
# pool the spinning guest becomes cpu-hog at poll 4 (weight 128, cap 80),
# while the guest doing port I/O, which the daemon cannot see, must not
# become io-bound.  COOPVMM_TEST_SABOTAGE=daemon-stock makes one
# expectation wrong.

. /tests/files/daemon-lib.sh
LOG=/tmp/stock.log
rm -rf /tmp/coopvmm

pool_make p1 credit 1 || fail pool "no credit pool p1"
guest_start io "pio-write ms=20; idle ms=180; loop" 'pool = "p1"' ||
    fail create-io "xl create failed"
guest_start hog "spin seconds=60; loop" 'pool = "p1"' || fail create-hog "xl create failed"
dconf /tmp/stock.conf
dstart stock /tmp/stock.conf || fail start "coopvmmd did not start"
dwait_poll $LOG 8 30
run coopctl -s "$DSOCK" status
check_eq banner-ioreq "$(sabotage "ioreq MISSING")" \
    "$(sed -n 's/.* started: .*signals: cpu yes, \(ioreq [A-Za-z]*\),.*/\1/p' $LOG)" "start-up banner:"
check_eq warning-once 1 \
    "$(grep -c '^hypervisor lacks the coopvmm ioreq patch: the ioreq signal is missing; classifying on CPU and PV I/O only$' $LOG)" \
    "'hypervisor lacks the coopvmm ioreq patch' lines:"
check_eq status-signals "cpu,vbd,net" \
    "$(coopctl -s "$DSOCK" status | sed -n '1s/.*, signals \([^ ]*\).*/\1/p')" "coopctl status: signals"
check_range cpu-hog-poll 4 6 "$(dclass_poll $LOG hog cpu-hog)" "hog -> cpu-hog at poll"
check_eq hog-weight-cap "128 80" "$(sched_wc credit hog)" "cpu-hog: xl sched-credit weight cap:"
P=$(dclass_poll $LOG io io-bound)
check io-not-io-bound "io never io-bound (${P:+it was at poll $P}${P:-no such line})" test -z "$P"
check_eq io-weight-cap "256 0" "$(sched_wc credit io)" "io (I/O unseen): xl sched-credit weight cap:"
dstop TERM
check_eq restored-hog "256 0" "$(sched_wc credit hog)" "after SIGTERM:"
dlog_show $LOG
guest_destroy io
guest_destroy hog
pool_drop p1 1

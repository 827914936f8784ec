# SPDX-License-Identifier: GPL-2.0-only
# hv: stock
# timeout: 120
# files: conf/coopvmm.conf tests/system/files/daemon-lib.sh tests/system/files/stock-lib.sh
#
# coopvmmd on Debian's unpatched hypervisor: it must say plainly that the
# ioreq signal is missing (banner "ioreq MISSING", and the xen backend's
# one-time warning, once), and list the signals it has instead (device
# models, PV counters).  With the shipped policy a spinner is not a
# cpu-hog here (that class needs cpu-demand, which only the hv-patch
# provides): in a one-CPU credit pool it keeps its base weight and cap,
# and so does a PVH guest doing port I/O, which no device model serves
# and the daemon cannot see (it must not become io-bound).  The
# device-model signal that stock Xen does have is stock-dm's.
# COOPVMM_TEST_SABOTAGE=daemon-stock makes the banner's expectation wrong
# and turns every other check around (stock-lib.sh's scheck).

. /tests/files/daemon-lib.sh
. /tests/files/stock-lib.sh
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
    "$(grep -c '^hypervisor lacks the coopvmm ioreq patch: the ioreq and runstate signals are missing; classifying on CPU and PV I/O only$' $LOG)" \
    "'hypervisor lacks the coopvmm ioreq patch' lines:"
S=$(coopctl -s "$DSOCK" status | sed -n '1s/.*, signals \([^ ]*\).*/\1/p')
scheck status-signals "coopctl status: signals $S (expected cpu,vbd,net,dm)" \
    test "$S" = "cpu,vbd,net,dm"
H=$(dclass_poll $LOG hog cpu-hog)
scheck hog-not-cpu-hog "hog never cpu-hog without cpu-demand (${H:+it was at poll $H}${H:-no such line})" test -z "$H"
W=$(sched_wc credit hog)
scheck hog-weight-cap "hog (base): xl sched-credit weight cap: $W (expected 256 0)" test "$W" = "256 0"
P=$(dclass_poll $LOG io io-bound)
scheck io-not-io-bound "io never io-bound (${P:+it was at poll $P}${P:-no such line})" test -z "$P"
W=$(sched_wc credit io)
scheck io-weight-cap "io (I/O unseen): xl sched-credit weight cap: $W (expected 256 0)" test "$W" = "256 0"
dstop TERM
W=$(sched_wc credit hog)
scheck restored-hog "after SIGTERM: hog $W (expected 256 0)" test "$W" = "256 0"
dlog_show $LOG
guest_destroy io
guest_destroy hog
pool_drop p1 1

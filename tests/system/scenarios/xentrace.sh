# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 200
#
# The hv-patch counters against Xen's own tracing.  Stock Xen writes one
# trace record per emulated I/O request in hvmemul_do_io()
# (hvmtrace_io_assist(): TRC_HVM_IOPORT_READ/WRITE, TRC_HVM_IOMEM_READ/
# WRITE), the same function the series counts in.  Debian's xentrace runs
# with HVM and scheduler events (-e 0x000af000; the scheduler's runstate
# changes say which domain each pCPU runs, since I/O records carry no
# domid) from before two guests are created until after they have powered
# off; xentrace-count (tests/hv/xtrace.c) counts the records per domain,
# and ioreq-dump reads the counters of the same domains, which have made
# no request since they stopped.  Per domain and kind they must be equal.
#
# What one sees and the other does not (neither changes the counts here):
# the counters have repetitions, bytes and the destination (Xen, device
# model, buffered, nobody); the trace has each request's port or address
# and data, but not its repeat count, and needs the scheduler events to
# find its domain.  A write that Xen retries before sending it (no ioreq
# server yet, a vCPU being paused) would be traced once per attempt and
# counted once; the test guests cannot cause that.  Lost trace records
# (TRC_LOST_RECORDS: a full trace buffer) fail the check: the counts
# would then differ for a reason of the tracer's.
# COOPVMM_TEST_SABOTAGE=xentrace makes one expected count off by one.

XT=/tmp/xentrace.bin
N=6000 M=3000 K1=1500 K2=500 N2=2500
rm -f "$XT"
xentrace -D -e 0x000af000 -S 256 "$XT" > /tmp/xentrace.log 2>&1 &
xt=$!
sleep 2
check xentrace-running "Debian's xentrace started (-e 0x000af000 -S 256)" kill -0 "$xt"
t0=$(up)
guest_start xa "pio-write port=0x511 n=$N; pio-read port=0x512 n=$M; mmio addr=0xfed00000 n=$K1; mmio addr=0xfed00000 op=write n=$K2" ||
    fail create-xa "xl create failed"
guest_start xb "pio-read port=0x513 size=2 n=$N2; spin seconds=1; pio-write port=0x514 size=4 n=$N2" ||
    fail create-xb "xl create failed"
a=$(guest_domid xa)
b=$(guest_domid xb)
check xa-shutdown "guest xa powered off within 90 s" guest_wait_shutdown xa 90
check xb-shutdown "guest xb powered off within 90 s" guest_wait_shutdown xb 90
t1=$(up)
ioreq_dump
sleep 1
kill -INT "$xt"
i=0
while kill -0 "$xt" 2> /dev/null && [ "$i" -lt 20 ]; do sleep 0.5; i=$((i + 1)); done
check xentrace-stopped "xentrace exited on SIGINT" sh -c "! kill -0 $xt 2> /dev/null"
sed "s/^/COOPTEST-OUT $SCENARIO: xentrace: /" /tmp/xentrace.log
XC=$(xentrace-count "$XT" 2>&1)
echo "$XC" | sed "s/^/COOPTEST-OUT $SCENARIO: xentrace-count: /"
note "trace file $(wc -c < "$XT") bytes over $t0..$t1 s"
xget() { echo "$XC" | grep "^$1 " | tr ' ' '\n' | sed -n "s/^$2=//p"; }
check_eq lost-records 0 "$(xget xtrace lost)" "TRC_LOST_RECORDS in the trace (must be none):"
check_eq unattributed 0 "$(xget xtrace unattributed)" "I/O records on a pCPU whose domain was unknown:"

off=0
case ${COOPVMM_TEST_SABOTAGE:-} in
1|xentrace) off=1; note "SABOTAGE: expected trace pio_write of xa off by one" ;;
esac
for g in a b; do
    eval d=\$$g
    for k in pio_read pio_write mmio_read mmio_write; do
        want=$(ioreq_get "$d" "$k")
        [ "$g$k" = apio_write ] && want=$((want + off))
        check_eq "x$g-$k" "$want" "$(xget "domid=$d" "$k")" \
            "d$d: xentrace records vs hv-patch counter $k ="
    done
done
# Not vacuous: the guests' own requests are in both (plus console bytes).
check_range xa-pio_write-seen "$N" $((N + 1000)) "$(xget "domid=$a" pio_write)" \
    "xa: traced port writes (its $N + console bytes)"
check_range xb-pio_read-seen "$N2" "$N2" "$(xget "domid=$b" pio_read)" \
    "xb: traced port reads"
check_eq dom0-none 0 "$(echo "$XC" | grep -c '^domid=0 ')" "lines of dom0 (PV: no emulated I/O) in xentrace-count's output:"
rm -f "$XT"
guest_destroy xa
guest_destroy xb

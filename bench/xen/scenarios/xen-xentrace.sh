# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 500
#
# Benchmark 7 (bench/xen/run xentrace): what Xen's own tracing costs the
# guest, beside what the hv-patch counters cost it (they are always on in
# this hypervisor).  In one boot, R pairs of identical test guests, one
# after the other in Pool-0 (dom0 idle on the other CPU): one of each
# pair runs with only the counters, the other (second in odd pairs, first
# in even ones, so that neither always has the warmer host) while Debian's
# xentrace records HVM and scheduler events (-e 0x000af000 -S 256, as the
# system test's cross-check does, to a file on dom0's tmpfs).  Each guest
# reports its own rates: pio-write n=N (port 0x511, Xen's null handler)
# and ping-pong n=M (timed `in` round trips).  The trace's size and
# records per request are reported, and its lost records (they would make
# the "on" run look cheaper than it is).  One "BENCH xentrace ..." note
# per pair.

N=${COOPVMM_TEST_BENCH_PIO_N:-100000}
M=${COOPVMM_TEST_BENCH_PP_N:-20000}
R=${COOPVMM_TEST_BENCH_REPS:-3}
XT=/tmp/bench-xentrace.bin

# one NAME: run a guest to its end; "pio_rate pp_rate pp_median_ns" in $ONE.
one() {
    # A guest that resets is not restarted into the next run.
    guest_start "$1" "pio-write n=$N; ping-pong n=$M; poweroff" 'on_reboot = "destroy"' ||
        fail "create-$1" "xl create failed"
    id=$(guest_domid "$1")
    check "$1-finished" "guest powered off within 200 s" guest_wait_shutdown "$1" 200
    ONE="$(field "$(guest_phase "$id" 0)" rate) $(field "$(guest_phase "$id" 1)" rate) $(field "$(guest_phase "$id" 1)" median_ns)"
    case $1 in on*) ON_ID=$id ;; esac
    guest_destroy "$1"
}
nth() { echo "$1" | cut -d' ' -f"$2"; }
# xget LINE-KEY FIELD: a field of xentrace-count's output ($XC).
xget() { echo "$XC" | grep "^$1 " | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# traced NAME: one guest while xentrace records; trace figures in $XC.
traced() {
    rm -f "$XT"
    xentrace -D -e 0x000af000 -S 256 "$XT" > /tmp/bench-xt.log 2>&1 &
    xt=$!
    sleep 2
    one "$1"
    kill -INT "$xt"
    i=0
    while kill -0 "$xt" 2> /dev/null && [ "$i" -lt 40 ]; do sleep 0.5; i=$((i + 1)); done
    XC=$(xentrace-count "$XT" 2>&1)
    echo "$XC" | sed "s/^/COOPTEST-OUT $SCENARIO: xentrace-count: /"
    XBYTES=$(wc -c < "$XT")
    rm -f "$XT"
}

r=1
while [ $r -le "$R" ]; do
    if [ $((r % 2)) = 1 ]; then
        one off$r
        off=$ONE
        traced on$r
        on=$ONE
    else
        traced on$r
        on=$ONE
        one off$r
        off=$ONE
    fi
    lost=$(xget xtrace lost)
    recs=$(xget xtrace records)
    ios=$(echo "$XC" | grep "^domid=$ON_ID " | awk '{ s = 0; for ( i = 2; i <= NF; i++ ) { split($i, a, "="); s += a[2] } print s }')
    check_eq "lost-$r" 0 "$lost" "lost trace records:"
    check_range "traced-$r" "$((N + M))" $((N + M + 1000)) "${ios:-0}" \
        "I/O records of the traced guest (its $N writes + $M round trips + console bytes):"
    note "BENCH xentrace pair=$r pio_n=$N pp_n=$M off_pio=$(nth "$off" 1) on_pio=$(nth "$on" 1) off_pp=$(nth "$off" 2) on_pp=$(nth "$on" 2) off_pp_median_ns=$(nth "$off" 3) on_pp_median_ns=$(nth "$on" 3) trace_bytes=$XBYTES trace_records=$recs guest_io_records=$ios lost=$lost"
    r=$((r + 1))
done

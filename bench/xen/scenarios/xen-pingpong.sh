# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 1000
# files: conf/coopvmm.conf tests/system/files/daemon-lib.sh
#
# Benchmark 5, first form (bench/xen/run pingpong; bench/RESULTS.md part
# 5, runs 1-3, made with it as xen-control.sh): a latency-sensitive test guest
# ("pp": timed port-read round trips, each after a 500 µs sleep, i.e. an
# interactive pattern) beside K = 1, 2, 3 CPU-spinning guests in a one-CPU
# credit cpupool, first with static equal weights (256, no cap), then with
# coopvmmd running the shipped policy (conf/coopvmm.conf, state file and
# socket in /tmp).  For each K and mode, fresh guests; after a settling
# time (the daemon's classes need 4-6 polls) a measurement window:
#   - pp's report lines completed in the window: round-trip median and p99
#     (median over the lines), wake-up lateness median and p99, op rate
#     (ops / time, gaps included);
#   - CPU time (xl list) of pp and of the spinners over the window;
#   - the weight/cap of each guest at the end, and the daemon's classes.
# Results go out as "BENCH control ..." notes once every guest is gone.

. /tests/files/daemon-lib.sh
OUT=/tmp/bench.out
: > $OUT
SETTLE=${COOPVMM_TEST_BENCH_SETTLE:-10}
WIN=${COOPVMM_TEST_BENCH_WINDOW:-20}
GAP=${COOPVMM_TEST_BENCH_GAP_US:-500}
PP="ping-pong n=500 gap-us=$GAP repeat=65535"

median() { sort -n | awk '{ v[NR] = $1 } END { if ( NR ) print v[int((NR + 1) / 2)] }'; }
cpu_s() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $6 }'; }

# key_median LINES KEY: median of KEY over the report lines.
key_median() {
    echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | median
}

pool_make p1 credit 1 || fail pool "no credit pool p1"
# COOPVMM_TEST_BENCH_RATELIMIT: the pool's credit rate limit in µs
# (Xen's default 1000: a running vCPU is not preempted before it).
if [ -n "${COOPVMM_TEST_BENCH_RATELIMIT:-}" ]; then
    run xl sched-credit -s -p p1 -r "$COOPVMM_TEST_BENCH_RATELIMIT"
fi
run xl sched-credit -s -p p1
# COOPVMM_TEST_BENCH_KS: the Ks, comma-separated (the harness passes
# COOPVMM_TEST_* values of one word only).
for K in $(echo "${COOPVMM_TEST_BENCH_KS:-1,2,3}" | tr , " "); do
    for mode in static coop; do
        tag="k$K-$mode"
        guest_start pp "$PP" 'pool = "p1"' || fail "create-pp-$tag" "xl create failed"
        h=1
        while [ $h -le "$K" ]; do
            guest_start "hog$h" "spin seconds=60; loop" 'pool = "p1"' ||
                fail "create-hog$h-$tag" "xl create failed"
            h=$((h + 1))
        done
        if [ $mode = coop ]; then
            dconf /tmp/ctl.conf
            dstart ctl /tmp/ctl.conf || fail "start-$tag" "coopvmmd did not start"
        fi
        sleep "$SETTLE"
        id=$(guest_domid pp)
        n0=$(guest_lines "$id" | grep -c '^COOPGUEST phase=')
        w0=$(guest_lines "$id" | grep -c '^COOPGUEST wake ')
        t0=$(up) p0=$(cpu_s pp) hc0=0
        h=1
        while [ $h -le "$K" ]; do
            hc0=$(awk -v a="$hc0" -v b="$(cpu_s hog$h)" 'BEGIN { print a + b }')
            h=$((h + 1))
        done
        sleep "$WIN"
        t1=$(up) p1=$(cpu_s pp) hc1=0
        h=1
        while [ $h -le "$K" ]; do
            hc1=$(awk -v a="$hc1" -v b="$(cpu_s hog$h)" 'BEGIN { print a + b }')
            h=$((h + 1))
        done
        lines=$(guest_lines "$id" | grep '^COOPGUEST phase=' | sed "1,${n0}d")
        wakes=$(guest_lines "$id" | grep '^COOPGUEST wake ' | sed "1,${w0}d")
        nl=$(echo "$lines" | grep -c kind=)
        ops=$(echo "$lines" | tr ' ' '\n' | sed -n 's/^ops=//p' | awk '{ s += $1 } END { print s + 0 }')
        ns=$(echo "$lines" | tr ' ' '\n' | sed -n 's/^ns=//p' | awk '{ s += $1 } END { print s + 0 }')
        rate=$(awk -v o="$ops" -v n="$ns" 'BEGIN { if ( n > 0 ) printf "%.0f", o * 1e9 / n }')
        ws="" 
        for g in pp hog1 hog2 hog3; do
            [ "$(guest_state $g)" = gone ] && continue
            ws="$ws${ws:+,}$g:$(sched_wc credit $g | tr ' ' '/')"
        done
        classes=""
        if [ $mode = coop ]; then
            classes=$(dclass_lines /tmp/ctl.log | awk '{ printf "%s%s%s", s, $1, $4; s = "," }')
            dstop TERM
            dlog_show /tmp/ctl.log | tail -20
        fi
        win=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
        hog_pct=$(awk -v a="$hc0" -v b="$hc1" -v w="$win" 'BEGIN { printf "%.1f", 100 * (b - a) / w }')
        pp_pct=$(awk -v a="$p0" -v b="$p1" -v w="$win" 'BEGIN { printf "%.1f", 100 * (b - a) / w }')
        echo "BENCH pingpong k=$K mode=$mode win_s=$win lines=$nl ops=$ops rate=$rate" \
             "rt_median_ns=$(key_median "$lines" median_ns) rt_p99_ns=$(key_median "$lines" p99_ns)" \
             "wake_median_ns=$(key_median "$wakes" median_ns) wake_p99_ns=$(key_median "$wakes" p99_ns)" \
             "pp_cpu_pct=$pp_pct hogs_cpu_pct=$hog_pct weights=$ws classes=${classes:-none}" >> $OUT
        check_range "lines-$tag" 1 1000000 "$nl" "pp report lines in the window:"
        guest_destroy pp
        h=1
        while [ $h -le "$K" ]; do guest_destroy "hog$h"; h=$((h + 1)); done
    done
done
pool_drop p1 1
sed "s/^/COOPTEST-NOTE $SCENARIO: /" $OUT

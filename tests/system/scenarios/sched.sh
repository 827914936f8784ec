# SPDX-License-Identifier: GPL-2.0-only
# hv: any
# timeout: 150
#
# Scheduler smoke test, the base for the daemon scenarios: two spinning test
# guests in a one-CPU credit cpupool; `xl sched-credit` sets and reads back
# weight and cap, and the weights take effect (CPU time splits about 3:1 for
# weights 768:256).  A third guest measures, for later comparison, how late
# an I/O guest wakes beside the spinners.  Restores Pool-0 at the end.

cpu_time() {
    xl list "$1" | awk 'NR == 2 { print $6 }'
}

run xl cpupool-cpu-remove Pool-0 1 || fail pool "cannot take CPU 1 from Pool-0"
printf 'name = "p1"\nsched = "credit"\ncpus = ["1"]\n' > /tmp/p1.cfg
run xl cpupool-create /tmp/p1.cfg
check_eq pool-p1 "p1 1 credit" \
    "$(xl cpupool-list | awk '$1 == "p1" { print $1, $2, $3 }')" "xl cpupool-list:"

guest_start heavy "spin seconds=5; loop" 'pool = "p1"' || fail create-heavy "xl create failed"
guest_start light "spin seconds=5; loop" 'pool = "p1"' || fail create-light "xl create failed"
check_eq heavy-pool p1 "$(xl list -c heavy | awk 'NR == 2 { print $NF }')" "xl list -c:"

run xl sched-credit -d heavy -w 768
run xl sched-credit -d light -w 256
run xl sched-credit -p p1
check_eq weight-heavy "768 0" "$(xl sched-credit -d heavy | awk 'NR == 2 { print $3, $4 }')" "weight cap:"
check_eq weight-light "256 0" "$(xl sched-credit -d light | awk 'NR == 2 { print $3, $4 }')" "weight cap:"

h0=$(cpu_time heavy) l0=$(cpu_time light)
sleep 8
h1=$(cpu_time heavy) l1=$(cpu_time light)
ratio=$(awk -v a="$h0" -v b="$h1" -v c="$l0" -v d="$l1" \
    'BEGIN { if ( d - c > 0 ) printf "%d", 10 * (b - a) / (d - c); else print 999 }')
note "CPU seconds over 8 s: heavy $h0 -> $h1, light $l0 -> $l1, ratio x10 = $ratio"
check_range share-768-256 20 45 "$ratio" "heavy/light CPU time x10 (weights 3:1):"

# Baseline for the daemon scenarios: how late does an I/O guest that sleeps
# 5 ms between port reads wake up while two guests spin on its CPU?
guest_start pp "ping-pong port=0x512 n=200 gap-us=5000" 'pool = "p1"' ||
    fail create-pp "xl create failed"
pp=$(guest_domid pp)
check pp-shutdown "ping-pong guest powered off within 60 s" guest_wait_shutdown pp 60
l=$(guest_phase "$pp" 0)
w=$(guest_wake "$pp" 0)
note "ping-pong beside 2 spinners: $l"
note "ping-pong beside 2 spinners: $w"
check_eq pp-ops 200 "$(field "$l" ops)" "ping-pong round trips:"
check_range pp-wake-median 0 5000000000 "$(field "$w" median_ns)" "wake-up lateness median ns"
guest_destroy pp

run xl sched-credit -d light -c 25
check_eq cap-light "256 25" "$(xl sched-credit -d light | awk 'NR == 2 { print $3, $4 }')" "weight cap:"
run xl sched-credit -d heavy -w 256 -c 0
check_eq reset-heavy "256 0" "$(xl sched-credit -d heavy | awk 'NR == 2 { print $3, $4 }')" "weight cap:"

guest_destroy heavy
guest_destroy light
run xl cpupool-destroy p1
run xl cpupool-cpu-add Pool-0 1
check_eq pool-restored 2 "$(xl cpupool-list | awk '$1 == "Pool-0" { print $2 }')" "Pool-0 CPUs:"

# SPDX-License-Identifier: GPL-2.0-only
# hv: stock
# timeout: 150
#
# Debian's unpatched hypervisor: the test guest boots and runs every kind of
# phase, and ioreq-dump fails with ENOSYS, the signal that the hypervisor
# lacks the coopvmm patch.

guest_start stock "pio-write port=0x511 n=2000; pio-read port=0x512 n=500; mmio addr=0xfed00000 n=300; mmio op=write n=100; ping-pong n=200; idle ms=500; spin ms=300; ping-pong n=50 gap-us=2000" ||
    fail create "xl create failed"
id=$(guest_domid stock)
check shutdown "guest powered off within 60 s" guest_wait_shutdown stock 60
guest_lines "$id" | sed "s/^/COOPTEST-OUT $SCENARIO: /"

check_eq state "---s--" "$(guest_state stock)" "xl list state"
l=$(guest_lines "$id" | grep '^COOPGUEST done')
check_eq done "8" "$(field "$l" phases)" "guest done line, phases"
check_eq pio-write-ops 2000 "$(field "$(guest_phase "$id" 0)" ops)"
check_eq pio-read-ops 500 "$(field "$(guest_phase "$id" 1)" ops)"
# Unclaimed ports and unbacked MMIO read as all ones (Xen's null handler).
check_eq pio-read-sum $((500 * 255)) "$(field "$(guest_phase "$id" 1)" sum)"
check_eq mmio-read-sum $((300 * 4294967295)) "$(field "$(guest_phase "$id" 2)" sum)"
check_eq mmio-write-ops 100 "$(field "$(guest_phase "$id" 3)" ops)"
l=$(guest_phase "$id" 4)
check_range ping-pong-median 1 100000000 "$(field "$l" median_ns)" "median ns"
check_range idle-ns 500000000 5000000000 "$(field "$(guest_phase "$id" 5)" ns)"
check_range spin-ns 300000000 5000000000 "$(field "$(guest_phase "$id" 6)" ns)"
l=$(guest_phase "$id" 7)
check_eq ping-pong-gap-ops 50 "$(field "$l" ops)"
check_range ping-pong-gap-wakeups 50 1000 "$(field "$l" wakeups)" "wakeups"
check_range ping-pong-gap-ns 100000000 5000000000 "$(field "$l" ns)" "50 x 2 ms gaps took ns"
check_range ping-pong-wake-median 0 1000000000 "$(field "$(guest_wake "$id" 7)" median_ns)" "wake-up lateness median ns"

# The open-loop request server (tests/guest/README.md): phase 0 keeps up
# (20 % load), phase 1 is overloaded (4 ms of work every 2 ms) and must
# build a queue; a window of requests=100 holds exactly 100 arrivals.
guest_start srv "serve period-ms=10 work-us=2000 io=5 requests=100; serve period-ms=2 work-us=4000 io=0 requests=100" ||
    fail serve-create "xl create failed"
sid=$(guest_domid srv)
check serve-shutdown "serve guest powered off within 60 s" guest_wait_shutdown srv 60
guest_lines "$sid" | sed "s/^/COOPTEST-OUT $SCENARIO: /"
l=$(guest_phase "$sid" 0)
w=$(guest_lines "$sid" | grep '^COOPGUEST serve phase=0 rep=0 ' | tail -1)
check_eq serve-arrived 100 "$(field "$l" arrived)" "requests arriving in the window:"
check_eq serve-done 100 "$(field "$l" ops)" "requests served by a server that keeps up:"
check_eq serve-backlog 0 "$(field "$l" backlog)" "requests left queued:"
check_range serve-blocks 99 100000 "$(field "$w" wakeups)" "returns from SCHEDOP_poll (one wait per request at least):"
check_range serve-work 1500 20000 "$(field "$w" svc_p50_us)" "service time median µs for 2000 µs of work and 5 reads:"
check_range serve-latency "$(field "$w" svc_p50_us)" 100000 "$(field "$l" p50_us)" "latency median µs, at least the service time:"
l=$(guest_phase "$sid" 1)
check_eq serve-over-arrived 100 "$(field "$l" arrived)" "overloaded window, arrivals:"
a=$(field "$l" ops) b=$(field "$l" backlog)
check_eq serve-over-sum 100 "$((${a:-0} + ${b:-0}))" "overloaded window, served + queued:"
check_range serve-over-backlog 20 80 "$(field "$l" backlog)" "overloaded window, still queued at its end:"
check_range serve-over-queue 50000 10000000 "$(field "$l" max_us)" "overloaded window, max latency µs (the queue grew):"

ioreq_dump
case $IOREQ_RC:$IOREQ_OUT in
0:*)
    fail ioreq-enosys "ioreq-dump succeeded on the stock hypervisor: $IOREQ_OUT" ;;
*ENOSYS*|*"not implemented"*)
    pass ioreq-enosys "rc=$IOREQ_RC: $(echo "$IOREQ_OUT" | head -1)" ;;
*)
    fail ioreq-enosys "rc=$IOREQ_RC without ENOSYS: $(echo "$IOREQ_OUT" | head -1)" ;;
esac
# The patch's debug key is not there either: 'j' dumps no counters.
if ioreq_debugkey; then
    fail debugkey-absent "counter lines after 'xl debug-keys j' on the stock hypervisor"
else
    pass debugkey-absent "no counter lines after 'xl debug-keys j'"
fi
guest_destroy stock
guest_destroy srv

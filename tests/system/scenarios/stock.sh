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

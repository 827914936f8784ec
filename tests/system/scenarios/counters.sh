# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 150
#
# The hv-patch counters are exact.  One guest makes exactly N port writes,
# M port reads, K1 MMIO reads and K2 MMIO writes; another only spins.  A PVH
# guest has no device model, so all of them go to Xen's null handler ("none"),
# except the guest's own console bytes on port 0xe9, which Xen handles itself
# ("xen"); each report line says how many of those there were.  Both sources
# are checked: ioreq-dump (the sysctl) and the debug key 'j'.  The spinning
# guest then idles (blocked in SCHEDOP_poll), which must add nothing either.
# COOPVMM_TEST_SABOTAGE=1 makes one expected value wrong on purpose, to show
# that the checks can fail.

N=20000 M=5000 K1=2000 K2=1000
guest_start io "pio-write port=0x511 n=$N; pio-read port=0x512 n=$M; mmio addr=0xfed00000 n=$K1; mmio addr=0xfed00000 op=write n=$K2" ||
    fail create-io "xl create failed"
# CPU only, then idle: neither may make an I/O request.
guest_start spin "spin seconds=2; idle seconds=1" || fail create-spin "xl create failed"
# Phases repeated and looped: 3 x (2 x 7 writes + 2 x 5 reads) = 42 + 30.
# The 9 writes to port 0x80 are not seen at all: Xen does not intercept
# ports 0x80 and 0xed for HVM/PVH guests (hvm_io_bitmap), so they never
# become I/O requests.
guest_start seq "pio-write port=0x513 n=7 repeat=2; pio-read port=0x514 size=4 n=5 repeat=2; idle ms=10; loop n=3; pio-write port=0x80 n=9" ||
    fail create-seq "xl create failed"
io=$(guest_domid io)
spin=$(guest_domid spin)
seq=$(guest_domid seq)
check io-shutdown "io guest powered off within 60 s" guest_wait_shutdown io 60
check spin-shutdown "spin+idle guest powered off within 60 s" guest_wait_shutdown spin 60
check seq-shutdown "seq guest powered off within 60 s" guest_wait_shutdown seq 60
guest_lines "$seq" | sed "s/^/COOPTEST-OUT $SCENARIO: seq: /"
check_eq seq-guest-lines "7 6 3" "$(guest_lines "$seq" | grep -c kind=pio-write) $(guest_lines "$seq" | grep -c kind=pio-read) $(guest_lines "$seq" | grep -c kind=idle)" "pio-write, pio-read, idle report lines:"
Q=$(guest_console_bytes "$seq")
guest_lines "$io" | sed "s/^/COOPTEST-OUT $SCENARIO: io: /"
guest_lines "$spin" | sed "s/^/COOPTEST-OUT $SCENARIO: spin: /"

# What the guests say they did.
check_eq io-guest-pio-write $N "$(field "$(guest_phase "$io" 0)" ops)" "guest report:"
check_eq io-guest-pio-read $M "$(field "$(guest_phase "$io" 1)" ops)" "guest report:"
check_eq io-guest-mmio-read $K1 "$(field "$(guest_phase "$io" 2)" ops)" "guest report:"
check_eq io-guest-mmio-write $K2 "$(field "$(guest_phase "$io" 3)" ops)" "guest report:"
C=$(guest_console_bytes "$io")
S=$(guest_console_bytes "$spin")
note "console bytes: io guest $C, spin guest $S"

off=0
[ "${COOPVMM_TEST_SABOTAGE:-0}" = 1 ] && off=1 && note "SABOTAGE: expected pio_write is off by one"

# check_counters SOURCE: compare $IOREQ_OUT with the exact expectations.
check_counters() {
    src=$1
    if [ -z "$C" ] || [ -z "$S" ]; then
        fail "$src-console" "no console byte count from the guests (io '$C', spin '$S')"
        return
    fi
    check_eq "$src-io-pio_write" $((N + C + off)) "$(ioreq_get "$io" pio_write)" "N+console:"
    check_eq "$src-io-pio_read" $M "$(ioreq_get "$io" pio_read)"
    check_eq "$src-io-mmio_read" $K1 "$(ioreq_get "$io" mmio_read)"
    check_eq "$src-io-mmio_write" $K2 "$(ioreq_get "$io" mmio_write)"
    check_eq "$src-io-reps" $((N + M + K1 + K2 + C)) "$(ioreq_get "$io" reps)"
    check_eq "$src-io-bytes" $((N + M + 4 * (K1 + K2) + C)) "$(ioreq_get "$io" bytes)"
    check_eq "$src-io-none" $((N + M + K1 + K2)) "$(ioreq_get "$io" none)" "null handler:"
    check_eq "$src-io-xen" "$C" "$(ioreq_get "$io" xen)" "console bytes (port 0xe9):"
    check_eq "$src-io-dm" 0 "$(ioreq_get "$io" dm)"
    check_eq "$src-io-buffered" 0 "$(ioreq_get "$io" buffered)"
    check_eq "$src-spin-pio_write" "$S" "$(ioreq_get "$spin" pio_write)" "console bytes only:"
    check_eq "$src-spin-pio_read" 0 "$(ioreq_get "$spin" pio_read)"
    check_eq "$src-spin-mmio" 0:0 "$(ioreq_get "$spin" mmio_read):$(ioreq_get "$spin" mmio_write)"
    check_eq "$src-spin-none" 0 "$(ioreq_get "$spin" none)"
    check_eq "$src-spin-xen" "$S" "$(ioreq_get "$spin" xen)"
    check_eq "$src-seq-pio" "$((42 + Q)) 30 $((42 + 30 * 4 + Q)) 72" \
        "$(ioreq_get "$seq" pio_write) $(ioreq_get "$seq" pio_read) $(ioreq_get "$seq" bytes) $(ioreq_get "$seq" none)" \
        "pio_write pio_read bytes none (port 0x80 not intercepted):"
}

if ioreq_dump; then
    check_counters ioreq-dump
else
    fail ioreq-dump "rc=$IOREQ_RC: $(echo "$IOREQ_OUT" | head -1)"
fi
if ioreq_debugkey; then
    check_counters debugkey
else
    fail debugkey "no counter lines after 'xl debug-keys j'"
fi
guest_destroy io
guest_destroy spin
guest_destroy seq

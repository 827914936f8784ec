# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 210
#
# The hv-patch counters are exact.  One guest makes exactly N port writes,
# M port reads, K1 MMIO reads and K2 MMIO writes; another only spins.  A PVH
# guest has no device model, so all of them go to Xen's null handler ("none"),
# except the guest's own console bytes on port 0xe9, which Xen handles itself
# ("xen"); each report line says how many of those there were.  Both sources
# are checked: ioreq-dump (the sysctl) and the debug key 'j'.  The spinning
# guest then idles (blocked in SCHEDOP_poll), which must add nothing either.
# Then the runstate sums of ABI version 2: two spinners pinned to one pCPU
# share it (each runs about half the time and waits, runnable, the other
# half; running matches the CPU time xl list reports), an idle guest is
# blocked all the time, and every domain's four sums grow by its vCPUs times
# the elapsed time.
# COOPVMM_TEST_SABOTAGE=1 makes one expected value wrong on purpose, to show
# that the checks can fail; COOPVMM_TEST_SABOTAGE=runstate does the same
# for the runstate checks (the idle guest is expected to run).

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

# ---- runstate sums ---------------------------------------------------------
# sum4 DOMID: running + runnable + blocked + offline (ns) from $IOREQ_OUT.
sum4() {
    echo "$(ioreq_get "$1" running_ns) $(ioreq_get "$1" runnable_ns) $(ioreq_get "$1" blocked_ns) $(ioreq_get "$1" offline_ns)" |
        awk '{ print $1 + $2 + $3 + $4 }'
}
# pct A0 A1 B0 B1: 100 * (A1 - A0) / (B1 - B0), rounded down.
pct() {
    awk -v a0="$1" -v a1="$2" -v b0="$3" -v b1="$4" \
        'BEGIN { if ( b1 > b0 ) printf "%d", 100 * (a1 - a0) / (b1 - b0); else print -1 }'
}
# cpu_ms NAME: the CPU time xl list reports (getdomaininfo), in ms.
cpu_ms() {
    xl list "$1" | awk 'NR == 2 { printf "%d", $6 * 1000 }'
}

guest_start spin1 "spin seconds=5; loop" 'cpus = "1"' || fail create-spin1 "xl create failed"
guest_start spin2 "spin seconds=5; loop" 'cpus = "1"' || fail create-spin2 "xl create failed"
guest_start idle "idle seconds=5; loop" 'cpus = "0"' || fail create-idle "xl create failed"
s1=$(guest_domid spin1) s2=$(guest_domid spin2) id=$(guest_domid idle)
sleep 2
declare_sample() {
    ioreq_dump > /dev/null || fail "runstate-dump-$1" "rc=$IOREQ_RC: $(echo "$IOREQ_OUT" | head -1)"
    eval "up_$1=$(up)"
    # getdomaininfo's CPU time (xl list) at once, bracketed by a second
    # dump: xl list is slow under QEMU, and the spinners run meanwhile.
    eval "c1_$1=$(cpu_ms spin1) c2_$1=$(cpu_ms spin2)"
    first=$IOREQ_OUT
    ioreq_dump > /dev/null || fail "runstate-dump-$1-after" "rc=$IOREQ_RC: $(echo "$IOREQ_OUT" | head -1)"
    for d in "$s1" "$s2"; do
        eval "runafter_${1}_$d=$(ioreq_get "$d" running_ns)"
    done
    IOREQ_OUT=$first
    for d in 0 "$s1" "$s2" "$id"; do
        eval "run_${1}_$d=$(ioreq_get "$d" running_ns) wait_${1}_$d=$(ioreq_get "$d" runnable_ns) blk_${1}_$d=$(ioreq_get "$d" blocked_ns) all_${1}_$d=$(sum4 "$d")"
    done
}
declare_sample a
sleep 8
declare_sample b
echo "$IOREQ_OUT" | sed "s/^/COOPTEST-OUT $SCENARIO: runstate: /"

check_eq runstate-present "1 1 1 1" \
    "$(ioreq_get 0 online) $(ioreq_get "$s1" online) $(ioreq_get "$s2" online) $(ioreq_get "$id" online)" \
    "online vCPUs of dom0, spin1, spin2, idle (ABI version 2 fields):"
# dom0 has one vCPU: its four sums grow by Xen's elapsed time.
wall_a=$all_a_0 wall_b=$all_b_0
wall_ms=$(( (wall_b - wall_a) / 1000000 ))
up_ms=$(awk -v a="$up_a" -v b="$up_b" 'BEGIN { printf "%d", 1000 * (b - a) }')
note "runstate window: ${wall_ms} ms of Xen time, ${up_ms} ms of dom0 uptime"
check_range runstate-timebase 95 105 "$(pct 0 "$wall_ms" 0 "$up_ms")" \
    "dom0's running+runnable+blocked+offline over dom0's own clock, %:"
for d in "$s1" "$s2" "$id"; do
    eval "a=\$all_a_$d b=\$all_b_$d"
    check_range "runstate-sum-d$d" 99 101 "$(pct "$a" "$b" "$wall_a" "$wall_b")" \
        "domain $d: growth of its four sums over the elapsed time (1 vCPU), %:"
done

# Two spinners on one pCPU: each wants it all the time, gets about half.
i=0
for d in "$s1" "$s2"; do
    i=$((i + 1))
    eval "r0=\$run_a_$d r1=\$run_b_$d w0=\$wait_a_$d w1=\$wait_b_$d c0=\$c${i}_a c1=\$c${i}_b ra=\$runafter_b_$d"
    check_range "spin$i-runnable" 25 75 "$(pct "$w0" "$w1" "$wall_a" "$wall_b")" \
        "runnable (waiting for the shared pCPU), % of the window:"
    check_range "spin$i-demand" 95 101 "$(pct $((r0 + w0)) $((r1 + w1)) "$wall_a" "$wall_b")" \
        "running + runnable, % of the window:"
    # running vs getdomaininfo's CPU time (xl list, rounded to 0.1 s),
    # both cumulative; xl list ran between two dumps, so its figure
    # lies between their running times, give or take the rounding.
    check_range "spin$i-running-is-cpu-time" -50 $(( (ra - r1) / 1000000 + 50 )) \
        $(( c1 - r1 / 1000000 )) \
        "xl list CPU time minus running at the dump before it, ms (the upper bound is the running time until the dump after it, + 50):"
done
check_range spin-share 85 101 \
    "$(pct $((run_a_$s1 + run_a_$s2)) $((run_b_$s1 + run_b_$s2)) "$wall_a" "$wall_b")" \
    "spin1 + spin2 running, % of one pCPU:"

# The idle guest is blocked all the time.
eval "b0=\$blk_a_$id b1=\$blk_b_$id r0=\$run_a_$id r1=\$run_b_$id"
if [ "${COOPVMM_TEST_SABOTAGE:-0}" = runstate ]; then
    note "SABOTAGE: the idle guest is expected to be running"
    b0=$r0 b1=$r1
fi
check_range idle-blocked 95 101 "$(pct "$b0" "$b1" "$wall_a" "$wall_b")" \
    "blocked, % of the window:"
check_range idle-running 0 3 "$(pct "$r0" "$r1" "$wall_a" "$wall_b")" \
    "running, % of the window:"
guest_destroy spin1
guest_destroy spin2
guest_destroy idle

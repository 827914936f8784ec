# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 300
# needs: tests/system/files/hvm-base
#
# The device-model path: one HVM guest with the qemu-xen device model
# (Debian's kernel, busybox initramfs from tests/system/files/hvm-guest-init)
# writes one byte to port 0x511 N times and reads it M times; qemu-xen
# claims that port (fw_cfg data), so each access is forwarded to the device
# model.  The BIOS and the kernel do their own I/O, so the counters are
# read just before and just after the burst, while the guest is quiet (it
# sleeps 10 s after saying "ready" and 15 s after the burst), and the deltas
# must be exact: pio_write N, pio_read M (a read that the device model
# completes re-enters the emulator; it must count once), dm N+M, none 0.
# A third reading 1 s later must equal the second (nothing else is counted
# while the guest is quiet).  Slow: about 90 s for the guest to boot.
# COOPVMM_TEST_SABOTAGE=hvm-dm makes the expected pio_write off by one.
#
# Xen's own tracing runs over the guest's whole life (as in the xentrace
# scenario: Debian's xentrace -e 0x000af000 from before `xl create` until
# the guest has powered off; tests/hv/xentrace-count): hvmloader, SeaBIOS
# and Linux reach qemu-xen through port and MMIO requests of every kind,
# and per kind the trace records must equal the hv-patch counters, with
# no lost record.  COOPVMM_TEST_SABOTAGE=hvm-xentrace (or 1) makes one off by one.

N=20 M=7
SER=/var/log/xen/console/hvm-dm.log
rm -f "$SER"
guest_cfg_hvm() {
    # No AVX for the guest (see stock-pv.sh).
    cat > /tmp/hvm.cfg <<CFG
name = "hvm"
type = "hvm"
kernel = "/tests/hvm/vmlinuz"
ramdisk = "/tests/hvm/initrd.gz"
cmdline = "console=ttyS0 quiet rdinit=/init hvm_n=$N hvm_m=$M"
memory = 160
vcpus = 1
cpuid = "host,avx=0"
vga = "none"
vnc = 0
sdl = 0
serial = "file:$SER"
on_poweroff = "preserve"
on_crash = "preserve"
CFG
}
# ser_wait PATTERN SECONDS: wait for PATTERN in the guest's serial output.
ser_wait() {
    i=0
    while [ "$i" -lt "$2" ]; do
        grep -q "$1" "$SER" 2> /dev/null && return 0
        sleep 1
        i=$((i + 1))
    done
    return 1
}
# snap VAR: "pio_write pio_read dm none xen" of the guest, now.
snap() {
    ioreq_dump > /dev/null
    echo "$(ioreq_get "$id" pio_write) $(ioreq_get "$id" pio_read) $(ioreq_get "$id" dm) $(ioreq_get "$id" none) $(ioreq_get "$id" xen)"
}
nth() { echo "$1" | cut -d' ' -f"$2"; }

guest_cfg_hvm
XT=/tmp/hvm-xentrace.bin
rm -f "$XT"
xentrace -D -e 0x000af000 -S 256 "$XT" > /tmp/hvm-xentrace.log 2>&1 &
xt=$!
sleep 2
T=60 run xl create /tmp/hvm.cfg || fail create "xl create failed: $(tail -3 /var/log/xen/qemu-dm-hvm.log 2>&1)"
id=$(guest_domid hvm)
t0=$(up)
if ! ser_wait "HVMGUEST ready" 150; then
    fail ready "guest never said ready; serial tail: $(tail -3 "$SER" 2>&1 | tr '\n' '|')"
    tail -20 /var/log/xen/qemu-dm-hvm.log 2>&1 | sed "s/^/COOPTEST-OUT $SCENARIO: qemu-dm: /"
    exit 0
fi
pass ready "guest $id booted through hvmloader, SeaBIOS and qemu-xen (created at t=$t0, ready at t=$(up))"
check avx-masked "the guest's /proc/cpuinfo: $(grep -o 'HVMGUEST cpu avx=[a-z]*' "$SER" | head -1) (cpuid masks it)" \
    grep -q 'HVMGUEST cpu avx=no' "$SER"
sleep 2
A=$(snap)
sleep 1
A2=$(snap)
note "before: $A / 1 s later: $A2 (pio_write pio_read dm none xen)"
# Wait for the burst to finish (the reads come last), then for quiet.
i=0
while [ "$i" -lt 60 ]; do
    B=$(snap)
    [ $(($(nth "$B" 2) - $(nth "$A2" 2))) -ge "$M" ] 2> /dev/null && break
    sleep 0.5
    i=$((i + 1))
done
sleep 2
B=$(snap)
sleep 1
B2=$(snap)
early=$(grep -c "HVMGUEST done" "$SER")
note "after: $B / 1 s later: $B2 (pio_write pio_read dm none xen)"
check_eq quiet-before "$A" "$A2" "counters 1 s apart before the burst:"
check_eq quiet-after "$B" "$B2" "counters 1 s apart after the burst:"
check_eq in-window 0 "$early" "guest 'done' lines seen when the counters were read (must be after):"
off=0
case ${COOPVMM_TEST_SABOTAGE:-} in
1|hvm-dm) off=1; note "SABOTAGE: expected pio_write off by one" ;;
esac
check_eq pio_write $((N + off)) $(($(nth "$B" 1) - $(nth "$A2" 1))) "delta of pio_write over the burst:"
check_eq pio_read $M $(($(nth "$B" 2) - $(nth "$A2" 2))) "delta of pio_read (completions counted once):"
check_eq dm $((N + M)) $(($(nth "$B" 3) - $(nth "$A2" 3))) "delta of dm (N+M):"
check_eq none 0 $(($(nth "$B" 4) - $(nth "$A2" 4))) "delta of none:"
check_range dm-total $((N + M)) 100000000 "$(nth "$B" 3)" "dm counter since boot (BIOS, kernel, burst)"

if ser_wait "HVMGUEST done" 40; then
    check_eq guest-report "writes=$N reads=$M" "$(sed -n 's/.*HVMGUEST done \(.*\)/\1/p' "$SER" | tr -d '\r' | tail -1)" "guest:"
else
    fail guest-report "no 'done' line; serial tail: $(tail -3 "$SER" 2>&1 | tr '\n' '|')"
fi
tail -5 "$SER" | sed "s/^/COOPTEST-OUT $SCENARIO: serial: /"

# The whole life: the guest has powered off (preserved), so neither side
# moves any more.
check hvm-shutdown "HVM guest powered off within 30 s" guest_wait_shutdown hvm 30
ioreq_dump > /dev/null
kill -INT "$xt"
i=0
while kill -0 "$xt" 2> /dev/null && [ "$i" -lt 40 ]; do sleep 0.5; i=$((i + 1)); done
sed "s/^/COOPTEST-OUT $SCENARIO: xentrace: /" /tmp/hvm-xentrace.log
XC=$(xentrace-count "$XT" 2>&1)
echo "$XC" | sed "s/^/COOPTEST-OUT $SCENARIO: xentrace-count: /"
note "trace file $(wc -c < "$XT") bytes; counters: $(echo "$IOREQ_OUT" | grep "^domid=$id ")"
xget() { echo "$XC" | grep "^$1 " | tr ' ' '\n' | sed -n "s/^$2=//p"; }
check_eq xentrace-lost 0 "$(xget xtrace lost)" "TRC_LOST_RECORDS in the trace (must be none):"
check_eq xentrace-unattributed 0 "$(xget xtrace unattributed)" "I/O records of an unknown domain:"
off=0
case ${COOPVMM_TEST_SABOTAGE:-} in
1|hvm-xentrace) off=1; note "SABOTAGE: expected traced pio_read off by one" ;;
esac
for k in pio_read pio_write mmio_read mmio_write; do
    want=$(ioreq_get "$id" "$k")
    [ "$k" = pio_read ] && want=$((want + off))
    check_eq "xentrace-$k" "$want" "$(xget "domid=$id" "$k")" \
        "d$id whole life: xentrace records vs hv-patch counter $k ="
done
check_range xentrace-dm-seen $((N + M)) 100000000 "$(ioreq_get "$id" dm)" \
    "requests the device model served over the guest's life"
rm -f "$XT"
guest_destroy hvm

# SPDX-License-Identifier: GPL-2.0-only
# hv: stock
# timeout: 240
# files: conf/coopvmm.conf tests/system/files/daemon-lib.sh tests/system/files/stock-lib.sh
# needs: tests/system/files/pv-base
#
# PV block and network counters on Debian's stock Xen, read by coopvmmd
# without libxenstat (blkback's sysfs counters, /proc/net/dev), against
# Xen's own `xentop -b -n` over the same window.  A PVH guest (Debian's
# kernel, tests/system/files/pv-guest-init, guest_mode=pv) has a vbd on a
# dom0 RAM disk (brd) through xen-blkback and a vif through xen-netback
# on a bridge, with small hotplug scripts of our own (Debian's are bash,
# dom0 has busybox).  The bridge is needed for xentop, not for coopvmmd:
# without a bridge in dom0, xentop's library (4.17) takes an empty bridge
# name as matching every interface and gives no guest any vif counter.  It does direct reads and writes of its disk, then pings the
# subnet's broadcast address (dom0 receives, does not answer) and dom0
# (answered): more packets in than out, so a swapped direction shows.
# coopvmmd records (--record); its last recorded counters must lie between
# two xentop readings taken around them, once before the guest's I/O and
# once after, while the guest is quiet.  The guest has no device model:
# its device-model counters stay 0 and coopctl shows no dm_pid.
# COOPVMM_TEST_SABOTAGE=stock-pv turns every check around.

. /tests/files/daemon-lib.sh
. /tests/files/stock-lib.sh
KVER=$(uname -r)
REC=/tmp/pv.rec
CON=/var/log/xen/console/guest-pv.log
rm -rf /tmp/coopvmm "$REC" "$CON"

for m in brd xen-blkback xen-netback llc stp bridge; do
    a=""
    [ $m = brd ] && a="rd_nr=1 rd_size=16384"
    # shellcheck disable=SC2086
    insmod "/lib/modules/$KVER/$m.ko" $a || note "insmod $m failed"
done
cat > /tmp/vbd-hotplug <<'SH'
#!/bin/sh
# libxl runs this with add/remove; XENBUS_PATH is the backend's path.
[ "$1" = add ] || exit 0
dev=$(xenstore-read "$XENBUS_PATH/params") || exit 1
xenstore-write "$XENBUS_PATH/physical-device" "$(stat -L -c '%t:%T' "$dev")" \
    "$XENBUS_PATH/hotplug-status" connected
SH
cat > /tmp/vif-hotplug <<'SH'
#!/bin/sh
# libxl runs this with online/offline; $vif is dom0's interface.
case $1 in
online|add)
    echo 1 > "/proc/sys/net/ipv6/conf/$vif/disable_ipv6" 2> /dev/null
    brctl addif xenbr0 "$vif"
    ip link set "$vif" up
    xenstore-write "$XENBUS_PATH/hotplug-status" connected ;;
esac
exit 0
SH
chmod +x /tmp/vbd-hotplug /tmp/vif-hotplug
brctl addbr xenbr0
echo 1 > /proc/sys/net/ipv6/conf/xenbr0/disable_ipv6 2> /dev/null
ip addr add 10.9.0.1/24 dev xenbr0
ip link set xenbr0 up

dconf /tmp/pv.conf
dstart pv /tmp/pv.conf --record "$REC" || fail start "coopvmmd did not start"
# No AVX for the guest: under QEMU's TCG its busybox (glibc's AVX2 string
# functions) was seen dying of SIGILL on a VEX instruction (README, Fragile
# spots).
cat > /tmp/pv.cfg <<CFG
name = "pv"
type = "pvh"
kernel = "/tests/pv/vmlinuz"
ramdisk = "/tests/pv/initrd.gz"
cmdline = "console=hvc0 quiet rdinit=/init ipv6.disable=1 guest_mode=pv pv_quiet=12 pv_reads=2000 pv_writes=700 pv_bcast=300 pv_pings=60"
memory = 128
vcpus = 1
cpuid = "host,avx=0"
disk = [ "format=raw,vdev=xvda,access=rw,backendtype=phy,script=/tmp/vbd-hotplug,target=/dev/ram0" ]
vif = [ "script=/tmp/vif-hotplug" ]
on_poweroff = "preserve"
CFG
T=90 run xl create /tmp/pv.cfg || fail create "xl create failed"
id=$(guest_domid pv)

# con_wait PATTERN SECONDS: wait for PATTERN on the guest's console.
con_wait() { file_wait "$CON" "$@"; }
# window NAME: xentop, coopvmmd's recorded counters, xentop again: each
# counter of ours must lie between the two readings of xentop.
window() {
    A=$(xt_dom pv)
    sleep 2                     # at least one poll after the first reading
    O=$(rec_abs "$REC" "$id")
    B=$(xt_dom pv)
    ours="$(nth "$O" 11) $(nth "$O" 12) $(nth "$O" 13) $(nth "$O" 14) $(nth "$O" 15) $(nth "$O" 16) $(nth "$O" 17) $(nth "$O" 18)"
    note "$1: xentop before [$A] coopvmmd [$ours] xentop after [$B] (rd wr rsect wsect rx_pkts tx_pkts rx_bytes tx_bytes)"
    eval "$1_A=\"\$A\" $1_O=\"\$ours\" $1_B=\"\$B\""
    k=0
    for what in vbd-rd vbd-wr vbd-rsect vbd-wsect net-rx-pkts net-tx-pkts net-rx-bytes net-tx-bytes; do
        a=$(nth "$A" $k) o=$(nth "$ours" $k) b=$(nth "$B" $k)
        scheck "$1-$what" "xentop $a <= coopvmmd $o <= xentop $b" \
            eval 'is "$a" "<=" "$o" && is "$o" "<=" "$b"'
        k=$((k + 1))
    done
}

if ! con_wait "GUEST ready" 120; then
    fail ready "guest never said ready: $(tail -3 "$CON" 2>&1 | tr '\n' '|')"
    # A panic's reason is above its last lines, and a kernel warning
    # (the "W" taint) further up: show both.
    grep -A 25 -m 1 'cut here' "$CON" 2>&1 | sed "s/^/COOPTEST-OUT $SCENARIO: console: /"
    sed "s/^/COOPTEST-OUT $SCENARIO: console: /" "$CON" 2>&1 | tail -n 60
    dstop TERM
    dlog_show /tmp/pv.log
    exit 0
fi
pass ready "PVH guest $id with vbd and vif up at t=$(up)"
scheck avx-masked "the guest's /proc/cpuinfo: $(grep -o 'GUEST cpu avx=[a-z]*' "$CON" | head -1) (cpuid masks it)" \
    grep -q 'GUEST cpu avx=no' "$CON"
window before
con_wait "GUEST done" 120 || note "no 'done' from the guest: $(tail -3 "$CON" | tr '\n' '|')"
sleep 3                         # quiet again, and polled
window after

# What the load did, as coopvmmd counted it: it saw the I/O ...
d_rd=$(( $(nth "$after_O" 0) - $(nth "$before_O" 0) ))
d_wr=$(( $(nth "$after_O" 1) - $(nth "$before_O" 1) ))
d_rx=$(( $(nth "$after_O" 4) - $(nth "$before_O" 4) ))
d_tx=$(( $(nth "$after_O" 5) - $(nth "$before_O" 5) ))
note "over the load: vbd reads $d_rd writes $d_wr, packets from the guest $d_rx, to it $d_tx"
scheck vbd-load "vbd read requests over the load: $d_rd >= 1 per 4 KiB read asked (2000) / 8" \
    is "$d_rd" ">=" 250
scheck vbd-write-load "vbd write requests over the load: $d_wr >= 700 / 8" is "$d_wr" ">=" 87
# ... and net_rx is what the guest sent (broadcast pings no one answers).
scheck net-direction "net rx packets $d_rx (the guest's 300 broadcasts + 60 pings) > net tx packets $d_tx + 200" \
    is "$d_rx" ">" $((d_tx + 200))

# No device model for a PVH guest: nothing counted, no process shown.
O=$(rec_abs "$REC" "$id")
J=$(jdom pv)
note "coopctl status -j, pv: $J"
scheck no-dm "dm_cpu_ns $(nth "$O" 23), dm_runs $(nth "$O" 24), dm_pid $(echo "$J" | jget dm_pid)" \
    eval '[ "$(nth "$O" 23)" = 0 ] && [ "$(nth "$O" 24)" = 0 ] && [ "$(echo "$J" | jget dm_pid)" = null ]'
scheck signals "signals of pv: $(echo "$J" | sed -n 's/.*"signals": *\[\([^]]*\)\].*/\1/p' | tr -d ' ')" \
    eval 'echo "$J" | grep -q "\"signals\": *\[[^]]*\"vbd\"[^]]*\"net\"[^]]*\"dm\""'

run coopctl -s "$DSOCK" status
run xentop -b -i 1 -n -x
dstop TERM
guest_destroy pv
# The recording's domain goes with it; xentop agreed on what it had.
grep -v '^poll [0-9]*: ' /tmp/pv.log | tail -20 | sed "s|^|COOPTEST-OUT $SCENARIO: pv.log: |"

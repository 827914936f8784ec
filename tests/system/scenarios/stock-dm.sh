# SPDX-License-Identifier: GPL-2.0-only
# hv: stock
# timeout: 660
# files: conf/coopvmm.conf tests/system/files/daemon-lib.sh tests/system/files/stock-lib.sh
# needs: tests/system/files/hvm-base tests/system/files/pv-base
#
# The device-model signal on Debian's stock Xen, with the shipped policy.
# An HVM guest served by qemu-xen in dom0 (tests/system/files/
# pv-guest-init, guest_mode=dmio) shares a one-CPU credit pool with a
# spinning test guest (a competitor: a share of a pool against no one
# changes no weight).  The guest stays quiet, then for 30 s writes to its
# second serial port and reads PCI configuration space (port I/O that
# qemu-xen emulates), then is quiet
# again, then reboots.  coopvmmd (shipped policy, --record) must:
#   - count the qemu-xen process that xenstore names for the guest, after
#     checking its command line (dm_pid in coopctl status -j);
#   - see dm-runs and dm-cpu rise with the guest's I/O and fall after it;
#   - make the guest io-bound from its device model's round trips alone
#     (weight 26624: the shipped share 99% of the pool beside the
#     spinner's 256, 25344, to 4 significant bits), and
#     put it back to base after; never make the spinner a cpu-hog (that
#     needs cpu-demand, which only the hv-patch provides);
#   - after the reboot (xl makes a new domain), count the new qemu-xen,
#     and nothing of the old one: the new domain's device-model CPU is at
#     most what the new process has used.
# It also shows the cpupools' scheduler parameters and hard affinity.
# COOPVMM_TEST_SABOTAGE=stock-dm turns every check around.

. /tests/files/daemon-lib.sh
. /tests/files/stock-lib.sh
SER=/var/log/xen/console/stock-dm.log
REC=/tmp/dm.rec
LOG=/tmp/dm.log
rm -rf /tmp/coopvmm "$REC" "$SER"

# ser_wait PATTERN SECONDS: wait for PATTERN on the guest's serial port.
ser_wait() { file_wait "$SER" "$@"; }
# snap NAME: the guest's smoothed device-model rates, class and weight.
snap() {
    J=$(jdom hvm)
    r=$(echo "$J" | jget dm_runs_per_s) c=$(echo "$J" | jget dm_cpu_pct)
    note "$1: dm_runs_per_s $r, dm_cpu_pct $c, class $(echo "$J" | jget class), sched-credit $(sched_wc credit hvm) (t=$(up))"
    eval "$1_runs=\$r $1_cpu=\$c"
}

pool_make p1 credit 1 || fail pool "no credit pool p1"
# No AVX for the guest (see stock-pv.sh).
cat > /tmp/hvm.cfg <<CFG
name = "hvm"
type = "hvm"
pool = "p1"
kernel = "/tests/pv/vmlinuz"
ramdisk = "/tests/pv/initrd.gz"
cmdline = "console=ttyS0 quiet rdinit=/init guest_mode=dmio dm_rounds=1 dm_quiet=25 dm_burst=30 dm_after=70 dm_reboot=1"
memory = 160
vcpus = 1
cpuid = "host,avx=0"
vga = "none"
vnc = 0
sdl = 0
serial = [ "file:$SER", "null" ]
on_poweroff = "preserve"
on_crash = "preserve"
CFG
T=60 run xl create /tmp/hvm.cfg || fail create "xl create failed: $(tail -3 /var/log/xen/qemu-dm-hvm.log 2>&1)"
id=$(guest_domid hvm)
if ! ser_wait "GUEST ready" 200; then
    fail ready "guest never said ready; serial tail: $(tail -3 "$SER" 2>&1 | tr '\n' '|')"
    sed "s/^/COOPTEST-OUT $SCENARIO: serial: /" "$SER" 2>&1 | tail -n 60
    exit 0
fi
pass ready "HVM guest $id booted (t=$(up))"
scheck avx-masked "the guest's /proc/cpuinfo: $(grep -o 'GUEST cpu avx=[a-z]*' "$SER" | head -1) (cpuid masks it)" \
    grep -q 'GUEST cpu avx=no' "$SER"
guest_start spin "spin seconds=60; loop" 'pool = "p1"' || fail create-spin "xl create failed"
dconf /tmp/dm.conf
dstart dm /tmp/dm.conf --record "$REC" || fail start "coopvmmd did not start"
dwatch

# The device model coopvmmd counts is the one xenstore names, checked.
sleep 4
pid=$(xenstore-read "/local/domain/$id/image/device-model-pid")
J=$(jdom hvm)
note "coopctl status -j, hvm: $J"
scheck dm-pid "coopvmmd's dm_pid $(echo "$J" | jget dm_pid), xenstore's $pid, whose command line says -xen-domid $(tr '\000' ' ' < "/proc/$pid/cmdline" | sed -n 's/.*-xen-domid \([0-9]*\).*/\1/p')" \
    eval '[ "$(echo "$J" | jget dm_pid)" = "$pid" ] && tr "\000" "\n" < "/proc/$pid/cmdline" | grep -qx -- "-xen-domid" && tr "\000" "\n" < "/proc/$pid/cmdline" | grep -qx "$id"'

# 18 law: the pools' scheduler parameters and the guests' affinity, shown.
P=$(jpools)
note "cpupools: $P"
# pool1_ok: the cpupool of pCPU 1 (p1) says credit, one pCPU, a time
# slice and a rate limit, whatever the order of its keys.
pool1_ok() {
    p1=$(echo "$P" | grep -o '{[^}]*"cpu_list":"1"[^}]*}')
    for k in '"sched":"credit"' '"cpus":1[,}]' '"tslice_ms":[0-9][0-9]*[,}]' \
             '"ratelimit_us":[0-9][0-9]*[,}]'; do
        echo "$p1" | grep -q "$k" || return 1
    done
}
scheck pools-params "credit pools with a time slice and a rate limit: $P" pool1_ok
# ... and coopctl's text shows them on that pool's line.
PT=$(timeout 5 coopctl -s "$DSOCK" status | grep -A3 '^POOL ')
pool1_text() {
    jn() { echo "$p1" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
    echo "$PT" | grep -Eq "^ +$(jn id) credit +1 .* $(jn tslice_ms)ms +$(jn ratelimit_us)us\$"
}
scheck pools-text "coopctl status shows p1's time slice and rate limit: $(echo "$PT" | tr '\n' '|')" pool1_text
scheck affinity "hvm: pool_cpus $(echo "$J" | jget pool_cpus), affinity_cpus $(echo "$J" | jget affinity_cpus), hard_pinned $(echo "$J" | jget hard_pinned)" \
    eval '[ "$(echo "$J" | jget affinity_cpus)" = 1 ] && [ "$(echo "$J" | jget hard_pinned)" = false ]'

# Quiet, then the burst, then quiet again: the rates follow.
ser_wait "GUEST burst" 60 || note "no burst line"
snap quiet
sleep 24
snap burst
W_BURST=$(sched_wc credit hvm)
ser_wait "GUEST quiet" 30 || note "no quiet line"
# The smoothed rate takes a while to fall under the leave level (a 5 s
# half-life from thousands a second): wait for the class change, 60 s.
i=0
while [ $i -lt 60 ] && ! dclass_lines $LOG | grep -q '^hvm: io-bound -> base$'; do
    sleep 1
    i=$((i + 1))
done
sleep 2
snap after
W_AFTER=$(sched_wc credit hvm)
# cputime PID: ns of CPU the process has used (utime + stime, USER_HZ 100).
cputime() { awk '{ printf "%.0f", ($14 + $15) * 1e9 / 100 }' "/proc/$1/stat"; }
Q_OLD=$(cputime "$pid")
note "old domain $id before its reboot: qemu-xen $pid has used $Q_OLD ns; counters $(rec_abs "$REC" "$id")"
scheck dm-runs-rise "dm-runs/s: quiet $quiet_runs, burst $burst_runs (>= 100, the io-bound level, and >= 4x quiet)" \
    eval 'is "$burst_runs" ">=" 100 && is "$burst_runs" ">=" "$(awk -v q="$quiet_runs" "BEGIN { print 4 * q }")"'
scheck dm-runs-fall "dm-runs/s: burst $burst_runs, after $after_runs (<= burst / 4)" \
    is "$after_runs" "<=" "$(awk -v b="$burst_runs" 'BEGIN { print b / 4 }')"
scheck dm-cpu-rise "dm-cpu %: quiet $quiet_cpu, burst $burst_cpu (>= 2x quiet + 1)" \
    is "$burst_cpu" ">=" "$(awk -v q="$quiet_cpu" 'BEGIN { print 2 * q + 1 }')"
scheck dm-cpu-fall "dm-cpu %: burst $burst_cpu, after $after_cpu (<= burst / 2)" \
    is "$after_cpu" "<=" "$(awk -v b="$burst_cpu" 'BEGIN { print b / 2 }')"
P=$(dclass_poll $LOG hvm io-bound)
scheck io-bound "hvm io-bound at poll ${P:-never}; xl sched-credit weight cap in the burst: $W_BURST (share 99% beside 256: 26624)" \
    eval '[ -n "$P" ] && [ "$W_BURST" = "26624 0" ]'
B=$(dclass_lines $LOG | grep -c '^hvm: io-bound -> base$')
scheck io-bound-leaves "hvm io-bound -> base lines: $B; weight cap after: $W_AFTER" \
    eval '[ "$B" -ge 1 ] && [ "$W_AFTER" = "256 0" ]'
H=$(dclass_poll $LOG spin cpu-hog)
scheck spinner-base "spin never cpu-hog (${H:+it was at poll $H}${H:-no such line}); weight cap $(sched_wc credit spin)" \
    eval '[ -z "$H" ] && [ "$(sched_wc credit spin)" = "256 0" ]'

# The reboot: a new domain, a new qemu-xen; the old one counts for no one.
ser_wait "GUEST reboot" 60 || note "no reboot line"
i=0
while [ "$(guest_domid hvm)" = "$id" ] || [ -z "$(guest_domid hvm)" ]; do
    [ $i -ge 60 ] && break
    sleep 1
    i=$((i + 1))
done
id2=$(guest_domid hvm)
pid2=""
i=0
while [ $i -lt 60 ]; do
    pid2=$(xenstore-read "/local/domain/$id2/image/device-model-pid" 2> /dev/null)
    J=$(jdom hvm)
    [ -n "$pid2" ] && [ "$(echo "$J" | jget domid)" = "$id2" ] &&
        [ "$(echo "$J" | jget dm_pid)" = "$pid2" ] && break
    sleep 1
    i=$((i + 1))
done
note "after the reboot: domid $id -> $id2, qemu-xen $pid -> $pid2; coopctl: $J"
scheck reboot-new-pid "new domain $id2 counted with dm_pid $(echo "$J" | jget dm_pid) = xenstore's $pid2 (old $pid) after $i s" \
    eval '[ -n "$id2" ] && [ "$id2" != "$id" ] && [ "$(echo "$J" | jget dm_pid)" = "$pid2" ] && [ "$pid2" != "$pid" ]'
OLD=$(timeout 10 coopctl -j -s "$DSOCK" status | grep -c "\"dm_pid\": $pid,")
scheck reboot-old-gone "domains still counting the old qemu-xen $pid: $OLD; it is $(kill -0 "$pid" 2> /dev/null && echo alive || echo gone)" \
    eval '[ "$OLD" = 0 ]'
sleep 3
O=$(rec_abs "$REC" "$id2")
Q=$(cputime "$pid2")
scheck reboot-cpu "new domain's dm_cpu_ns $(nth "$O" 23) <= its qemu-xen's own CPU $Q ns + 20 ms (the old one's was $Q_OLD ns)" \
    is "$(nth "$O" 23)" "<=" "$((Q + 20000000))"

run coopctl -s "$DSOCK" status
dstop TERM
guest_destroy hvm
guest_destroy spin
dlog_show $LOG
pool_drop p1 1

# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 90
# files: tests/daemon/classic.conf tests/system/files/daemon-lib.sh
#
# coopctl iotrace on real Xen: a test guest idles 5 s (while the trace is
# switched on), then writes the 16-bit values 0, 1, 2, 3, 4 to port 0x511
# (the guest writes its loop counter) and reads 4 bytes from port 0x512
# three times (an unclaimed port: all ones).  The trace must show exactly
# that, in order, handled by no one ("none"), from one RIP per instruction
# inside the guest kernel's text, apart from the RIP of its console
# writes (port 0xe9, handled by Xen).  COOPVMM_TEST_SABOTAGE=daemon-iotrace
# makes one expectation wrong.

DCONF_BASE=/tests/files/classic.conf
. /tests/files/daemon-lib.sh
LOG=/tmp/iotrace.log
rm -rf /tmp/coopvmm

dconf /tmp/iotrace.conf
dstart iotrace /tmp/iotrace.conf || fail start "coopvmmd did not start"
guest_start iot "idle seconds=5; pio-write port=0x511 size=2 n=5; pio-read port=0x512 size=4 n=3; hold" ||
    fail create "xl create failed"
id=$(guest_domid iot)
# The daemon must have seen the domain before it can trace it.
P0=$(dpolls $LOG)
dwait_poll $LOG $((P0 + 1)) 20
timeout -s INT 9 coopctl -s "$DSOCK" iotrace iot > /tmp/trace.txt 2> /tmp/trace.err
sed "s/^/COOPTEST-OUT $SCENARIO: trace: /" /tmp/trace.txt /tmp/trace.err
check_eq header "iotrace of domain $id (iot): Ctrl-C to stop" "$(head -1 /tmp/trace.err)" "coopctl:"

# TIME VCPU KIND ADDRESS DIR SIZE COUNT DATA RIP HANDLER
check_eq pio-write "$(sabotage "write,2,1,0x0000,none write,2,1,0x0001,none write,2,1,0x0002,none write,2,1,0x0003,none write,2,1,0x0004,none")" \
    "$(awk '$3 == "PIO" && $4 == "0x0511" { printf "%s%s,%s,%s,%s,%s", n++ ? " " : "", $5, $6, $7, $8, $10 }' /tmp/trace.txt)" \
    "port 0x511 dir,size,count,data,handler:"
check_eq pio-read "read,4,1,0xffffffff,none read,4,1,0xffffffff,none read,4,1,0xffffffff,none" \
    "$(awk '$3 == "PIO" && $4 == "0x0512" { printf "%s%s,%s,%s,%s,%s", n++ ? " " : "", $5, $6, $7, $8, $10 }' /tmp/trace.txt)" \
    "port 0x512 dir,size,count,data,handler:"
check_eq order "0x0511 0x0511 0x0511 0x0511 0x0511 0x0512 0x0512 0x0512" \
    "$(awk '$3 == "PIO" && $4 != "0x00e9" { printf "%s%s", n++ ? " " : "", $4 }' /tmp/trace.txt)" "port order:"
check_eq other-io 0 "$(awk '$3 == "MMIO" || ($3 == "PIO" && $4 != "0x00e9" && $4 != "0x0511" && $4 != "0x0512")' /tmp/trace.txt | wc -l)" \
    "requests other than the phases and the console:"
check console-xen "console writes (port 0xe9) handled by xen" \
    sh -c "awk '\$4 == \"0x00e9\"' /tmp/trace.txt | grep -q ' xen\$'"

# RIPs: one per instruction, inside the guest's executable segment (its
# ELF program headers; the guest runs unpaged at its link addresses).
rip_w=$(awk '$4 == "0x0511" { print $9 }' /tmp/trace.txt | sort -u)
rip_r=$(awk '$4 == "0x0512" { print $9 }' /tmp/trace.txt | sort -u)
rip_c=$(awk '$4 == "0x00e9" { print $9 }' /tmp/trace.txt | sort -u | head -1)
check_eq rip-write-one 1 "$(echo "$rip_w" | grep -c .)" "distinct RIPs of the 5 port writes:"
check_eq rip-read-one 1 "$(echo "$rip_r" | grep -c .)" "distinct RIPs of the 3 port reads:"
check rip-distinct "write $rip_w, read $rip_r, console $rip_c differ" \
    test -n "$rip_w" -a -n "$rip_r" -a -n "$rip_c" -a "$rip_w" != "$rip_r" -a "$rip_w" != "$rip_c"
u32() { od -An -t u4 -j "$1" -N 4 "$GUEST_ELF" | tr -d ' '; }
u16() { od -An -t u2 -j "$1" -N 2 "$GUEST_ELF" | tr -d ' '; }
phoff=$(u32 28) phsz=$(u16 42) phn=$(u16 44) i=0 lo="" hi=""
while [ "$i" -lt "${phn:-0}" ]; do
    o=$((phoff + i * phsz))
    # PT_LOAD (1) with PF_X (1)
    if [ "$(u32 "$o")" = 1 ] && [ $(($(u32 $((o + 24))) & 1)) = 1 ]; then
        lo=$(u32 $((o + 8)))
        hi=$((lo + $(u32 $((o + 20)))))
    fi
    i=$((i + 1))
done
note "guest text $(printf '0x%x-0x%x' "${lo:-0}" "${hi:-0}"); RIPs write $rip_w read $rip_r console $rip_c"
for r in w:"$rip_w" r:"$rip_r"; do
    v=$(printf '%d' "${r#*:}" 2>/dev/null)
    check_range "rip-in-text-${r%%:*}" "${lo:-1}" "$((${hi:-0} - 1))" "$v" "RIP ${r#*:} in the guest text (decimal)"
done
dstop TERM
dlog_show $LOG
guest_destroy iot

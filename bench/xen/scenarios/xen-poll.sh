# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 900
# files: conf/coopvmm.conf tests/system/files/daemon-lib.sh
#
# Benchmark 2 (bench/xen/run poll): the cost of one coopvmmd poll against
# one xentop refresh over the same domains, in the same boot, at N = 10
# and N = BENCH_XEN_DOMAINS (50) idle test guests (`hold`, 8 MiB each).
# coopvmmd (shipped policy, interval 100ms, log level notice) runs all the
# time; per step it measures:
#   - coopvmmd's CPU time per poll: /proc/PID/schedstat (ns on the CPU)
#     over a window, divided by the polls done in it (coopctl status);
#   - xentop's CPU time per refresh: cputime(`xentop -b -d 1 -i 11`) minus
#     cputime(`xentop -b -d 1 -i 1`), divided by 10 (3 runs each, median);
#   - system calls per poll/refresh with `strace -c` (ioctl on
#     /dev/xen/privcmd = hypercalls), strace attached to coopvmmd for a
#     window, and xentop -i 3 minus -i 1, divided by 2;
#   - xenstore requests per poll: coopvmmd's writes to its xenstore
#     socket (libxenstore writes a request as header + payload: 2 writes)
#     over a window, the socket told from the control socket by the path
#     /proc/net/unix gives the latter.
# (Not "n": the dom0-lib.sh result helpers set it.)
# Results go out as "BENCH key=value..." notes once every guest is quiet.

. /tests/files/daemon-lib.sh
XT=/usr/lib/xen-4.17/bin/xentop
OUT=/tmp/bench.out
: > $OUT
bench() { echo "BENCH $*" >> $OUT; }
NMAX=${COOPVMM_TEST_BENCH_DOMAINS:-50}
WIN=${COOPVMM_TEST_BENCH_WINDOW:-10}

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if ( NR ) print v[int((NR + 1) / 2)] }'; }

# cpu_ns PID: nanoseconds PID has spent on a CPU.
cpu_ns() { cut -d' ' -f1 "/proc/$1/schedstat"; }

# polls: the daemon's poll count.
polls() {
    timeout 5 coopctl -j -s /tmp/poll.sock status 2>/dev/null |
        tr ',{' '\n\n' | sed -n 's/.*"polls": *\([0-9]*\).*/\1/p' | head -1
}

# xt_cpu ITER: CPU microseconds of one xentop run with ITER refreshes.
xt_cpu() {
    cputime "$XT" -b -d 1 -i "$1" 2>&1 > /dev/null | sed -n 's/^cputime us=\([0-9]*\) .*/\1/p'
}

# strace_count FILE: "ioctl-calls total-calls" from a strace -c summary.
strace_count() {
    awk '$NF == "ioctl" { io = $4 } $NF == "total" { tot = $4 }
         END { print io + 0, tot + 0 }' "$1"
}

NG=0
# grow_to N: create idle guests g1..gN (8 MiB each); stops at the first failure.
grow_to() {
    while [ $NG -lt "$1" ]; do
        i=$((NG + 1))
        {
            echo "name = \"g$i\""
            echo "type = \"pvh\""
            echo "kernel = \"$GUEST_ELF\""
            echo "cmdline = \"hold\""
            echo "memory = 8"
            echo "vcpus = 1"
        } > /tmp/g.cfg
        if ! timeout 60 xl create /tmp/g.cfg > /tmp/g.create 2>&1; then
            note "guest $i failed: $(tail -2 /tmp/g.create | tr '\n' ' ')"
            return 1
        fi
        NG=$i
    done
}

dconf /tmp/poll.conf -e 's|^interval = .*|interval = 100ms|'
mkdir -p /tmp/coopvmm
coopvmmd -d -f /tmp/poll.conf -p /tmp/poll.pid -s /tmp/poll.sock > /tmp/poll.log 2>&1 &
DPID=$!
w=0
while [ -z "$(polls)" ] && [ $w -lt 40 ]; do sleep 0.5; w=$((w + 1)); done
check daemon-started "coopvmmd answers on its socket" test -n "$(polls)"

for want in 10 "$NMAX"; do
    grow_to "$want"
    nd=$(xl list | awk 'NR > 1' | wc -l)     # with dom0
    check_eq "guests-$want" "$want" "$NG" "idle guests running:"
    sleep 3                                 # the daemon sees them all

    # coopvmmd: CPU time per poll
    p0=$(polls) c0=$(cpu_ns $DPID)
    sleep "$WIN"
    c1=$(cpu_ns $DPID) p1=$(polls)
    dpoll_us=$(awk -v a="$c0" -v b="$c1" -v p="$p0" -v q="$p1" \
        'BEGIN { if ( q > p ) printf "%.1f", (b - a) / (q - p) / 1000 }')

    # coopvmmd: system calls per poll (strace attached for a window)
    p0=$(polls)
    timeout -s INT "$WIN" strace -c -p $DPID -o /tmp/st.d > /dev/null 2>&1
    p1=$(polls)
    sed "s/^/COOPTEST-OUT $SCENARIO: strace coopvmmd n=$want: /" /tmp/st.d
    set -- $(strace_count /tmp/st.d)
    dpolls_st=$((p1 - p0))
    dio=$(awk -v a="$1" -v p="$dpolls_st" 'BEGIN { if ( p > 0 ) printf "%.2f", a / p }')
    dsys=$(awk -v a="$2" -v p="$dpolls_st" 'BEGIN { if ( p > 0 ) printf "%.2f", a / p }')

    # coopvmmd: its ioctls by request code and file descriptor
    p0=$(polls)
    timeout -s INT "$WIN" strace -e trace=ioctl -p $DPID -o /tmp/st.i > /dev/null 2>&1
    p1=$(polls)
    ls -l /proc/$DPID/fd | awk '{ print "fd", $(NF - 2), $NF }' |
        sed "s/^/COOPTEST-OUT $SCENARIO: coopvmmd n=$want: /"
    # "ioctl(FD, REQUEST, 0xADDR) = R"; REQUEST may hold commas (_IOC(...)).
    sed -n 's/^ioctl(\([0-9]*\), \(.*\), 0x[0-9a-f]*) .*/fd \1 \2/p' /tmp/st.i | sort | uniq -c |
        sed "s/^/COOPTEST-OUT $SCENARIO: coopvmmd ioctls in $((p1 - p0)) polls n=$want: /"
    dbyreq=$(sed -n 's/^ioctl(\([0-9]*\), \(.*\), 0x[0-9a-f]*) .*/fd\1:\2/p' /tmp/st.i | tr -d ' ' | sort | uniq -c |
        awk -v p=$((p1 - p0)) '{ printf "%s%s:%.2f", s, $2, (p > 0 ? $1 / p : 0); s = ";" }')

    # coopvmmd: xenstore requests per poll (writes to its xenstore socket)
    ctl_ino=$(awk '$NF == "/tmp/poll.sock" { print $7 }' /proc/net/unix | head -1)
    xs_fds=$(ls -l /proc/$DPID/fd | awk -v c="socket:[$ctl_ino]" \
        '$NF ~ /^socket:/ && $NF != c { print $(NF - 2) }' | tr '\n' ' ')
    p0=$(polls)
    timeout -s INT "$WIN" strace -e trace=write,writev,sendmsg -p $DPID -o /tmp/st.w > /dev/null 2>&1
    p1=$(polls)
    xsw=0
    for f in $xs_fds; do
        xsw=$((xsw + $(grep -c "^[a-z]*($f, " /tmp/st.w)))
    done
    dxs=$(awk -v w="$xsw" -v p=$((p1 - p0)) 'BEGIN { if ( p > 0 ) printf "%.3f", w / 2 / p }')
    note "n=$want: coopvmmd xenstore socket fds [$xs_fds]: $xsw writes in $((p1 - p0)) polls"

    # xentop: CPU time per refresh, 3 runs of -i 1 and -i 11
    x1=$( (xt_cpu 1; xt_cpu 1; xt_cpu 1) | median)
    x11=$( (xt_cpu 11; xt_cpu 11; xt_cpu 11) | median)
    xref_us=$(awk -v a="$x1" -v b="$x11" 'BEGIN { printf "%.1f", (b - a) / 10 }')

    # xentop: system calls per refresh (-i 3 minus -i 1)
    strace -f -c -o /tmp/st.x1 "$XT" -b -d 1 -i 1 > /dev/null 2>&1
    strace -f -c -o /tmp/st.x3 "$XT" -b -d 1 -i 3 > /dev/null 2>&1
    sed "s/^/COOPTEST-OUT $SCENARIO: strace xentop -i 3 n=$want: /" /tmp/st.x3
    set -- $(strace_count /tmp/st.x1) $(strace_count /tmp/st.x3)
    xio=$(awk -v a="$1" -v b="$3" 'BEGIN { printf "%.1f", (b - a) / 2 }')
    xsys=$(awk -v a="$2" -v b="$4" 'BEGIN { printf "%.1f", (b - a) / 2 }')

    note "n=$want domains=$nd: coopvmmd ${dpoll_us} us/poll, $dio ioctl/poll ($dsys syscalls, $dxs xenstore requests); xentop ${xref_us} us/refresh (i1 $x1 us, i11 $x11 us), $xio ioctl/refresh ($xsys syscalls)"
    bench "poll guests=$NG domains=$nd coop_us_per_poll=$dpoll_us coop_polls_straced=$dpolls_st coop_ioctl_per_poll=$dio coop_syscalls_per_poll=$dsys coop_ioctl_by_request=$dbyreq coop_xs_per_poll=$dxs xentop_us_per_refresh=$xref_us xentop_i1_us=$x1 xentop_i11_us=$x11 xentop_ioctl_per_refresh=$xio xentop_syscalls_per_refresh=$xsys"
    check "measured-$want" "coopvmmd ${dpoll_us:-?} us/poll, xentop ${xref_us:-?} us/refresh" \
        test -n "$dpoll_us" -a -n "$x1" -a -n "$x11"
    [ "$NG" -lt "$want" ] && break
done

kill $DPID
wait $DPID
grep -v '^$' /tmp/poll.log | tail -5 | sed "s/^/COOPTEST-OUT $SCENARIO: coopvmmd: /"
i=1
while [ $i -le $NG ]; do xl destroy "g$i" > /dev/null 2>&1; i=$((i + 1)); done
sed "s/^/COOPTEST-NOTE $SCENARIO: /" $OUT

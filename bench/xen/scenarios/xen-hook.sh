# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 400
#
# Benchmark 3 (bench/xen/run hook): the test guest's port-I/O rates on
# whatever hypervisor the harness boots (bench/xen/run boots the patched
# production build and the unpatched build of the same source in turn,
# through COOPVMM_XEN_PATCHED).  One guest in Pool-0 (dom0 is idle on the
# other CPU): R repetitions of `pio-write n=N` (port 0x511, Xen's null
# handler) and of `ping-pong n=M` (timed `in` round trips).
# Results go out as one "BENCH hook ..." note.

N=${COOPVMM_TEST_BENCH_PIO_N:-200000}
M=${COOPVMM_TEST_BENCH_PP_N:-50000}
R=${COOPVMM_TEST_BENCH_REPS:-3}

guest_start hk "pio-write n=$N repeat=$R; ping-pong n=$M repeat=$R; poweroff" ||
    fail create "xl create failed"
id=$(guest_domid hk)
check finished "guest powered off within 300 s" guest_wait_shutdown hk 300
pio="" pp="" med="" r=0
while [ $r -lt "$R" ]; do
    l=$(guest_phase "$id" 0 $r)
    pio="$pio${pio:+,}$(field "$l" rate)"
    l=$(guest_phase "$id" 1 $r)
    pp="$pp${pp:+,}$(field "$l" rate)"
    med="$med${med:+,}$(field "$l" median_ns)"
    r=$((r + 1))
done
guest_lines "$id" | sed "s/^/COOPTEST-OUT $SCENARIO: /"
check_eq reps "$R" "$(guest_lines "$id" | grep -c 'kind=pio-write')" "pio-write report lines:"
guest_destroy hk
ver=$(xl info | sed -n 's/^xen_version *: *//p')
note "BENCH hook xen=$ver pio_n=$N pio_rates=$pio pp_n=$M pp_rates=$pp pp_median_ns=$med"

# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 1200
# files: tests/daemon/classic.conf tests/system/files/daemon-lib.sh
# needs: tests/system/files/suspend-helper
#
# coopvmmd gives back the administrator's weights and caps, on real Xen.
# A fixed policy (tests/daemon/classic.conf: io-bound weight 200 %,
# cpu-hog weight 50 % cap 80), so every value is known: distinctive base
# values are set with xl sched-credit before it starts (I/O guest 333 /
# cap 90, spinner 300 / cap 0, in a one-CPU credit pool), the daemon
# changes them (666 / 90, 150 / 80), and
#   1. after SIGTERM they are back exactly;
#   2. after SIGKILL they stay changed, and a restart reads the state file,
#      says "were set by a previous run" and puts them back on SIGTERM;
#   3. a weight set by hand during a run is the new base: the class
#      scales it (888) and SIGTERM puts back 444;
#   4. an administrator's change in the read window (xl sched-credit, then
#      at once coopctl pause, which would put the old base back) is
#      adopted, not overwritten;
#   5. with restore-on-exit = false SIGTERM leaves the current values, and
#      the next run still knows the base values from the state file;
#   6. kill -9 at 20 random moments, restarted each time: after every
#      kill each value on the host is its base or one the state file
#      records as coopvmm's, no run takes one for the administrator's, and
#      a last SIGTERM leaves every base exact;
#   7. a guest that reboots (on_poweroff = "restart": xl copies its live,
#      favoured weight into the new domain) gets its base back, and its
#      pin follows it.  xl builds the new domain with Xen's default (256)
#      first and sets the copied values before it lets it run: a daemon
#      that took a base from a domain that never ran lost it here;
#   8. xl save / xl restore of the I/O guest while favoured: the restored
#      domain (same UUID, new domid, xl's copy of 666) gets 333 back.
#      The tiny guest has no xenstore driver: xs-suspend (suspend-helper)
#      answers xl's suspend request for it from dom0.
# COOPVMM_TEST_SABOTAGE=daemon-restore makes one expectation wrong.

DCONF_BASE=/tests/files/classic.conf
. /tests/files/daemon-lib.sh
rm -rf /tmp/coopvmm

pool_make p1 credit 1 || fail pool "no credit pool p1"
guest_start io "pio-write ms=20; idle ms=180; loop" 'pool = "p1"' ||
    fail create-io "xl create failed"
guest_start hog "spin seconds=60; loop" 'pool = "p1"' || fail create-hog "xl create failed"
run xl sched-credit -d io -w 333 -c 90
run xl sched-credit -d hog -w 300 -c 0
check_eq base-set "333 90 / 300 0" "$(sched_wc credit io) / $(sched_wc credit hog)" "before coopvmmd:"
dconf /tmp/restore.conf
both() { echo "$(sched_wc credit io) / $(sched_wc credit hog)"; }

# st_line DOMAIN: "base-w base-c set-w set-c next-w next-c" of its domid.
st_line() {
    awk -v d="$(guest_domid "$1")" 'NF == 8 && $2 == d { print $3, $4, $5, $6, $7, $8 }' \
        /tmp/coopvmm/state 2>/dev/null
}

# 1. SIGTERM.
LOG=/tmp/r1.log
dstart r1 /tmp/restore.conf || fail start-1 "coopvmmd did not start"
wait_wc credit io "666 90" && wait_wc credit hog "150 80"
check_eq run1-set "666 90 / 150 80" "$(both)" "io-bound / cpu-hog:"
dstop TERM
check_eq run1-term-rc 0 "$DRC" "exit status after SIGTERM:"
check_eq run1-restored "$(sabotage "333 90 / 300 0")" "$(both)" "after SIGTERM:"
check run1-log "logged: restored the base weight and cap of 2 domains" \
    grep -q "^restored the base weight and cap of 2 domains$" $LOG

# 2. SIGKILL, then a restart that finds the state file.
dlog_show $LOG

LOG=/tmp/r2.log
dstart r2 /tmp/restore.conf || fail start-2 "coopvmmd did not start"
wait_wc credit io "666 90" && wait_wc credit hog "150 80"
dstop KILL
check_eq run2-kill-rc 137 "$DRC" "exit status after SIGKILL:"
check_eq run2-left "666 90 / 150 80" "$(both)" "after SIGKILL (nothing restored):"
run cat /tmp/coopvmm/state
# Written ahead (next) or confirmed (set): either way known as coopvmm's.
case $(st_line io) in
"333 90 666 - - -"|"333 90 - - 666 -") pass state-io "state file: io $(st_line io)" ;;
*) fail state-io "state file: io '$(st_line io)', expected base 333 90 and 666 as coopvmm's" ;;
esac
dlog_show $LOG
# The same pid file and socket as the killed run.
dstart r2 /tmp/restore.conf || fail start-3 "coopvmmd did not start"
dwait_poll $LOG 1 20
check run3-previous-io "logged: io: ... were set by a previous run; base weight 333 cap 90 will be put back" \
    grep -q "io: weight 666 cap 90 were set by a previous run; base weight 333 cap 90 will be put back" $LOG
check run3-previous-hog "logged: hog: ... were set by a previous run; base weight 300 cap 0 will be put back" \
    grep -q "hog: weight 150 cap 80 were set by a previous run; base weight 300 cap 0 will be put back" $LOG
dstop TERM
check_eq run3-restored "333 90 / 300 0" "$(both)" "after restart + SIGTERM:"

# 3. A change by hand becomes the new base.
dlog_show $LOG

LOG=/tmp/r4.log
dstart r4 /tmp/restore.conf || fail start-4 "coopvmmd did not start"
wait_wc credit io "666 90"
run xl sched-credit -d io -w 444
wait_wc credit io "888 90"
check_eq run4-scaled "888 90" "$(sched_wc credit io)" "io-bound of the new base 444:"
check run4-by-hand "logged: io: weight set to 444 by hand (was 666): it is the new base" \
    grep -q "io: weight set to 444 by hand (was 666): it is the new base" $LOG

# 4. The read window: the sample says 888, the administrator sets 500,
# and coopctl pause (which puts bases back) comes before any new sample.
run xl sched-credit -d io -w 500
timeout 10 coopctl -s "$DSOCK" pause > /dev/null 2>&1
check_eq run4-window-kept "500 90" "$(sched_wc credit io)" "after xl sched-credit -w 500 and at once coopctl pause:"
check run4-window-log "logged: io: weight set to 500 by hand (was 888): it is the new base" \
    grep -q "io: weight set to 500 by hand (was 888): it is the new base" $LOG
timeout 10 coopctl -s "$DSOCK" resume > /dev/null 2>&1
wait_wc credit io "1000 90"
check_eq run4-window-scaled "1000 90" "$(sched_wc credit io)" "io-bound of the new base 500:"
run xl sched-credit -d io -w 444
wait_wc credit io "888 90"
dstop TERM
check_eq run4-restored "444 90 / 300 0" "$(both)" "after SIGTERM:"

# 5. restore-on-exit = false.
dconf /tmp/norestore.conf -e 's/^restore-on-exit = .*/restore-on-exit = false/'
dlog_show $LOG

LOG=/tmp/r5.log
dstart r5 /tmp/norestore.conf || fail start-5 "coopvmmd did not start"
wait_wc credit io "888 90" && wait_wc credit hog "150 80"
dstop TERM
check_eq run5-left "888 90 / 150 80" "$(both)" "restore-on-exit = false, after SIGTERM:"
check run5-log "logged: restore-on-exit is off: current values left in place" \
    grep -q "restore-on-exit is off: current values left in place" $LOG
dlog_show $LOG

LOG=/tmp/r6.log
dstart r6 /tmp/restore.conf || fail start-6 "coopvmmd did not start"
dwait_poll $LOG 1 20
dstop TERM
check_eq run6-restored "444 90 / 300 0" "$(both)" "next run (restore-on-exit on) + SIGTERM:"
dlog_show $LOG

# 6. kill -9 at random moments.  After each kill: every value on the
# host is its base, or one the state file records as coopvmm's (set or
# next), so that the next start puts the base back.
known() {   # DOMAIN BASE-W BASE-C: 0 if the host's values are accounted for
    set -- "$1" "$2" "$3" "$(sched_wc credit "$1")" "$(st_line "$1")"
    echo "$4 $5" | awk -v bw="$2" -v bc="$3" '
        { w = $1; c = $2; sbw = $3; sbc = $4 }
        NF == 8 && sbw == bw && sbc == bc &&
        (w == bw || w == $5 || w == $7) && (c == bc || c == $6 || c == $8) { ok = 1 }
        NF == 2 && w == bw && c == bc { ok = 1 }
        END { exit !ok }'
}
lost=0 kills=0
i=0
: > /tmp/kill.log
while [ $i -lt 20 ]; do
    i=$((i + 1))
    LOG=/tmp/k$i.log
    dstart k$i /tmp/restore.conf || { fail kill-start-$i "coopvmmd did not start"; break; }
    # 0 to 8 s: start-up, the restore of a killed run's values, dwell,
    # the class changes.
    ms=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 8000 ))
    sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
    dstop KILL
    kills=$((kills + 1))
    for g in "io 444 90" "hog 300 0"; do
        set -- $g
        if ! known "$1" "$2" "$3"; then
            lost=$((lost + 1))
            note "kill $i at ${ms} ms: $1 is $(sched_wc credit "$1"), state '$(st_line "$1")'"
        fi
    done
    cat "$LOG" >> /tmp/kill.log
done
check_eq kill-loop "20 kills, 0 lost" "$kills kills, $lost lost" "kill -9 at random moments:"
check kill-no-adoption "no run took a killed run's value for the administrator's" \
    sh -c "! grep -q 'by hand' /tmp/kill.log"
check kill-previous "some run put back a killed run's values" \
    grep -q "were set by a previous run" /tmp/kill.log
LOG=/tmp/k-last.log
dstart k-last /tmp/restore.conf || fail kill-last-start "coopvmmd did not start"
dwait_poll $LOG 2 20
dstop TERM
check_eq kill-last-restored "444 90 / 300 0" "$(both)" "after the kills, a run + SIGTERM:"

# 7. Reboot: xl reload_domain_config copies the live weight into the new
# domain.  The guest powers off after 12 s of I/O; on_poweroff = restart.
guest_cfg rb "pio-write ms=20; idle ms=180; loop n=60" 'pool = "p1"'
sed -i 's/^on_poweroff = .*/on_poweroff = "restart"/' /tmp/rb.cfg
T=60 run xl create /tmp/rb.cfg > /dev/null || fail create-rb "xl create failed"
run xl sched-credit -d rb -w 400 -c 0
rb1=$(guest_domid rb)
LOG=/tmp/r7.log
dstart r7 /tmp/restore.conf || fail start-7 "coopvmmd did not start"
wait_wc credit rb "800 0"
timeout 10 coopctl -s "$DSOCK" pin rb io-bound > /dev/null 2>&1
w=0
rb2=$rb1
while { [ "$rb2" = "$rb1" ] || [ -z "$rb2" ]; } && [ $w -lt 120 ]; do
    sleep 0.5
    w=$((w + 1))
    rb2=$(guest_domid rb)
done
note "rb: d$rb1 rebooted as d$rb2"
dwait_poll $LOG "$(($(dpolls $LOG) + 3))" 20
# Either the daemon saw the old domain shutting down and put its base
# back before xl copied the values (Xen 4.20's xl, seen on trixie), or xl
# copied coopvmm's 800 and the new domain gets its base back.
check reboot-new-domain "logged: rb: base put back at shutdown, or the new domain's 800 recognised as coopvmm's" \
    grep -q -e "d$rb2 rb: new domain of the guest (was d$rb1) starts with weight 800 cap 0, set by coopvmm; base weight 400 cap 0 will be put back" \
            -e "d$rb1 rb: shutting down: base weight 400 cap 0 put back" $LOG
check reboot-pin "logged: the pin follows the guest" \
    grep -q "d$rb2 rb: pinned to io-bound (the pin follows the guest)" $LOG
dstop TERM
check_eq reboot-restored "400 0" "$(sched_wc credit rb)" "rb after its reboot and SIGTERM:"
dlog_show $LOG
guest_destroy rb

# 8. xl save / xl restore while io is favoured (888 from its base 444).
LOG=/tmp/r8.log
dstart r8 /tmp/restore.conf || fail start-8 "coopvmmd did not start"
wait_wc credit io "888 90"
io1=$(guest_domid io)
xs-suspend "$io1" 60 &
SPID=$!
T=120 run xl save io /tmp/io.save
wait $SPID
T=120 run xl restore /tmp/io.save
io2=$(guest_domid io)
note "io: d$io1 saved, restored as d$io2"
if [ "$io2" = "$io1" ]; then
    # xl save never completed: the tiny guest has no xenstore driver and
    # xs-suspend answers xl's request for it, which Xen 4.20's xl did not
    # take (seen on trixie: xl save timed out).  Nothing was restored.
    skip restore-base "xl save io did not complete on this Xen: no restored domain to check"
    skip restore-log "xl save io did not complete on this Xen"
else
    wait_wc credit io "444 90" 20
    check_eq restore-base "444 90" "$(sched_wc credit io)" "restored io after coopvmmd saw it:"
    check restore-log "logged: io: new domain of the guest (was d$io1) starts with weight 888 cap 90, set by coopvmm" \
        grep -q "d$io2 io: new domain of the guest (was d$io1) starts with weight 888 cap 90, set by coopvmm; base weight 444 cap 90 will be put back" $LOG
fi
dstop TERM
check_eq restore-restored "444 90 / 300 0" "$(both)" "after SIGTERM:"
dlog_show $LOG
guest_destroy io
guest_destroy hog
pool_drop p1 1

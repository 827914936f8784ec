# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers of the stock-Xen signal scenarios (stock-dm, stock-pv), shipped
# to dom0 as /tests/files/stock-lib.sh and sourced after daemon-lib.sh:
# checks that a sabotage run turns around, coopvmmd's view of a domain
# from `coopctl status -j` and from its recording, and xentop's.

# SABOTAGE: set when COOPVMM_TEST_SABOTAGE is 1 or names this scenario;
# then every scheck expects the opposite of what it checks, so that each
# check is seen failing once (its evidence is still printed).
case ${COOPVMM_TEST_SABOTAGE:-0} in
1|"$SCENARIO") SABOTAGE=1; note "SABOTAGE: every check expects the opposite" ;;
*) SABOTAGE=0 ;;
esac

# scheck NAME EVIDENCE CMD...: check, turned around under SABOTAGE.
scheck() {
    sn=$1 sev=$2
    shift 2
    if [ "$SABOTAGE" = 1 ]; then
        if "$@"; then fail "$sn" "(sabotaged: expected the opposite) $sev"
        else pass "$sn" "(sabotaged) $sev"; fi
        return
    fi
    check "$sn" "$sev" "$@"
}

# file_wait FILE PATTERN SECONDS [COUNT]: wait until FILE has COUNT (1)
# lines with PATTERN (a guest's console log).
file_wait() {
    fw=0
    while [ "$fw" -lt "$3" ]; do
        [ "$(grep -c "$2" "$1" 2> /dev/null)" -ge "${4:-1}" ] && return 0
        sleep 1
        fw=$((fw + 1))
    done
    return 1
}

# is A OP B: numeric comparison of decimals (awk), OP one of < <= > >= ==.
is() {
    awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
        if ( a == "" || b == "" ) exit 1
        if ( op == "<" ) exit !(a + 0 < b + 0)
        if ( op == "<=" ) exit !(a + 0 <= b + 0)
        if ( op == ">" ) exit !(a + 0 > b + 0)
        if ( op == ">=" ) exit !(a + 0 >= b + 0)
        if ( op == "==" ) exit !(a + 0 == b + 0)
        exit 1 }'
}

# jdom NAME: the domain object of NAME in `coopctl status -j`, on one line.
jdom() {
    timeout 10 coopctl -j -s "$DSOCK" status 2>/dev/null | tr -d '\n' |
        tr '}' '\n' | grep "\"name\": *\"$1\""
}

# jget FIELD < object line: a number, true/false, null or a string's text.
jget() {
    sed -n "s/.*\"$1\": *\"\{0,1\}\([^,\"]*\).*/\1/p" | head -1
}

# jpools: the "cpupools" array of `coopctl status -j`, on one line.
jpools() {
    timeout 10 coopctl -j -s "$DSOCK" status 2>/dev/null | tr -d '\n ' |
        sed -n 's/.*"cpupools":\(\[[^]]*\]\).*/\1/p'
}

# Counters of the recording, in the order of struct policy_counters
# (record.h): 0 cpu_ns, 11-14 vbd rd_req wr_req rd_sect wr_sect,
# 15-18 net rx_pkts tx_pkts rx_bytes tx_bytes, 23 dm_cpu_ns, 24 dm_runs.
# rec_abs FILE DOMID: the domain's 25 counters as of the last poll.
rec_abs() {
    awk -v d="$2" '$1 == "x" && $2 == d { for ( i = 0; i < 25; i++ ) v[i] = 0 }
        $1 == "c" && $2 == d { for ( i = 3; i <= NF; i++ ) v[i - 3] += $i }
        END { for ( i = 0; i < 25; i++ ) printf "%s%.0f", (i ? " " : ""), v[i]; print "" }' "$1"
}

# nth "LIST" N: word N (from 0) of LIST.
nth() { echo "$1" | awk -v n="$2" '{ print $(n + 1) }'; }

# xt_dom NAME: "rd wr rsect wsect rx_pkts tx_pkts rx_bytes tx_bytes" of
# the domain as `xentop -b -i 1 -n` shows it (VBD_RD VBD_WR VBD_RSECT
# VBD_WSECT from its line, the Net lines' RX/TX summed).
xt_dom() {
    timeout 30 xentop -b -i 1 -n 2>/dev/null | awk -v n="$1" '
        $1 == "NAME" { next }
        $1 ~ /^Net[0-9]+$/ { if ( on ) { gsub(/[a-z]+/, "", $0);
            rxb += $3; rxp += $4; txb += $8; txp += $9 } next }
        { on = ($1 == n) }
        on && !seen { seen = 1; rd = $15; wr = $16; rs = $17; ws = $18 }
        END { if ( seen ) printf "%s %s %s %s %.0f %.0f %.0f %.0f\n",
                  rd, wr, rs, ws, rxp, txp, rxb, txb }'
}

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Dom0 driver of the system test (travels in the extras cpio): runs each
# scenario named in /tests/list in its own shell under a time limit, between
# COOPTEST-BEGIN/END markers, and destroys leftover guests in between so
# one scenario cannot spoil the next.
set -a
. /tests/env
set +a
echo "COOPTEST-DOM0 main t=$(cut -d' ' -f1 /proc/uptime)"
xl info | grep -E '^(xen_version|xen_scheduler|nr_cpus|virt_caps|xen_commandline)' |
    sed 's/^/COOPTEST-DOM0 /'
while read -r name limit; do
    [ -n "$name" ] || continue
    : > /tmp/coop-results
    echo "COOPTEST-BEGIN $name t=$(cut -d' ' -f1 /proc/uptime)"
    SCENARIO=$name RESULTS_FILE=/tmp/coop-results timeout -s KILL "$limit" \
        sh -c ". /tests/lib.sh; . /tests/scenarios/$name.sh" 2>&1
    rc=$?
    echo "COOPTEST-END $name rc=$rc t=$(cut -d' ' -f1 /proc/uptime)"
    for d in $(timeout 30 xl list | awk 'NR > 2 { print $1 }'); do
        timeout 30 xl destroy "$d" > /dev/null 2>&1
    done
    # The results again, now that no guest can write to the console.
    sed 's/^/COOPTEST-RESULT /' /tmp/coop-results
    echo "COOPTEST-RESULTS-END $name n=$(wc -l < /tmp/coop-results)"
done < /tests/list
echo "COOPTEST-ALLDONE t=$(cut -d' ' -f1 /proc/uptime)"

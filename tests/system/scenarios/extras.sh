# SPDX-License-Identifier: GPL-2.0-only
# hv: any
# timeout: 30
#
# Harness self-check: every project binary shipped in the extras cpio
# (/usr/local/bin) finds all its shared libraries in dom0, so a daemon
# scenario cannot fail for want of a library.

for b in /usr/local/bin/*; do
    [ -f "$b" ] || continue
    n=$(basename "$b")
    case $n in
    *.elf) continue ;;          # guest kernels, not dom0 programs
    esac
    out=$(/lib64/ld-linux-x86-64.so.2 --list "$b" 2>&1)
    rc=$?
    if echo "$out" | grep -q "not found"; then
        fail "libs-$n" "missing: $(echo "$out" | grep "not found" | awk '{ print $1 }' | tr '\n' ' ')"
    elif [ $rc -ne 0 ]; then
        # Static binaries are not dynamic objects: fine if they run at all.
        check "libs-$n" "not a dynamic executable; exists and is executable" test -x "$b"
    else
        pass "libs-$n" "$(echo "$out" | grep -c '=>') libraries resolved"
    fi
done
check_eq guest-kernel yes "$([ -f /usr/local/bin/coopguest.elf ] && echo yes)" "coopguest.elf shipped:"

# SPDX-License-Identifier: GPL-2.0-only
# hv: patched
# timeout: 90
# files: conf/coopvmm.conf tests/system/files/daemon-lib.sh
#
# coopvmmd's start-up check that Debian's hypervisor package is not newer
# than the running coopvmm hypervisor (hv-patch/build --check's verdict,
# issue 12): it reads the running version from Xen (the "-coopvmm" build
# label of the extra version) and the installed packages from dpkg-query.
# This dom0 has no dpkg, so a dpkg-query in /tmp/fakebin answers as a host
# with Debian's package of this line installed would, first with that
# package's real, newer version (the test build is upstream's release,
# older than Debian's package of it): one NOTICE line, and only one
# however many polls follow; then with the running version itself: no
# NOTICE, an INFO line "up to date".
# COOPVMM_TEST_SABOTAGE=daemon-update expects the wrong version.

. /tests/files/daemon-lib.sh
rm -rf /tmp/coopvmm
xv=$(xl info | sed -n 's/^xen_version *: //p')
run_v=${xv%-coopvmm}
check_eq build-label "$run_v-coopvmm" "$xv" "xl info xen_version:"
case ${COOPVMM_XEN_LINE:-4.17} in
4.17) newer=4.17.7+13-g2445b30a44-0+deb12u1 ;;
*)    newer=4.20.4+63-g7abfd2bce2-0+deb13u1 ;;
esac
pkg=xen-hypervisor-${COOPVMM_XEN_LINE:-4.17}-amd64
mkdir -p /tmp/fakebin
fake_dpkg() {
    printf '#!/bin/sh\n# a dpkg database with one package\necho "%s %s ii"\n' \
        "$pkg" "$1" > /tmp/fakebin/dpkg-query
    chmod +x /tmp/fakebin/dpkg-query
}
dconf /tmp/update.conf
fake_dpkg "$newer"
export PATH=/tmp/fakebin:$PATH
dstart update /tmp/update.conf || fail start "coopvmmd did not start"
dwait_poll /tmp/update.log 4 30
dstop
want="Xen: the installed $pkg $newer is newer than the running coopvmm hypervisor $(sabotage "$run_v"), which lacks its fixes: rebuild it from that version's source and install it (hv-patch/build --check)"
check_eq notice-once 1 "$(grep -cxF "$want" /tmp/update.log)" "lines '$want' after $(dpolls /tmp/update.log) polls:"
check_eq notice-lines 1 "$(grep -c 'is newer than the running coopvmm' /tmp/update.log)" "update notices in all:"

fake_dpkg "$run_v"
dstart update /tmp/update.conf || fail start2 "coopvmmd did not start"
dwait_poll /tmp/update.log 2 30
dstop
check_eq no-notice 0 "$(grep -c 'is newer than' /tmp/update.log)" "update notices with the running version installed:"
check_eq up-to-date 1 "$(grep -cxF "Xen: the running coopvmm hypervisor $run_v is up to date with the installed $pkg $run_v" /tmp/update.log)" "'up to date' lines:"

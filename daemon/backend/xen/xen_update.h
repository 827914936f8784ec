/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_update.h - at start-up only: is Debian's installed hypervisor
 * package newer than the running coopvmm hypervisor (xen_update.c)?
 * A coopvmm build is not updated by Debian's security updates; this is
 * hv-patch/build --check's verdict, said once in the daemon's log.
 */
#ifndef COOPVMM_XEN_UPDATE_H
#define COOPVMM_XEN_UPDATE_H

#include <stddef.h>
#include <xenctrl.h>

/*
 * One line in the log, once: NOTICE when the newest installed
 * xen-hypervisor-* package (dpkg-query) is newer than the version the
 * running hypervisor was built from; INFO when it is not; DEBUG when it
 * cannot tell (not a coopvmm build, no dpkg, no package).  Costs one
 * xc_version() pair, a look at /boot and one dpkg-query run.
 */
void xen_update_check(xc_interface *xch);

/* Debian version order (dpkg's): <0, 0, >0 as a sorts before, with, after b. */
int xen_update_vercmp(const char *a, const char *b);

/*
 * The version a running coopvmm hypervisor was built from, "4.17.7" or
 * "4.17.7+13-g2445b30a44-0+deb12u1", from Xen's major, minor and extra
 * version (hv-patch/build labels it "-coopvmm").  The extra version is
 * 15 characters at most before Xen 4.20's XENVER_extraversion2: a cut
 * label is completed from the one /boot/xen-VERSION-coopvmm.gz
 * (hv-patch/install) that starts with it, given as boot[0..nboot).
 * Returns 0, -ENOENT (not a coopvmm build) or -ERANGE (cut, and not one
 * /boot file matches).
 */
int xen_update_running(unsigned int major, unsigned int minor,
                       const char *extra, const char *const *boot,
                       size_t nboot, char *out, size_t outlen);

/*
 * The newest installed package in dpkg-query output, one
 * "PACKAGE VERSION STATUS" per line (STATUS "ii": installed).  Returns 0,
 * or -ENOENT if none is installed.
 */
int xen_update_newest(const char *dpkg, char *pkg, size_t pkglen,
                      char *ver, size_t verlen);

#endif /* COOPVMM_XEN_UPDATE_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_dm.h - the xen backend's device models (xen_dm.c): the QEMU
 * process that serves an HVM guest in dom0, found through xenstore and
 * checked, and its CPU time and run count each poll; a device-model stub
 * domain's own CPU time for its guest.
 */
#ifndef COOPVMM_XEN_DM_H
#define COOPVMM_XEN_DM_H

#include <stdint.h>

#include "policy.h"
#include "xen_types.h"

/* A domain's device-model state before its first look-up. */
void xen_dm_init(struct xen_dm *dm);

/* Close what the domain's device model holds (the domain has gone). */
void xen_dm_release(struct backend *b, struct xen_dm *dm);

/*
 * Count the process dm->xs_pid (from xenstore) as the device model of
 * domain d, if it is the QEMU serving that domain: its command line says
 * "-xen-domid <domid>".  Its files are opened through its /proc directory
 * so that they stay bound to that process: a pid that a later process
 * reuses can never be read as this one.  Nothing changes while the
 * process already counted is that pid.  A pid that is not (yet) such a
 * QEMU, or not (yet) a process, is looked at again for XEN_DM_TRIES polls
 * (the toolstack names it before it has exec'd QEMU), then refused and
 * logged once.
 */
void xen_dm_attach(struct backend *b, struct xen_dom *d);

/*
 * This poll's device-model counters of domain d into s->c (all threads'
 * CPU time, and the run count of its main thread, which serves the
 * ioreqs): two system calls.  A process that has gone is let go (its
 * counts stay in the domain's) and xenstore is asked again.
 */
void xen_dm_sample(struct backend *b, struct xen_dom *d,
                   struct policy_sample *s);

/*
 * The device-model counters of a domain as reported: what earlier ones
 * did plus what the current process and stub did since they were found.
 */
void xen_dm_counters(const struct xen_dm *dm, uint64_t *cpu_ns,
                     uint64_t *runs);

#endif /* COOPVMM_XEN_DM_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_ioreq.h - the xen backend's ioreq counters: the hv-patch sysctl
 * (ioreq.c) for all domains in one call, merged into the samples
 * (xen_ioreq.c).
 */
#ifndef COOPVMM_XEN_IOREQ_H
#define COOPVMM_XEN_IOREQ_H

#include "coop-ioreq.h"
#include "policy.h"
#include "xen_types.h"

/*
 * Track the reader's result r (a count or -errno) and, when r > 0, whether
 * its records recs[0..r) carry runstate sums (ABI v2); say each change of
 * state once: counted, missing (ENOSYS: no patch), failing.  Called at
 * open (for the banner) and at every poll.
 */
void xen_ioreq_state(struct backend *b, int r,
                     const struct xen_coop_ioreq_dom *recs);

/* The ioreq counters of all domains into s[0..n), sorted by domid. */
void xen_ioreq(struct backend *b, struct policy_sample *s, unsigned int n);

/*
 * Merge the ioreq counter records (ascending domid, as the sysctl returns
 * them) into the samples (ascending domid): a domain with a record gets
 * its counters and POLICY_HAS_IOREQ, one without loses POLICY_HAS_IOREQ.
 * Returns how many samples got a record.
 */
unsigned int xen_merge_ioreq(struct policy_sample *s, unsigned int n,
                             const struct xen_coop_ioreq_dom *recs,
                             unsigned int nrecs);

#endif /* COOPVMM_XEN_IOREQ_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen.h - the "xen" backend (daemon/xen.c), and its pure helpers, exposed
 * so that tests/unit/test_xen.c can check them without a hypervisor.
 *
 * No helper here calls Xen: scheduler-id mapping, cpumap counting, device
 * model stub detection and the merge of ioreq records into samples.
 */
#ifndef COOPVMM_XEN_H
#define COOPVMM_XEN_H

#include <stddef.h>
#include <stdint.h>

#include <xenctrl.h>
#include "backend.h"
#include "coop-ioreq.h"
#include "policy.h"

extern const struct backend_ops backend_xen;

/* XEN_SCHEDULER_* to the policy's view: credit, credit2 or other. */
enum policy_sched xen_sched_map(uint32_t sched_id);

/* Short name of a XEN_SCHEDULER_* ("credit2", "rtds"), NULL if unknown. */
const char *xen_sched_name(uint32_t sched_id);

/* Number of CPUs set in a cpumap of `nbytes` bytes. */
unsigned int xen_cpumap_count(const uint8_t *map, size_t nbytes);

/*
 * If `name` is a device-model stub domain's name ("<guest>-dm"), copy the
 * guest's name to `guest` and return 1; else return 0.
 */
int xen_stub_guest_name(const char *name, char *guest, size_t len);

/*
 * Tie stub domains to their guests: s[i].stub_of becomes the domid of the
 * guest whose xenstore says dm_domid[j] == s[i].domid, or failing that of
 * the guest named like the stub without "-dm"; -1 otherwise.  `s` is sorted
 * by domid; dm_domid[j] is -1 when guest j names no stub domain.
 */
void xen_link_stubs(struct policy_sample *s, const int32_t *dm_domid,
                    unsigned int n);

/*
 * Merge the ioreq counter records (ascending domid, as the sysctl returns
 * them) into the samples (ascending domid): a domain with a record gets
 * its counters and POLICY_HAS_IOREQ, one without loses POLICY_HAS_IOREQ.
 * Returns how many samples got a record.
 */
unsigned int xen_merge_ioreq(struct policy_sample *s, unsigned int n,
                             const struct xen_coop_ioreq_dom *recs,
                             unsigned int nrecs);

/* A hypervisor trace record as coopctl iotrace shows it. */
void xen_trace_rec(const struct xen_coop_ioreq_trace_rec *in,
                   struct backend_trace_rec *out);

#endif /* COOPVMM_XEN_H */

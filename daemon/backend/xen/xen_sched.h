/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_sched.h - the xen backend's cpupools and scheduler calls
 * (xen_sched.c): which scheduler each cpupool runs, on which pCPUs, with
 * which parameters; each domain's weight and cap, read and set through
 * credit's or credit2's call; and its vCPUs' hard affinity (read only).
 */
#ifndef COOPVMM_XEN_SCHED_H
#define COOPVMM_XEN_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include "xen_types.h"

/* XEN_SCHEDULER_* to the policy's view: credit, credit2 or other. */
enum policy_sched xen_sched_map(uint32_t sched_id);

/* Short name of a XEN_SCHEDULER_* ("credit2", "rtds"), NULL if unknown. */
const char *xen_sched_name(uint32_t sched_id);

/* Number of CPUs set in a cpumap of `nbytes` bytes. */
unsigned int xen_cpumap_count(const uint8_t *map, size_t nbytes);

/* The cpupool `id` as last read, or NULL. */
struct xen_cpupool *xen_cpupool_find(struct backend *b, uint32_t id);

/*
 * Re-read every cpupool: scheduler, pCPUs, and the scheduler's time slice
 * and rate limit (credit) or rate limit (credit2), logged when new or
 * changed.  0 or -errno (logged).
 */
int xen_cpupools_refresh(struct backend *b);
void xen_cpupools_free(struct backend *b);

/*
 * The schedulers of all cpupools, each once ("credit,credit2"), into
 * out[len] for the banner.
 */
void xen_sched_names(const struct backend *b, char *out, size_t len);

/*
 * Whether to read a domain's weight/cap this poll (see XEN_SCHED_REFRESH).
 * A failed read is retried on the periodic slot only, so a domain that
 * keeps failing is logged once per period, not once per poll.
 */
bool xen_sched_due(const struct backend *b, const struct xen_dom *d,
                   enum policy_sched sched);

/*
 * Current weight/cap of one domain into the cache.  0 or -errno (logged).
 * A failed read keeps the last good values of the same scheduler: better
 * slightly old than a 0 the actuator would take for the administrator's.
 */
int xen_sched_read(struct backend *b, struct xen_dom *d,
                   enum policy_sched sched);

/*
 * One read of a domain's weight and cap from the hypervisor, no cache;
 * *op names the call.  0 or -errno, not logged.
 */
int xen_sched_get(struct backend *b, uint32_t domid, enum policy_sched sched,
                  uint32_t *weight, uint32_t *cap, const char **op);

/*
 * Set a domain's weight and/or cap (POLICY_SET_* in `mask`) through
 * `sched`'s call, in one hypercall: the field outside `mask` is passed
 * as Xen's "unchanged" value (credit: weight 0, cap 0xFFFF; credit2:
 * weight 0, but its cap has none, so `cap` must then be the cap in
 * force).  *op names the call.  0 or -errno, not logged; -EOPNOTSUPP if
 * `sched` is neither credit nor credit2.
 */
int xen_sched_set(struct backend *b, uint32_t domid, enum policy_sched sched,
                  unsigned int mask, uint32_t weight, uint32_t cap,
                  const char **op);

/*
 * The pCPUs of a domain's cpupool that its vCPUs' hard affinity allows
 * (the union over vCPUs 0..max_vcpu_id, one xc_vcpu_getaffinity each)
 * into d->affinity_cpus (0 when unknown).  0 or -errno (logged).
 */
int xen_affinity_read(struct backend *b, struct xen_dom *d,
                      const xc_domaininfo_t *in);

/* Bits set in both cpumaps of `nbytes` bytes. */
unsigned int xen_affinity_count(const uint8_t *affinity,
                                const uint8_t *pool, size_t nbytes);

/*
 * Whether to read a domain's affinity this poll: at first sight, when it
 * moved to another pool, and after xen_affinity_sweep().
 */
bool xen_affinity_due(const struct xen_dom *d, const xc_domaininfo_t *in);
/* Read every domain's affinity again at this poll (the sweep). */
void xen_affinity_sweep(struct backend *b);

#endif /* COOPVMM_XEN_SCHED_H */

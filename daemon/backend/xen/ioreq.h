/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ioreq.h: dom0 reader of the hv-patch ioreq counters and request trace.
 *
 * Everything goes through XEN_SYSCTL_coop_ioreq (hv-patch/include/
 * coop-ioreq.h), issued with libxenctrl's public xc_sysctl() and a
 * hypercall buffer, so Debian's unmodified libxenctrl is enough.  On a
 * hypervisor without the patch every call returns -ENOSYS.
 *
 * Not thread-safe: one reader per thread.  All functions return a
 * negative errno on failure and never exit or log.
 */
#ifndef COOPVMM_IOREQ_H
#define COOPVMM_IOREQ_H

#include <stdint.h>
#include <xenctrl.h>

#include "coop-ioreq.h"

/* Ring size ioreq_trace_enable() uses when asked for 0 entries. */
#define IOREQ_TRACE_DEFAULT_ENTRIES 1024

struct ioreq_reader;

/*
 * A reader for up to max_domains domains (at least 1), with its hypercall
 * buffer allocated once: polling allocates nothing.  xch must outlive the
 * reader.  NULL with errno set on failure.
 */
struct ioreq_reader *ioreq_reader_new(xc_interface *xch,
                                      unsigned int max_domains);
void ioreq_reader_free(struct ioreq_reader *r);

/*
 * The counters of all domains (lowest domids first, at most max_domains)
 * in ONE sysctl.  Returns the number of records and points *recs at them
 * (valid until the next call or ioreq_reader_free()), or -errno: -ENOSYS
 * when the hypervisor lacks the patch; -EPERM under FLASK when the policy
 * does not grant xen2:coop_ioreq (an unpatched FLASK hypervisor, too,
 * answers an unknown sysctl with -EPERM).  A result of max_domains may
 * mean there were more domains.
 *
 * Each record (struct xen_coop_ioreq_dom, hv-patch/include/coop-ioreq.h):
 *  - always: domid, flags, nr_vcpus, and the emulated I/O request
 *    counters, cumulative since the domain was created (counts, bytes);
 *  - from a version 2 hypervisor (ioreq_dom_has_runstate()): running,
 *    runnable, blocked, offline, in ns of Xen system time: the sums over
 *    the domain's vCPUs of their runstate times as Xen's own
 *    vcpu_runstate_get() reads them, each including the time spent so far
 *    in the current state, cumulative since the vCPUs were created; and
 *    nr_online_vcpus, the vCPUs not down.  Present for every domain, PV
 *    and dom0 too.  From a version 1 hypervisor they are absent and read
 *    as zero: fields a record's .size does not cover are zeroed here.
 */
int ioreq_reader_read(struct ioreq_reader *r,
                      const struct xen_coop_ioreq_dom **recs);

/* The record carries the runstate sums and online vCPUs (version 2+). */
static inline int ioreq_dom_has_runstate(const struct xen_coop_ioreq_dom *d)
{
    return d->size >= XEN_COOP_IOREQ_DOM_SIZE_V2;
}

/*
 * Start (or restart, discarding what was recorded) tracing every new
 * request of HVM domain domid into per-vCPU rings of entries_per_vcpu
 * entries (0: IOREQ_TRACE_DEFAULT_ENTRIES; rounded up to a power of two,
 * at most XEN_COOP_IOREQ_MAX_RING).  -EOPNOTSUPP for a PV domain or dom0.
 */
int ioreq_trace_enable(struct ioreq_reader *r, uint32_t domid,
                       unsigned int entries_per_vcpu);
/* Stop tracing and free the rings; 0 if tracing was off already. */
int ioreq_trace_disable(struct ioreq_reader *r, uint32_t domid);

/*
 * Move up to max of the oldest traced requests of domid, all vCPUs merged
 * by timestamp, to out[].  Returns how many (0: the rings are empty), or
 * -errno: -ENODATA when tracing is off.  *overruns (may be NULL) gets the
 * number of requests dropped because a ring was full since
 * ioreq_trace_enable().
 */
int ioreq_trace_read(struct ioreq_reader *r, uint32_t domid,
                     struct xen_coop_ioreq_trace_rec *out, unsigned int max,
                     uint64_t *overruns);

#endif /* COOPVMM_IOREQ_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_ioreq.c - the xen backend's ioreq counters: one sysctl for all
 * domains per poll (ioreq.c), merged by domid.  On a hypervisor without
 * the patch the signal is said missing once and probed again now and
 * then; the other signals carry on.
 */
#include <errno.h>

#include "ioreq.h"
#include "log.h"
#include "xen_ioreq.h"

#define XEN_IOREQ_RETRY     600     /* polls between ENOSYS re-probes */

unsigned int xen_merge_ioreq(struct policy_sample *s, unsigned int n,
                             const struct xen_coop_ioreq_dom *recs,
                             unsigned int nrecs)
{
    unsigned int i, r = 0, merged = 0;

    for ( i = 0; i < n; i++ )
    {
        struct policy_counters *c = &s[i].c;
        const struct xen_coop_ioreq_dom *d;

        while ( r < nrecs && recs[r].domid < s[i].domid )
            r++;
        if ( r == nrecs || recs[r].domid != s[i].domid )
        {
            s[i].signals &= ~(POLICY_HAS_IOREQ | POLICY_HAS_RUNSTATE);
            continue;
        }
        d = &recs[r++];
        c->pio_read = d->pio_read;
        c->pio_write = d->pio_write;
        c->mmio_read = d->mmio_read;
        c->mmio_write = d->mmio_write;
        c->ioreq_reps = d->reps;
        c->ioreq_bytes = d->bytes;
        c->ioreq_xen = d->xen;
        c->ioreq_dm = d->dm;
        c->ioreq_buffered = d->buffered;
        c->ioreq_none = d->none;
        s[i].signals |= POLICY_HAS_IOREQ;
        /* ABI version 2: the vCPUs' runstate times, summed by Xen. */
        if ( ioreq_dom_has_runstate(d) )
        {
            c->rs_running_ns = d->running;
            c->rs_runnable_ns = d->runnable;
            c->rs_blocked_ns = d->blocked;
            c->rs_offline_ns = d->offline;
            s[i].signals |= POLICY_HAS_RUNSTATE;
        }
        else
            s[i].signals &= ~POLICY_HAS_RUNSTATE;
        merged++;
    }
    return merged;
}

void xen_ioreq_state(struct backend *b, int r,
                     const struct xen_coop_ioreq_dom *recs)
{
    /* FLASK answers an op it does not know, or does not grant, EPERM. */
    if ( r == -ENOSYS || r == -EPERM )
    {
        if ( b->ioreq != IOREQ_MISSING )
            log_warnx(r == -ENOSYS
                      ? "hypervisor lacks the coopvmm ioreq patch: the ioreq "
                        "and runstate signals are missing; classifying on "
                        "CPU and PV I/O only"
                      : "the ioreq sysctl is refused (EPERM: under FLASK, "
                        "grant xen2:coop_ioreq to dom0, see hv-patch/"
                        "README.md): the ioreq and runstate signals are "
                        "missing; classifying on CPU and PV I/O only");
        b->ioreq = IOREQ_MISSING;
        b->ioreq_err = -r;
        b->ioreq_retry = b->poll + XEN_IOREQ_RETRY;
    }
    else if ( r < 0 )
    {
        if ( b->ioreq != IOREQ_FAILING || b->ioreq_err != -r )
        {
            errno = -r;
            log_warn("ioreq counters: reading them failed; classifying "
                     "without them until they come back");
        }
        b->ioreq = IOREQ_FAILING;
        b->ioreq_err = -r;
    }
    else
    {
        if ( b->ioreq != IOREQ_OK )
            log_notice("ioreq counters: present");
        b->ioreq = IOREQ_OK;
        b->ioreq_err = 0;
        /* No record (no domain): as it was. */
        if ( r > 0 )
            b->ioreq_runstate = ioreq_dom_has_runstate(&recs[0]);
    }
}

void xen_ioreq(struct backend *b, struct policy_sample *s,
               unsigned int n)
{
    const struct xen_coop_ioreq_dom *recs;
    int r;

    if ( !b->ior || (b->ioreq == IOREQ_MISSING && b->poll < b->ioreq_retry) )
        return;
    r = ioreq_reader_read(b->ior, &recs);
    xen_ioreq_state(b, r, recs);
    if ( r < 0 )
        return;
    xen_merge_ioreq(s, n, recs, r);
}

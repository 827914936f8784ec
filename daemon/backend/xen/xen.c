/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen.c - the "xen" backend: samples every domain of a live Xen host and
 * applies scheduler weight/cap changes.  This file opens and closes the
 * backend and runs each sample through the parts, one job each:
 *
 *   xen_dom.c     the domain list (libxenctrl) and the per-domain cache
 *   xen_sched.c   cpupools, and weights and caps through their scheduler
 *   xen_xs.c      names, stub domains and churn (libxenstore)
 *   xen_pv.c      PV block and network counters (libxenstat)
 *   xen_ioreq.c   the hv-patch ioreq counters (ioreq.c's sysctl)
 *   xen_trace.c   the hv-patch request trace (coopctl iotrace)
 *
 * It knows nothing of policy.  Rules kept here: one hypercall per kind of
 * data per poll where the interface allows it; no per-domain allocation
 * in steady state (arrays sized for max_domains, grown rarely); a failure
 * for one domain is logged with its domid and errno and never stops the
 * others; a missing signal (no ioreq patch, no libxenstat, no xenstored)
 * degrades the sample, it does not fail it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "clock.h"
#include "ioreq.h"
#include "log.h"
#include "xen.h"
#include "xen_dom.h"
#include "xen_ioreq.h"
#include "xen_pv.h"
#include "xen_sched.h"
#include "xen_trace.h"
#include "xen_types.h"
#include "xen_update.h"
#include "xen_xs.h"

#define XEN_PRIVCMD         "/dev/xen/privcmd"

_Static_assert(POLICY_DOMID_LIMIT == DOMID_FIRST_RESERVED,
               "policy.h's domid limit is Xen's DOMID_FIRST_RESERVED");

/* ------------------------------------------------------ libxenctrl log */

/* libxenctrl's own messages: detail for our log lines, which say more. */
static void xen_xtl_vmessage(struct xentoollog_logger *l,
                             xentoollog_level level, int errnoval,
                             const char *context, const char *fmt,
                             va_list ap)
{
    char msg[512];

    (void)l;
    if ( level < XTL_WARN )
        return;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if ( errnoval >= 0 )
        log_info("%s: %s: %s", context ? context : "xc", msg,
                 strerror(errnoval));
    else
        log_info("%s: %s", context ? context : "xc", msg);
}

static void xen_xtl_destroy(struct xentoollog_logger *l)
{
    (void)l;
}

/* ------------------------------------------------------------ sample */

static void xen_fill(struct backend *b, const xc_domaininfo_t *in,
                     struct xen_dom *d, struct policy_sample *s)
{
    const struct xen_cpupool *p = xen_cpupool_find(b, in->cpupool);
    enum policy_sched sched = p ? xen_sched_map(p->sched_id)
                                : POLICY_SCHED_OTHER;

    if ( b->refresh || b->poll >= d->name_retry )
        xen_read_name(b, d);
    /* A dying domain's scheduler calls fail with ESRCH: don't ask. */
    if ( !(in->flags & XEN_DOMINF_dying) && xen_sched_due(b, d, sched) )
        xen_sched_read(b, d, sched);

    memset(s, 0, sizeof(*s));
    s->domid = in->domain;
    memcpy(s->uuid, in->handle, sizeof(s->uuid));
    memcpy(s->name, d->name, sizeof(s->name));
    s->vcpus = in->nr_online_vcpus;
    if ( !s->vcpus && in->max_vcpu_id != XEN_INVALID_MAX_VCPU_ID )
        s->vcpus = in->max_vcpu_id + 1;
    s->cpupool = in->cpupool;
    s->cpupool_cpus = p ? p->ncpus : 0;
    /*
     * Weight and cap never read (the call failed, or the domain was
     * already dying): hands off, as for a scheduler we do not manage.
     */
    s->sched = d->sched_ok && d->sched == sched ? sched : POLICY_SCHED_OTHER;
    s->signals = POLICY_HAS_CPU;
    if ( in->flags & XEN_DOMINF_dying )
        s->flags |= POLICY_DOM_DYING;
    if ( in->flags & XEN_DOMINF_shutdown )
        s->flags |= POLICY_DOM_SHUTDOWN;
    s->stub_of = -1;
    s->c.cpu_ns = in->cpu_time;
    if ( s->sched != POLICY_SCHED_OTHER )
    {
        s->weight = d->weight;
        s->cap = d->cap;
    }
}

static int xen_sample(struct backend *b, struct policy_sample *s,
                      unsigned int max, uint64_t *now_ns)
{
    unsigned int i;
    bool cpupools_ok = true;
    int n;

    b->poll++;
    n = xen_list(b);
    if ( n < 0 )
        return n;
    *now_ns = clock_mono_ns();
    if ( (unsigned int)n > max )
        return -ENOSPC;

    b->refresh = b->stale;
    b->stale = false;
    for ( i = 0; i < (unsigned int)n && cpupools_ok; i++ )
        cpupools_ok = xen_cpupool_find(b, b->info[i].cpupool) != NULL;
    if ( b->refresh || (!cpupools_ok && b->cpupool_poll != b->poll) ||
         b->poll - b->cpupool_poll >= XEN_CPUPOOL_REFRESH )
        xen_cpupools_refresh(b);
    xen_cache_merge(b, n);
    if ( !b->xsh )
        xen_xs_open(b);
    else
        xen_xs_ping(b);

    for ( i = 0; i < (unsigned int)n; i++ )
    {
        xen_fill(b, &b->info[i], &b->dom[i], &s[i]);
        b->dm[i] = b->dom[i].dm_domid;
    }
    xen_link_stubs(s, b->dm, n);
    xen_pv_stats(b, s, n);
    xen_ioreq(b, s, n);
    b->refresh = false;
    return n;
}

/* --------------------------------------------------------------- set */

/* Read-modify-write: only the fields in `mask` change. */
static int xen_set(struct backend *b, const struct policy_sample *s,
                   unsigned int mask, uint32_t weight, uint32_t cap)
{
    int k = XEN_DOMID_INDEX(b->dom, b->ndoms, s->domid);
    struct xen_dom *d = k >= 0 ? &b->dom[k] : NULL;
    const char *op;
    int rc;

    if ( !(mask & (POLICY_SET_WEIGHT | POLICY_SET_CAP)) )
        return 0;
    /* Failures are the caller's to log (backend.h): only -errno here. */
    if ( ((mask & POLICY_SET_WEIGHT) &&
          (weight < POLICY_WEIGHT_MIN || weight > POLICY_WEIGHT_MAX)) ||
         ((mask & POLICY_SET_CAP) && cap >= UINT16_MAX) )
        return -EINVAL;             /* out of the scheduler's range */
    if ( d && memcmp(d->uuid, s->uuid, sizeof(d->uuid)) )
        return -ESRCH;              /* the domid is another domain now */
    rc = xen_sched_set(b, s->domid, s->sched, mask, &weight, &cap, &op);
    if ( rc )
        return rc;
    if ( d )
    {
        /* What we wrote, until the read-back next poll says otherwise. */
        d->sched = s->sched;
        d->sched_ok = true;
        d->sched_dirty = true;
        d->weight = weight;
        d->cap = cap;
    }
    log_debug("d%u: %s weight %u cap %u", s->domid, op, weight, cap);
    return 0;
}

/* -------------------------------------------------------------- info */

static void xen_info(struct backend *b, struct backend_info *out)
{
    const char *io;

    memset(out, 0, sizeof(*out));
    out->signals = POLICY_HAS_CPU;
    if ( b->xst )
        out->signals |= (b->xst_live & XENSTAT_VBD ? POLICY_HAS_VBD : 0) |
                        (b->xst_live & XENSTAT_NETWORK ? POLICY_HAS_NET : 0);
    if ( b->ioreq == IOREQ_OK )
        out->signals |= POLICY_HAS_IOREQ |
                        (b->ioreq_runstate ? POLICY_HAS_RUNSTATE : 0);
    xen_sched_names(b, out->scheds, sizeof(out->scheds));
    io = b->ioreq == IOREQ_OK ? (b->ioreq_runstate ? "present, runstate "
                                                      "too"
                                                    : "present, no runstate "
                                                      "(ABI v1)") :
         b->ioreq == IOREQ_MISSING ? (b->ioreq_err == EPERM
                                      ? "missing (EPERM: refused by XSM)"
                                      : "missing (ENOSYS: hypervisor not "
                                        "patched)") : "failing";
    snprintf(out->detail, sizeof(out->detail),
             "ioreq counters: %s; PV stats: %s; cpupools: %u", io,
             !(out->signals & (POLICY_HAS_VBD | POLICY_HAS_NET)) ? "none" :
             !(out->signals & POLICY_HAS_NET) ? "block" :
             !(out->signals & POLICY_HAS_VBD) ? "network" :
             "block+network", b->ncpupools);
}

/* ------------------------------------------------------ open, close */

static void xen_close(struct backend *b)
{
    if ( !b )
        return;
    if ( b->ior )
        ioreq_reader_free(b->ior);
    if ( b->xst )
        xenstat_uninit(b->xst);
    xen_xs_close(b);
    if ( b->xch )
        xc_interface_close(b->xch);
    free(b->trace_buf);
    free(b->cpupool);
    free(b->info);
    free(b->dom);
    free(b->dom2);
    free(b->dm);
    free(b);
}

static int xen_open(struct backend **out, const struct backend_args *args)
{
    struct backend *b = calloc(1, sizeof(*b));
    int rc, err;

    if ( !b )
        return -ENOMEM;
    b->xtl.vmessage = xen_xtl_vmessage;
    b->xtl.destroy = xen_xtl_destroy;
    errno = 0;
    b->xch = xc_interface_open(&b->xtl, &b->xtl, 0);
    if ( !b->xch )
    {
        /* xencall falls back to /proc/xen/privcmd: report the real one. */
        err = errno ? errno : ENODEV;
        if ( access(XEN_PRIVCMD, F_OK) )
            err = errno;
        log_warnx("cannot open the Xen control interface (%s): %s; is this "
                  "dom0 of a Xen host? (use --backend replay to play a "
                  "recording)", XEN_PRIVCMD, strerror(err));
        free(b);
        return -err;
    }
    rc = xc_get_cpumap_size(b->xch);
    b->cpumap_bytes = rc > 0 ? rc : 0;
    rc = xen_grow(b, args && args->max_domains ? args->max_domains
                                               : XEN_MIN_DOMAINS);
    if ( rc )
        goto fail;
    xen_xs_open(b);             /* not fatal: names come when it answers */
    xen_cpupools_refresh(b);       /* not fatal: retried */
    /* Probe PV stats now so that the banner can tell. */
    {
        struct policy_sample none;

        xen_pv_stats(b, &none, 0);
    }
    b->ior = ioreq_reader_new(b->xch, b->ndoms_max);
    if ( !b->ior )
    {
        rc = -errno;
        log_err("ioreq_reader_new");
        goto fail;
    }
    /* Probe now so that the banner can say whether ioreqs are counted. */
    {
        const struct xen_coop_ioreq_dom *recs;

        xen_ioreq_state(b, ioreq_reader_read(b->ior, &recs));
    }
    /* Once: is Debian's hypervisor package newer than ours? */
    xen_update_check(b->xch);
    *out = b;
    return 0;

 fail:
    xen_close(b);
    return rc;
}

const struct backend_ops backend_xen = {
    .name = "xen",
    .open = xen_open,
    .sample = xen_sample,
    .set = xen_set,
    .info = xen_info,
    .watch_fd = xen_watch_fd,
    .watch_drain = xen_watch_drain,
    .trace = xen_trace,
    .close = xen_close,
};

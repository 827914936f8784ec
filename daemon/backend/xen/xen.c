/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen.c - the "xen" backend: samples every domain of a live Xen host and
 * applies scheduler weight/cap changes.  This file opens and closes the
 * backend and runs each sample through the parts, one job each:
 *
 *   xen_dom.c     the domain list (libxenctrl) and the per-domain cache
 *   xen_sched.c   cpupools and their parameters, weights and caps through
 *                 their scheduler, vCPU hard affinity
 *   xen_xs.c      names, stub domains, device-model pids, churn
 *                 (libxenstore)
 *   xen_dm.c      device models: their processes' CPU and run counts
 *   xen_pv.c      PV block and network counters (sysfs, /proc/net/dev)
 *   xen_text.c    the parsers of what dom0's kernel says
 *   xen_ioreq.c   the hv-patch ioreq counters (ioreq.c's sysctl)
 *   xen_trace.c   the hv-patch request trace (coopctl iotrace)
 *
 * It knows nothing of policy.  Rules kept here: one hypercall per kind of
 * data per poll where the interface allows it; no xenstore request in
 * the steady state; no per-domain allocation in steady state (arrays
 * sized for max_domains, grown rarely); a failure for one domain is
 * logged with its domid and errno and never stops the others; a missing
 * signal (no ioreq patch, no blkback, no xenstored) degrades the sample,
 * it does not fail it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "backend.h"
#include "clock.h"
#include "ioreq.h"
#include "log.h"
#include "xen.h"
#include "xen_dm.h"
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

/*
 * Whether a domain should have a device model: an HVM guest with the
 * emulated legacy platform, which is what QEMU completes.  A PVH guest is
 * an HVM container that emulates only its local APIC (Xen's own): no
 * device model, nothing to look for.
 */
static bool xen_want_dm(const xc_domaininfo_t *in)
{
    if ( !(in->flags & XEN_DOMINF_hvm_guest) || in->domain == 0 )
        return false;
#if defined(__x86_64__) || defined(__i386__)
    return in->arch_config.emulation_flags & XEN_X86_EMU_PIC;
#else
    return true;
#endif
}

/*
 * What xenstore says of a domain: at first sight and when due (see
 * XEN_XS_SWEEP_NS); on churn only if something is still missing.
 */
static void xen_fill_xs(struct backend *b, const xc_domaininfo_t *in,
                        struct xen_dom *d)
{
    bool want = xen_want_dm(in);

    if ( b->refresh && !xen_xs_complete(d, want) )
        d->xs_due = 0;
    if ( b->poll >= d->xs_due )
        xen_xs_read_dom(b, d, want);
    xen_dm_attach(b, d);
}

static void xen_fill(struct backend *b, const xc_domaininfo_t *in,
                     struct xen_dom *d, struct policy_sample *s)
{
    const struct xen_cpupool *p = xen_cpupool_find(b, in->cpupool);
    enum policy_sched sched = p ? xen_sched_map(p->sched_id)
                                : POLICY_SCHED_OTHER;
    bool dying = in->flags & XEN_DOMINF_dying;

    xen_fill_xs(b, in, d);
    /*
     * A dying domain's scheduler calls fail with ESRCH: don't ask.  One
     * that had not run at the last read is being built, and the toolstack
     * sets its values before it lets it run (xl on a reboot: those of the
     * guest's previous domain): read them again until it has run, so that
     * the sample that first shows it running (state.c takes no base
     * before) shows them, not Xen's default read at first sight.
     */
    if ( !dying && (xen_sched_due(b, d, sched) || d->sched_unrun) )
    {
        xen_sched_read(b, d, sched);
        d->sched_unrun = !in->cpu_time;
    }
    if ( !dying && xen_affinity_due(d, in) )
        xen_affinity_read(b, d, in);

    memset(s, 0, sizeof(*s));
    s->domid = in->domain;
    memcpy(s->uuid, in->handle, sizeof(s->uuid));
    memcpy(s->name, d->name, sizeof(s->name));
    s->vcpus = in->nr_online_vcpus;
    if ( !s->vcpus && in->max_vcpu_id != XEN_INVALID_MAX_VCPU_ID )
        s->vcpus = in->max_vcpu_id + 1;
    s->cpupool = in->cpupool;
    s->cpupool_cpus = p ? p->ncpus : 0;
    s->affinity_cpus = d->affinity_cpus;
    /*
     * Weight and cap never read (the call failed, or the domain was
     * already dying): hands off, as for a scheduler we do not manage.
     */
    s->sched = d->sched_ok && d->sched == sched ? sched : POLICY_SCHED_OTHER;
    s->signals = POLICY_HAS_CPU | (b->dm_visible ? POLICY_HAS_DM : 0);
    if ( dying )
        s->flags |= POLICY_DOM_DYING;
    if ( in->flags & XEN_DOMINF_shutdown )
        s->flags |= POLICY_DOM_SHUTDOWN;
    if ( d->affinity_cpus && d->affinity_cpus < s->cpupool_cpus )
    {
        s->flags |= POLICY_DOM_PINNED;
        b->npinned++;
    }
    s->stub_of = -1;
    s->c.cpu_ns = in->cpu_time;
    if ( s->sched != POLICY_SCHED_OTHER )
    {
        s->weight = d->weight;
        s->cap = d->cap;
    }
    xen_dm_sample(b, d, s);
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
    if ( xen_cache_merge(b, n) || b->refresh )
        xen_pv_rescan(b, true);
    if ( b->cpupools_moved )
    {
        /* Affinities are counted within pools: count them again. */
        xen_affinity_sweep(b);
        b->cpupools_moved = false;
    }
    if ( !b->sweep_ns )
        b->sweep_ns = *now_ns + XEN_XS_SWEEP_NS;
    else if ( *now_ns >= b->sweep_ns )
    {
        xen_xs_sweep(b);
        xen_affinity_sweep(b);
        xen_pv_rescan(b, false);
        b->sweep_ns = *now_ns + XEN_XS_SWEEP_NS;
    }
    if ( !b->xsh )
        xen_xs_open(b);

    b->npinned = 0;
    for ( i = 0; i < (unsigned int)n; i++ )
    {
        xen_fill(b, &b->info[i], &b->dom[i], &s[i]);
        b->dm[i] = b->dom[i].dm_domid;
        b->target[i] = b->dom[i].target;
    }
    xen_link_stubs(s, b->dm, b->target, n);
    xen_dom_stub_cpu(b->dom, s, n);
    xen_pv_stats(b, s, n);
    xen_ioreq(b, s, n);
    b->refresh = false;
    return n;
}

/* --------------------------------------------------------------- set */

/* The cache entry of a sampled domain, if it is still that domain. */
static struct xen_dom *xen_dom_of(struct backend *b,
                                  const struct policy_sample *s, int *rc)
{
    int k = XEN_DOMID_INDEX(b->dom, b->ndoms, s->domid);
    struct xen_dom *d = k >= 0 ? &b->dom[k] : NULL;

    *rc = d && memcmp(d->uuid, s->uuid, sizeof(d->uuid)) ? -ESRCH : 0;
    return d;
}

/* The values in force, read now; the cache learns them too. */
static int xen_get(struct backend *b, const struct policy_sample *s,
                   uint32_t *weight, uint32_t *cap)
{
    const char *op;
    int rc;
    struct xen_dom *d = xen_dom_of(b, s, &rc);

    if ( rc )
        return rc;              /* the domid is another domain now */
    rc = xen_sched_get(b, s->domid, s->sched, weight, cap, &op);
    if ( rc )
        return rc;
    if ( d && d->sched == s->sched )
    {
        d->weight = *weight;
        d->cap = *cap;
    }
    return 0;
}

/* Only the fields in `mask` change; s->cap is the cap in force. */
static int xen_set(struct backend *b, const struct policy_sample *s,
                   unsigned int mask, uint32_t weight, uint32_t cap)
{
    const char *op;
    int rc;
    struct xen_dom *d = xen_dom_of(b, s, &rc);

    if ( !(mask & (POLICY_SET_WEIGHT | POLICY_SET_CAP)) )
        return 0;
    /* Failures are the caller's to log (backend.h): only -errno here. */
    if ( ((mask & POLICY_SET_WEIGHT) &&
          (weight < POLICY_WEIGHT_MIN || weight > POLICY_WEIGHT_MAX)) ||
         ((mask & POLICY_SET_CAP) && cap >= UINT16_MAX) )
        return -EINVAL;             /* out of the scheduler's range */
    if ( rc )
        return rc;                  /* the domid is another domain now */
    if ( !(mask & POLICY_SET_WEIGHT) )
        weight = s->weight;
    if ( !(mask & POLICY_SET_CAP) )
        cap = s->cap;
    rc = xen_sched_set(b, s->domid, s->sched, mask, weight, cap, &op);
    if ( rc )
    {
        if ( d )
            d->sched_dirty = true;  /* maybe half done: read it again */
        return rc;
    }
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
    const char *io, *pv;

    memset(out, 0, sizeof(*out));
    out->signals = POLICY_HAS_CPU | (b->dm_visible ? POLICY_HAS_DM : 0) |
                   (b->vbd_dir ? POLICY_HAS_VBD : 0) |
                   (b->netdev_fd >= 0 ? POLICY_HAS_NET : 0);
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
    pv = b->vbd_dir && b->netdev_fd >= 0 ? "block+network" :
         b->vbd_dir ? "block" : b->netdev_fd >= 0 ? "network" : "none";
    snprintf(out->detail, sizeof(out->detail),
             "ioreq counters: %s; PV stats: %s; device models: %u%s; "
             "cpupools: %u; hard-pinned: %u", io, pv, b->ndm,
             b->dm_visible ? "" : " (no /proc)", b->ncpupools, b->npinned);
}

/* A cpumap as a list of pCPUs ("0,2-3") into out[len]. */
static void xen_cpulist(const uint8_t *map, size_t nbytes, char *out,
                        size_t len)
{
    size_t off = 0, c, n = nbytes * 8, e;

    out[0] = '\0';
    for ( c = 0; c < n && off < len; c++ )
    {
        if ( !(map[c / 8] & (1u << (c % 8))) )
            continue;
        for ( e = c; e + 1 < n && (map[(e + 1) / 8] & (1u << ((e + 1) % 8)));
              e++ )
            ;
        off += snprintf(out + off, len - off, e > c ? "%s%zu-%zu" : "%s%zu",
                        off ? "," : "", c, e);
        c = e;
    }
}

static int xen_cpupools_op(struct backend *b, struct backend_cpupool *out,
                           unsigned int max)
{
    unsigned int i;

    for ( i = 0; i < b->ncpupools && i < max; i++ )
    {
        const struct xen_cpupool *p = &b->cpupool[i];
        const char *sn = xen_sched_name(p->sched_id);

        memset(&out[i], 0, sizeof(out[i]));
        out[i].id = p->id;
        snprintf(out[i].sched, sizeof(out[i].sched), "%s",
                 sn ? sn : "unknown");
        out[i].ncpus = p->ncpus;
        xen_cpulist(p->cpumap, b->cpumap_bytes, out[i].cpus,
                    sizeof(out[i].cpus));
        out[i].tslice_ms = p->tslice_ms;
        out[i].ratelimit_us = p->ratelimit_us;
    }
    return b->ncpupools;
}

/* ------------------------------------------------------ open, close */

static void xen_close(struct backend *b)
{
    unsigned int i;

    if ( !b )
        return;
    for ( i = 0; i < b->ndoms; i++ )
        xen_dm_release(b, &b->dom[i].dm);
    xen_pv_close(b);
    if ( b->ior )
        ioreq_reader_free(b->ior);
    xen_list_free(b);
    xen_xs_close(b);
    if ( b->xch )
        xc_interface_close(b->xch);
    xen_cpupools_free(b);
    free(b->trace_buf);
    free(b->affinity);
    free(b->affinity_all);
    free(b->info);
    free(b->dom);
    free(b->dom2);
    free(b->dm);
    free(b->target);
    free(b);
}

/*
 * Every virtual disk keeps four files open: take the hard limit of open
 * files, so that a host with hundreds of disks is not cut short.
 */
static void xen_raise_nofile(void)
{
    struct rlimit rl;

    if ( !getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max )
    {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int xen_open(struct backend **out, const struct backend_args *args)
{
    struct backend *b = calloc(1, sizeof(*b));
    int rc, err;

    if ( !b )
        return -ENOMEM;
    b->netdev_fd = -1;
    /* An unallocated hypercall buffer, as DECLARE_HYPERCALL_BUFFER makes. */
    b->list_buf.ubuf = (void *)-1;
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
    if ( b->cpumap_bytes )
    {
        b->affinity = calloc(1, b->cpumap_bytes);
        b->affinity_all = calloc(1, b->cpumap_bytes);
    }
    rc = xen_grow(b, args && args->max_domains ? args->max_domains
                                               : XEN_MIN_DOMAINS);
    if ( rc )
        goto fail;
    xen_raise_nofile();
    /* Device models are processes of dom0: seen through its /proc. */
    b->dm_visible = !access("/proc/self/stat", R_OK);
    xen_xs_open(b);             /* not fatal: names come when it answers */
    xen_cpupools_refresh(b);       /* not fatal: retried */
    xen_pv_open(b);             /* not fatal: said, and left out */
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

        int r = ioreq_reader_read(b->ior, &recs);

        xen_ioreq_state(b, r, recs);
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
    .get = xen_get,
    .set = xen_set,
    .info = xen_info,
    .watch_fd = xen_watch_fd,
    .watch_drain = xen_watch_drain,
    .cpupools = xen_cpupools_op,
    .trace = xen_trace,
    .close = xen_close,
};

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_sched.c - the xen backend's cpupools and scheduler calls: the
 * scheduler, pCPUs and scheduler parameters (credit's time slice and rate
 * limit, credit2's rate limit) of each cpupool, re-read now and then;
 * each domain's weight and cap, cached (see XEN_SCHED_REFRESH), read and
 * set through the one call of its cpupool's scheduler (credit and credit2
 * take the same two fields, so one function serves both ways of both);
 * and its vCPUs' hard affinity (at first sight and in the sweep).  A set
 * passes Xen's "unchanged" value for the field it does not set, where the
 * scheduler has one, so an administrator's change of that field made
 * meanwhile stays.
 *
 * It must not decide what to set: the caller (the actuator, through
 * xen.c) does, and logs a failed set.  Parameters and affinities are
 * read, never set: they decide whether weights can act at all, and they
 * are the administrator's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "xen_sched.h"

enum policy_sched xen_sched_map(uint32_t sched_id)
{
    switch ( sched_id )
    {
    case XEN_SCHEDULER_CREDIT:
        return POLICY_SCHED_CREDIT;
    case XEN_SCHEDULER_CREDIT2:
        return POLICY_SCHED_CREDIT2;
    default:
        return POLICY_SCHED_OTHER;
    }
}

const char *xen_sched_name(uint32_t sched_id)
{
    switch ( sched_id )
    {
    case XEN_SCHEDULER_CREDIT:   return "credit";
    case XEN_SCHEDULER_CREDIT2:  return "credit2";
    case XEN_SCHEDULER_ARINC653: return "arinc653";
    case XEN_SCHEDULER_RTDS:     return "rtds";
    case XEN_SCHEDULER_NULL:     return "null";
    default:                     return NULL;
    }
}

unsigned int xen_cpumap_count(const uint8_t *map, size_t nbytes)
{
    unsigned int n = 0;
    size_t i;

    for ( i = 0; map && i < nbytes; i++ )
        n += __builtin_popcount(map[i]);
    return n;
}

struct xen_cpupool *xen_cpupool_find(struct backend *b, uint32_t id)
{
    unsigned int i;

    for ( i = 0; i < b->ncpupools; i++ )
        if ( b->cpupool[i].id == id )
            return &b->cpupool[i];
    return NULL;
}

static void cpupool_free(struct xen_cpupool *p, unsigned int n)
{
    unsigned int i;

    for ( i = 0; p && i < n; i++ )
        free(p[i].cpumap);
    free(p);
}

void xen_cpupools_free(struct backend *b)
{
    cpupool_free(b->cpupool, b->ncpupools);
    b->cpupool = NULL;
    b->ncpupools = b->ncpupools_max = 0;
}

/*
 * The scheduler's own parameters of a pool (one hypercall; none for other
 * schedulers).  A failure leaves -1: unknown, shown as such.
 */
static void cpupool_params(struct backend *b, struct xen_cpupool *p)
{
    struct xen_sysctl_credit_schedule c1;
    struct xen_sysctl_credit2_schedule c2;

    p->tslice_ms = p->ratelimit_us = -1;
    switch ( p->sched_id )
    {
    case XEN_SCHEDULER_CREDIT:
        if ( !xc_sched_credit_params_get(b->xch, p->id, &c1) )
        {
            p->tslice_ms = c1.tslice_ms;
            p->ratelimit_us = c1.ratelimit_us;
        }
        break;
    case XEN_SCHEDULER_CREDIT2:
        if ( !xc_sched_credit2_params_get(b->xch, p->id, &c2) )
            p->ratelimit_us = c2.ratelimit_us;
        break;
    default:
        break;
    }
}

/* Say what a pool is when it is new or changed. */
static void cpupool_log(const struct xen_cpupool *p)
{
    const char *sn = xen_sched_name(p->sched_id);
    char ts[32] = "", rl[32] = "";

    if ( p->tslice_ms >= 0 )
        snprintf(ts, sizeof(ts), ", time slice %d ms", p->tslice_ms);
    if ( p->ratelimit_us >= 0 )
        snprintf(rl, sizeof(rl), ", rate limit %d us", p->ratelimit_us);
    log_info("cpupool %u: %s, %u pCPU%s%s%s", p->id, sn ? sn : "unknown",
             p->ncpus, p->ncpus == 1 ? "" : "s", ts, rl);
}

/* Re-read every cpupool: scheduler, pCPUs, parameters.  0 or -errno. */
int xen_cpupools_refresh(struct backend *b)
{
    struct xen_cpupool *p, *old = b->cpupool, *np;
    unsigned int n = 0, oldn = b->ncpupools, max = b->ncpupools_max;
    xc_cpupoolinfo_t *pi;
    uint32_t next = 0;
    unsigned int i;

    np = calloc(max ? max : 4, sizeof(*np));
    if ( !np )
        return -ENOMEM;
    max = max ? max : 4;
    /* xc_cpupool_getinfo gives the first pool with id >= next. */
    while ( (pi = xc_cpupool_getinfo(b->xch, next)) != NULL )
    {
        if ( n == max )
        {
            p = realloc(np, 2 * max * sizeof(*np));
            if ( !p )
            {
                xc_cpupool_infofree(b->xch, pi);
                cpupool_free(np, n);
                return -ENOMEM;
            }
            np = p;
            max *= 2;
        }
        p = &np[n];
        memset(p, 0, sizeof(*p));
        p->cpumap = calloc(1, b->cpumap_bytes ? b->cpumap_bytes : 1);
        if ( !p->cpumap )
        {
            xc_cpupool_infofree(b->xch, pi);
            cpupool_free(np, n);
            return -ENOMEM;
        }
        n++;
        p->id = pi->cpupool_id;
        p->sched_id = pi->sched_id;
        p->ncpus = xen_cpumap_count(pi->cpumap, b->cpumap_bytes);
        if ( pi->cpumap )
            memcpy(p->cpumap, pi->cpumap, b->cpumap_bytes);
        cpupool_params(b, p);
        for ( i = 0; i < oldn && (old[i].id != p->id ||
                                  old[i].sched_id != p->sched_id); i++ )
            ;
        if ( i < oldn )
            p->warned = old[i].warned;
        /* Affinities count the pool's pCPUs: read them again. */
        if ( i == oldn || memcmp(old[i].cpumap, p->cpumap, b->cpumap_bytes) )
            b->cpupools_moved = true;
        if ( i == oldn || old[i].tslice_ms != p->tslice_ms ||
             old[i].ratelimit_us != p->ratelimit_us ||
             old[i].ncpus != p->ncpus )
            cpupool_log(p);
        next = pi->cpupool_id + 1;
        xc_cpupool_infofree(b->xch, pi);
    }
    b->cpupool_poll = b->poll;
    if ( errno != ENOENT && !n )
    {
        int err = errno;

        if ( !b->cpupool_logged )
            log_warn("xc_cpupool_getinfo(%u) (domains count as unmanaged "
                     "schedulers until it works)", next);
        b->cpupool_logged = true;
        cpupool_free(np, n);
        return -err;
    }
    if ( b->cpupool_logged )
        log_notice("cpupools: read again");
    b->cpupool_logged = false;
    cpupool_free(old, oldn);
    b->cpupool = np;
    b->ncpupools = n;
    b->ncpupools_max = max;
    for ( i = 0; i < n; i++ )
        if ( xen_sched_map(np[i].sched_id) == POLICY_SCHED_OTHER &&
             !np[i].warned )
        {
            const char *sn = xen_sched_name(np[i].sched_id);

            log_notice("cpupool %u: scheduler %s (id %u) is not credit or "
                       "credit2; its domains are left alone", np[i].id,
                       sn ? sn : "unknown", np[i].sched_id);
            np[i].warned = true;
        }
    return 0;
}

void xen_sched_names(const struct backend *b, char *out, size_t len)
{
    const char *sn;
    char tmp[16];
    unsigned int i, j;
    size_t off = 0;

    for ( i = 0; i < b->ncpupools; i++ )
    {
        for ( j = 0; j < i && b->cpupool[j].sched_id != b->cpupool[i].sched_id;
              j++ )
            ;
        if ( j < i )
            continue;
        if ( !(sn = xen_sched_name(b->cpupool[i].sched_id)) )
        {
            snprintf(tmp, sizeof(tmp), "sched%u", b->cpupool[i].sched_id);
            sn = tmp;
        }
        off += snprintf(out + off, len - off, "%s%s", off ? "," : "", sn);
        if ( off >= len )
            break;
    }
}

/* -------------------------------------------------------- scheduler */

/*
 * Get (set: false) or set a domain's weight and cap through the call of
 * `sched`, credit or credit2: both take the same two fields.  *op names
 * the call.  0, or -errno with errno set; -EOPNOTSUPP for another
 * scheduler.  A cap of 0 is no cap.
 */
static int sched_call(xc_interface *xch, uint32_t domid,
                      enum policy_sched sched, bool set, uint32_t *weight,
                      uint32_t *cap, const char **op)
{
    struct xen_domctl_sched_credit c1 = { .weight = *weight, .cap = *cap };
    struct xen_domctl_sched_credit2 c2 = { .weight = *weight, .cap = *cap };
    int rc;

    switch ( sched )
    {
    case POLICY_SCHED_CREDIT:
        *op = set ? "xc_sched_credit_domain_set"
                  : "xc_sched_credit_domain_get";
        rc = (set ? xc_sched_credit_domain_set
                  : xc_sched_credit_domain_get)(xch, domid, &c1);
        *weight = c1.weight;
        *cap = c1.cap;
        break;
    case POLICY_SCHED_CREDIT2:
        *op = set ? "xc_sched_credit2_domain_set"
                  : "xc_sched_credit2_domain_get";
        rc = (set ? xc_sched_credit2_domain_set
                  : xc_sched_credit2_domain_get)(xch, domid, &c2);
        *weight = c2.weight;
        *cap = c2.cap;
        break;
    default:
        return -EOPNOTSUPP;
    }
    if ( rc && !errno )
        errno = EIO;
    return rc ? -errno : 0;
}

/* The log_repeat key of a domain's failing scheduler read. */
#define XEN_SCHED_LOG_KEY(domid)    (2ull << 32 | (domid))

int xen_sched_read(struct backend *b, struct xen_dom *d,
                   enum policy_sched sched)
{
    bool had = d->sched_ok && d->sched == sched;
    uint32_t w = 0, c = 0;
    const char *op;
    int rc;

    d->sched_poll = b->poll;
    d->sched = sched;
    d->sched_dirty = false;
    if ( sched == POLICY_SCHED_OTHER )
    {
        d->weight = d->cap = 0;
        d->sched_ok = true;
        return 0;
    }
    rc = sched_call(b->xch, d->domid, sched, false, &w, &c, &op);
    if ( rc == -EINVAL && !d->sched_einval )
    {
        /*
         * The domain is not in a pool of that scheduler: our cpupool
         * table is stale (a pool destroyed and its id reused with another
         * scheduler).  Read the pools again next poll before saying so.
         */
        d->sched_einval = true;
        b->stale = true;
        d->sched_ok = had;
        return rc;
    }
    if ( rc )
    {
        /* Once per domain and errno, then hourly: not on every poll. */
        log_fail(log_repeat_get(XEN_SCHED_LOG_KEY(d->domid)), LOG_WARNING,
                 -rc, "d%u: %s", d->domid, op);
        d->sched_ok = had;
        return rc;
    }
    if ( log_repeat_find(XEN_SCHED_LOG_KEY(d->domid)) )
        log_ok(log_repeat_find(XEN_SCHED_LOG_KEY(d->domid)), "d%u: %s",
               d->domid, op);
    d->weight = w;
    d->cap = c;
    d->sched_ok = true;
    d->sched_einval = false;
    log_debug("d%u: weight %u cap %u", d->domid, d->weight, d->cap);
    return 0;
}

bool xen_sched_due(const struct backend *b, const struct xen_dom *d,
                   enum policy_sched sched)
{
    if ( !d->sched_poll || d->sched != sched )
        return true;
    if ( sched == POLICY_SCHED_OTHER )
        return false;
    if ( d->sched_dirty )
        return true;
    return (b->poll + d->domid) % XEN_SCHED_REFRESH == 0;
}

int xen_sched_get(struct backend *b, uint32_t domid, enum policy_sched sched,
                  uint32_t *weight, uint32_t *cap, const char **op)
{
    *weight = *cap = 0;
    return sched_call(b->xch, domid, sched, false, weight, cap, op);
}

/*
 * Xen's "leave it as it is" values (xen/common/sched/credit.c,
 * csched_dom_cntl: weight 0, cap (uint16_t)~0; credit2.c,
 * csched2_dom_cntl: weight 0, and no such cap: 0 lifts it).
 */
#define CREDIT_KEEP_WEIGHT  0u
#define CREDIT_KEEP_CAP     0xffffu

int xen_sched_set(struct backend *b, uint32_t domid, enum policy_sched sched,
                  unsigned int mask, uint32_t weight, uint32_t cap,
                  const char **op)
{
    uint32_t w = mask & POLICY_SET_WEIGHT ? weight : CREDIT_KEEP_WEIGHT;
    uint32_t c = mask & POLICY_SET_CAP ? cap
                 : sched == POLICY_SCHED_CREDIT ? CREDIT_KEEP_CAP : cap;

    return sched_call(b->xch, domid, sched, true, &w, &c, op);
}

/* ---------------------------------------------------------- affinity */

int xen_affinity_read(struct backend *b, struct xen_dom *d,
                      const xc_domaininfo_t *in)
{
    const struct xen_cpupool *p = xen_cpupool_find(b, in->cpupool);
    unsigned int v, nv;
    size_t i;

    d->affinity_poll = b->poll;
    d->affinity_pool = in->cpupool;
    if ( !b->affinity || !b->affinity_all || !p ||
         in->max_vcpu_id == XEN_INVALID_MAX_VCPU_ID )
    {
        d->affinity_cpus = 0;
        return -ENODATA;
    }
    nv = in->max_vcpu_id + 1;
    memset(b->affinity_all, 0, b->cpumap_bytes);
    for ( v = 0; v < nv; v++ )
    {
        if ( xc_vcpu_getaffinity(b->xch, d->domid, v, b->affinity, NULL,
                                 XEN_VCPUAFFINITY_HARD) )
        {
            int err = errno ? errno : EIO;

            log_warn("d%u: xc_vcpu_getaffinity(vCPU %u)", d->domid, v);
            d->affinity_cpus = 0;
            return -err;
        }
        for ( i = 0; i < b->cpumap_bytes; i++ )
            b->affinity_all[i] |= b->affinity[i];
    }
    d->affinity_cpus = xen_affinity_count(b->affinity_all, p->cpumap,
                                          b->cpumap_bytes);
    return 0;
}

unsigned int xen_affinity_count(const uint8_t *affinity,
                                const uint8_t *pool, size_t nbytes)
{
    unsigned int n = 0;
    size_t i;

    for ( i = 0; affinity && pool && i < nbytes; i++ )
        n += __builtin_popcount(affinity[i] & pool[i]);
    return n;
}

bool xen_affinity_due(const struct xen_dom *d, const xc_domaininfo_t *in)
{
    return !d->affinity_poll || d->affinity_pool != in->cpupool;
}

void xen_affinity_sweep(struct backend *b)
{
    unsigned int i;

    for ( i = 0; i < b->ndoms; i++ )
        b->dom[i].affinity_poll = 0;
}

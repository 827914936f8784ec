/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_sched.c - the xen backend's cpupools and scheduler calls: the
 * scheduler and CPU count of each cpupool, re-read now and then; and each
 * domain's weight and cap, cached (see XEN_SCHED_REFRESH), read and set
 * through the one call of its cpupool's scheduler.  credit and credit2
 * take the same two fields, so one function serves both ways of both.
 * A set passes Xen's "unchanged" value for the field it does not set,
 * where the scheduler has one, so an administrator's change of that
 * field made meanwhile stays.
 *
 * It must not decide what to set: the caller (the actuator, through
 * xen.c) does, and logs a failed set.
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

/* Re-read every cpupool: scheduler and CPU count.  0 or -errno. */
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
                free(np);
                return -ENOMEM;
            }
            np = p;
            max *= 2;
        }
        p = &np[n++];
        p->id = pi->cpupool_id;
        p->sched_id = pi->sched_id;
        p->ncpus = xen_cpumap_count(pi->cpumap, b->cpumap_bytes);
        p->warned = false;
        for ( i = 0; i < oldn; i++ )
            if ( old[i].id == p->id && old[i].sched_id == p->sched_id )
                p->warned = old[i].warned;
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
        free(np);
        return -err;
    }
    if ( b->cpupool_logged )
        log_notice("cpupools: read again");
    b->cpupool_logged = false;
    free(old);
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

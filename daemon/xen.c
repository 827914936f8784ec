/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen.c - the "xen" backend: samples every domain of a live Xen host and
 * applies scheduler weight/cap changes.
 *
 * Sources: libxenctrl (domain list, CPU time, cpupools, scheduler
 * get/set), libxenstore (names, stub domains, churn watches), libxenstat
 * (PV block and network counters, as xentop reads them) and the hv-patch
 * ioreq counters through daemon/ioreq.c.  It knows nothing of policy.
 *
 * Rules kept here: one hypercall per kind of data per poll where the
 * interface allows it; no per-domain allocation in steady state (arrays
 * sized for max_domains, grown rarely); a failure for one domain is
 * logged with its domid and errno and never stops the others; a missing
 * signal (no ioreq patch, no libxenstat, no xenstored) degrades the
 * sample, it does not fail it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenstore.h>
#include <xenstat.h>

#include "backend.h"
#include "clock.h"
#include "coop-ioreq.h"
#include "ioreq.h"
#include "log.h"
#include "xen.h"

#define XEN_PRIVCMD         "/dev/xen/privcmd"
#define XEN_CHUNK           256     /* domains per getinfolist call */
#define XEN_MIN_DOMAINS     8
#define XEN_MAX_DOMAINS     DOMID_FIRST_RESERVED    /* every domid */

_Static_assert(POLICY_DOMID_LIMIT == DOMID_FIRST_RESERVED,
               "policy.h's domid limit is Xen's DOMID_FIRST_RESERVED");
#define XEN_TOKEN           "coopvmm"

/*
 * Weights and caps are per-domain hypercalls (there is no "all domains"
 * form), so they are cached: read when a domain is first seen (or its
 * domid gets a new UUID, or it moves to a pool with another scheduler),
 * after each of our own sets, and otherwise every XEN_SCHED_REFRESH polls
 * per domain, staggered by domid so the reads are spread evenly over the
 * polls instead of bursting.  An administrator's `xl sched-credit -w` is
 * therefore seen within XEN_SCHED_REFRESH polls, at a cost of
 * n/XEN_SCHED_REFRESH hypercalls per poll.  Churn (@introduceDomain,
 * @releaseDomain) does not force a re-read: it never changes the weight
 * of a domain we already know, new ones are read at first sight, and a
 * create/destroy storm would otherwise cost a hypercall per domain per
 * poll.  Churn does re-read names (xenstore, no hypercall), because a
 * guest's device-model-domid appears after the guest itself.  Pools (a
 * handful, each a hypercall plus an allocation in libxenctrl) are re-read
 * every XEN_POOL_REFRESH polls, on churn and when a domain names a pool
 * we do not know.
 */
#define XEN_SCHED_REFRESH   10
#define XEN_POOL_REFRESH    XEN_SCHED_REFRESH
#define XEN_NAME_REFRESH    60      /* polls between re-reads (xl rename) */
#define XEN_XS_RETRY        10      /* polls between xenstored reconnects */
#define XEN_IOREQ_RETRY     600     /* polls between ENOSYS re-probes */
#define XEN_XST_RETRY       600     /* polls between libxenstat retries */

/* What we remember of a domain between polls, sorted by domid. */
struct xen_dom {
    uint32_t domid;
    uint8_t uuid[16];
    char name[POLICY_NAME_MAX];
    int32_t dm_domid;           /* its device-model stub domain, or -1 */
    uint64_t name_retry;        /* poll to (re)read the name; 0: now */
    unsigned int name_fails;    /* reads that found no name, in a row */
    uint64_t sched_poll;        /* last read of weight/cap; 0: never */
    bool sched_ok;              /* that read worked */
    bool sched_dirty;           /* we set them since: read again */
    enum policy_sched sched;    /* the scheduler they were read from */
    uint32_t weight, cap;
};

struct xen_pool {
    uint32_t id, sched_id, ncpus;
    bool warned;                /* "scheduler not managed" said once */
};

enum xen_ioreq_state { IOREQ_OK, IOREQ_MISSING, IOREQ_FAILING };

struct backend {
    xentoollog_logger xtl;      /* libxenctrl's messages into our log */
    xc_interface *xch;
    struct xs_handle *xsh;
    uint64_t xs_retry;          /* poll to retry xs_open */
    bool xs_lost_logged;
    bool xs_socket;             /* xenstored runs in dom0: socket only */
    xenstat_handle *xst;
    unsigned int xst_live;      /* XENSTAT_VBD/NETWORK that work */
    bool xst_logged;            /* xenstat_init failure said */
    struct ioreq_reader *ior;
    enum xen_ioreq_state ioreq;
    int ioreq_err;
    uint64_t ioreq_retry;
    struct xen_coop_ioreq_trace_rec *trace_buf;

    unsigned int cap;           /* entries of info, dom, dom2, dm */
    xc_domaininfo_t *info;
    struct xen_dom *dom, *dom2; /* cache and the scratch of its merge */
    int32_t *dm;                /* per-sample dm_domid for xen_link_stubs */
    unsigned int ndom;

    struct xen_pool *pool;
    unsigned int npool, pool_cap;
    uint64_t pool_poll;
    bool pool_logged;           /* a refresh failure said */
    size_t cpumap_bytes;

    uint64_t poll;              /* samples taken, from 1 */
    bool stale;                 /* churn seen: re-read names, weights */
    bool refresh;               /* this poll acts on `stale` */
    uint64_t xst_retry;         /* poll to retry libxenstat */
};

/* ------------------------------------------------------------ helpers */

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

int xen_stub_guest_name(const char *name, char *guest, size_t len)
{
    size_t l = strlen(name);

    if ( l <= 3 || strcmp(name + l - 3, "-dm") || l - 3 >= len )
        return 0;
    memcpy(guest, name, l - 3);
    guest[l - 3] = '\0';
    return 1;
}

/*
 * Index of `domid` in arr[0..n), sorted by domid, whose elements are
 * `size` bytes long with the domid `off` bytes in; -1 if it is not there.
 * The one look-up of both arrays kept sorted here (samples, cache).
 */
static int xen_domid_index(const void *arr, unsigned int n, size_t size,
                           size_t off, uint32_t domid)
{
    const unsigned char *base = arr;
    unsigned int lo = 0, hi = n;

    while ( lo < hi )
    {
        unsigned int mid = lo + (hi - lo) / 2;
        uint32_t id;

        memcpy(&id, base + mid * size + off, sizeof(id));
        if ( id == domid )
            return mid;
        if ( id < domid )
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

#define XEN_DOMID_INDEX(arr, n, id)                                      \
    xen_domid_index(arr, n, sizeof(*(arr)),                             \
                    offsetof(__typeof__(*(arr)), domid), id)

void xen_link_stubs(struct policy_sample *s, const int32_t *dm_domid,
                    unsigned int n)
{
    char guest[POLICY_NAME_MAX];
    unsigned int i, j;
    int k;

    for ( i = 0; i < n; i++ )
        s[i].stub_of = -1;
    /* The toolstack's word first: the guest names its stub domain. */
    for ( j = 0; j < n; j++ )
    {
        if ( dm_domid[j] < 0 || (uint32_t)dm_domid[j] == s[j].domid )
            continue;
        k = XEN_DOMID_INDEX(s, n, (uint32_t)dm_domid[j]);
        if ( k >= 0 )
            s[k].stub_of = s[j].domid;
    }
    /* Then the naming convention "<guest>-dm". */
    for ( i = 0; i < n; i++ )
    {
        if ( s[i].stub_of >= 0 ||
             !xen_stub_guest_name(s[i].name, guest, sizeof(guest)) )
            continue;
        for ( j = 0; j < n; j++ )
            if ( j != i && !strcmp(s[j].name, guest) )
            {
                s[i].stub_of = s[j].domid;
                break;
            }
    }
}

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
            s[i].signals &= ~POLICY_HAS_IOREQ;
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
        merged++;
    }
    return merged;
}

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

/* ---------------------------------------------------------- xenstore */

static void xen_xs_close(struct backend *b)
{
    if ( b->xsh )
        xs_close(b->xsh);
    b->xsh = NULL;
}

/* Connection-level failure: drop the handle and reconnect later. */
static void xen_xs_lost(struct backend *b, const char *what)
{
    if ( !b->xs_lost_logged )
        log_warn("xenstore: %s (will reconnect; names may go stale)", what);
    b->xs_lost_logged = true;
    xen_xs_close(b);
    b->xs_retry = b->poll + XEN_XS_RETRY;
}

static bool xen_xs_open(struct backend *b)
{
    if ( b->xsh )
        return true;
    if ( b->poll < b->xs_retry )
        return false;
    /*
     * With xenstored in dom0 (its socket exists, or did once), connect
     * through the socket only: xs_open(0) falls back to /dev/xen/xenbus
     * when the daemon is down, and a request there blocks until some
     * xenstored answers - a hung poll loop.  With xenstore in a stub
     * domain the device is the only way, and the flag stays clear.
     */
    if ( !access(xs_daemon_socket(), F_OK) )
        b->xs_socket = true;
    b->xsh = xs_open(b->xs_socket ? XS_OPEN_SOCKETONLY : 0);
    if ( !b->xsh )
    {
        if ( !b->xs_lost_logged )
            log_warn("xenstore: xs_open (names unavailable until xenstored "
                     "answers)");
        b->xs_lost_logged = true;
        b->xs_retry = b->poll + XEN_XS_RETRY;
        return false;
    }
    if ( !xs_watch(b->xsh, "@introduceDomain", XEN_TOKEN) ||
         !xs_watch(b->xsh, "@releaseDomain", XEN_TOKEN) )
    {
        xen_xs_lost(b, "xs_watch @introduceDomain/@releaseDomain");
        return false;
    }
    if ( b->xs_lost_logged )
        log_notice("xenstore: connected again");
    b->xs_lost_logged = false;
    b->stale = true;            /* what changed while we were away */
    return true;
}

/* Read a xenstore value into buf.  0, -ENOENT, or -EPIPE (connection). */
static int xen_xs_read(struct backend *b, const char *path, char *buf,
                       size_t len)
{
    unsigned int l;
    char *v;

    if ( !xen_xs_open(b) )
        return -EPIPE;
    v = xs_read(b->xsh, XBT_NULL, path, &l);
    if ( !v )
    {
        /*
         * Anything but "no such entry" means the connection is gone:
         * libxenstore says EINVAL once its reader thread has died.
         */
        if ( errno == ENOENT || errno == EACCES )
            return -ENOENT;
        xen_xs_lost(b, path);
        return -EPIPE;
    }
    snprintf(buf, len, "%.*s", (int)l, v);
    free(v);
    return 0;
}

/*
 * Is xenstored still there?  When it dies, libxenstore's reader thread
 * ends without waking the watch fd, so only a request can tell; one every
 * XEN_XS_RETRY polls, answered or refused, costs no hypercall.
 */
static void xen_xs_ping(struct backend *b)
{
    unsigned int l;
    char *v;

    if ( !b->xsh || b->poll % XEN_XS_RETRY )
        return;
    v = xs_read(b->xsh, XBT_NULL, "/", &l);
    if ( v )
        free(v);
    else if ( errno != ENOENT && errno != EACCES )
        xen_xs_lost(b, "xs_read /");
}

/* Name and stub domain of a domain (first sight, churn, periodically). */
static void xen_read_name(struct backend *b, struct xen_dom *d)
{
    char path[64], val[16], *end;
    unsigned int wait;
    long v;
    int rc;

    snprintf(path, sizeof(path), "/local/domain/%u/name", d->domid);
    rc = xen_xs_read(b, path, d->name, sizeof(d->name));
    if ( rc == -EPIPE )
        return;                 /* keep the old name; retried on reconnect */
    if ( rc && d->name[0] )
    {
        /* Gone from xenstore: a dying domain keeps its name in our logs. */
        d->name_retry = b->poll + XEN_NAME_REFRESH;
        return;
    }
    if ( rc )
    {
        /* Not written yet (domain being built): back off up to 64 polls. */
        d->dm_domid = -1;
        wait = d->name_fails < 6 ? 1u << d->name_fails : 64;
        d->name_fails++;
        d->name_retry = b->poll + wait;
        return;
    }
    d->name_fails = 0;
    d->name_retry = b->poll + XEN_NAME_REFRESH -
                    (b->poll + d->domid) % XEN_NAME_REFRESH;
    d->dm_domid = -1;
    snprintf(path, sizeof(path), "/local/domain/%u/image/device-model-domid",
             d->domid);
    if ( !xen_xs_read(b, path, val, sizeof(val)) )
    {
        errno = 0;
        v = strtol(val, &end, 10);
        if ( !errno && end != val && v >= 0 && v < DOMID_FIRST_RESERVED )
            d->dm_domid = v;
    }
}

/* ------------------------------------------------------------ pools */

static struct xen_pool *xen_pool_find(struct backend *b, uint32_t id)
{
    unsigned int i;

    for ( i = 0; i < b->npool; i++ )
        if ( b->pool[i].id == id )
            return &b->pool[i];
    return NULL;
}

/* Re-read every cpupool: scheduler and CPU count.  0 or -errno. */
static int xen_pools_refresh(struct backend *b)
{
    struct xen_pool *p, *old = b->pool, *np;
    unsigned int n = 0, oldn = b->npool, cap = b->pool_cap;
    xc_cpupoolinfo_t *pi;
    uint32_t next = 0;
    unsigned int i;

    np = calloc(cap ? cap : 4, sizeof(*np));
    if ( !np )
        return -ENOMEM;
    cap = cap ? cap : 4;
    /* xc_cpupool_getinfo gives the first pool with id >= next. */
    while ( (pi = xc_cpupool_getinfo(b->xch, next)) != NULL )
    {
        if ( n == cap )
        {
            p = realloc(np, 2 * cap * sizeof(*np));
            if ( !p )
            {
                xc_cpupool_infofree(b->xch, pi);
                free(np);
                return -ENOMEM;
            }
            np = p;
            cap *= 2;
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
    b->pool_poll = b->poll;
    if ( errno != ENOENT && !n )
    {
        int err = errno;

        if ( !b->pool_logged )
            log_warn("xc_cpupool_getinfo(%u) (domains count as unmanaged "
                     "schedulers until it works)", next);
        b->pool_logged = true;
        free(np);
        return -err;
    }
    if ( b->pool_logged )
        log_notice("cpupools: read again");
    b->pool_logged = false;
    free(old);
    b->pool = np;
    b->npool = n;
    b->pool_cap = cap;
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

/* -------------------------------------------------------- scheduler */

/*
 * Current weight/cap of one domain into the cache.  0 or -errno.  A
 * failed read keeps the last good values of the same scheduler: better
 * slightly old than a 0 the actuator would take for the administrator's.
 */
static int xen_sched_read(struct backend *b, struct xen_dom *d,
                          enum policy_sched sched)
{
    struct xen_domctl_sched_credit c1;
    struct xen_domctl_sched_credit2 c2;
    bool had = d->sched_ok && d->sched == sched;
    int rc = 0;

    d->sched_poll = b->poll;
    d->sched = sched;
    d->sched_dirty = false;
    if ( sched == POLICY_SCHED_CREDIT )
    {
        rc = xc_sched_credit_domain_get(b->xch, d->domid, &c1);
        if ( rc )
            log_warn("d%u: xc_sched_credit_domain_get", d->domid);
        else
        {
            d->weight = c1.weight;
            d->cap = c1.cap;
        }
    }
    else if ( sched == POLICY_SCHED_CREDIT2 )
    {
        rc = xc_sched_credit2_domain_get(b->xch, d->domid, &c2);
        if ( rc )
            log_warn("d%u: xc_sched_credit2_domain_get", d->domid);
        else
        {
            d->weight = c2.weight;
            d->cap = c2.cap;
        }
    }
    else
        d->weight = d->cap = 0;
    if ( rc )
    {
        rc = -errno;
        d->sched_ok = had;
        return rc;
    }
    d->sched_ok = true;
    if ( sched != POLICY_SCHED_OTHER )
        log_debug("d%u: weight %u cap %u", d->domid, d->weight, d->cap);
    return 0;
}

/*
 * Whether to read a domain's weight/cap this poll (see XEN_SCHED_REFRESH).
 * A failed read is retried on the periodic slot only, so a domain that
 * keeps failing is logged once per period, not once per poll.
 */
static bool xen_sched_due(const struct backend *b, const struct xen_dom *d,
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

/* ------------------------------------------------------ domain list */

/* Room for `want` domains in every per-domain array.  0 or -ENOMEM. */
static int xen_grow(struct backend *b, unsigned int want)
{
    unsigned int cap = b->cap ? b->cap : XEN_MIN_DOMAINS;
    void *p;

    if ( want > XEN_MAX_DOMAINS )
        want = XEN_MAX_DOMAINS;
    while ( cap < want )
        cap *= 2;
    if ( cap > XEN_MAX_DOMAINS )
        cap = XEN_MAX_DOMAINS;
    if ( cap <= b->cap )
        return 0;
    if ( b->cap )
        log_info("xen: room for %u domains (was %u)", cap, b->cap);
    if ( !(p = realloc(b->info, cap * sizeof(*b->info))) )
        return -ENOMEM;
    b->info = p;
    if ( !(p = realloc(b->dom, cap * sizeof(*b->dom))) )
        return -ENOMEM;
    b->dom = p;
    if ( !(p = realloc(b->dom2, cap * sizeof(*b->dom2))) )
        return -ENOMEM;
    b->dom2 = p;
    if ( !(p = realloc(b->dm, cap * sizeof(*b->dm))) )
        return -ENOMEM;
    b->dm = p;
    /* The ioreq reader's buffer is sized too: one record per domain. */
    if ( b->ior )
    {
        struct ioreq_reader *r = ioreq_reader_new(b->xch, cap);

        if ( !r )
            return -ENOMEM;
        ioreq_reader_free(b->ior);
        b->ior = r;
    }
    b->cap = cap;
    return 0;
}

static int xen_info_cmp(const void *a, const void *b)
{
    const xc_domaininfo_t *x = a, *y = b;

    return (x->domain > y->domain) - (x->domain < y->domain);
}

/*
 * Every domain into b->info, ascending domid: one getinfolist call per
 * XEN_CHUNK domains (as libxenstat does).  Count or -errno.
 */
static int xen_list(struct backend *b)
{
    unsigned int n = 0, i, want;
    uint32_t first = 0;
    int r, rc;

    for ( ;; )
    {
        if ( n == b->cap )
        {
            if ( b->cap >= XEN_MAX_DOMAINS )
                break;
            if ( (rc = xen_grow(b, b->cap + 1)) )
                return rc;
        }
        want = b->cap - n < XEN_CHUNK ? b->cap - n : XEN_CHUNK;
        r = xc_domain_getinfolist(b->xch, first, want, b->info + n);
        if ( r < 0 )
        {
            rc = -errno;
            log_warn("xc_domain_getinfolist(%u)", first);
            return rc;
        }
        n += r;
        if ( (unsigned int)r < want )
            break;
        first = b->info[n - 1].domain + 1;
    }
    /* Xen keeps its domain list sorted; don't depend on it. */
    for ( i = 1; i < n; i++ )
        if ( b->info[i - 1].domain >= b->info[i].domain )
        {
            qsort(b->info, n, sizeof(*b->info), xen_info_cmp);
            break;
        }
    return n;
}

/*
 * Carry the cache over to this poll's domains (both sorted by domid): a
 * domid with a new UUID is a new domain and starts afresh.
 */
static void xen_cache_merge(struct backend *b, unsigned int n)
{
    unsigned int i, o = 0;
    struct xen_dom *t;

    for ( i = 0; i < n; i++ )
    {
        const xc_domaininfo_t *in = &b->info[i];
        struct xen_dom *d = &b->dom2[i];

        while ( o < b->ndom && b->dom[o].domid < in->domain )
            o++;
        if ( o < b->ndom && b->dom[o].domid == in->domain &&
             !memcmp(b->dom[o].uuid, in->handle, sizeof(d->uuid)) )
        {
            *d = b->dom[o++];
            continue;
        }
        memset(d, 0, sizeof(*d));
        d->domid = in->domain;
        memcpy(d->uuid, in->handle, sizeof(d->uuid));
        d->dm_domid = -1;
        d->sched = POLICY_SCHED_OTHER;
    }
    t = b->dom;
    b->dom = b->dom2;
    b->dom2 = t;
    b->ndom = n;
}

/* ------------------------------------------------------- PV counters */

static void xen_pv_domain(xenstat_domain *xd, unsigned int flags,
                          struct policy_sample *s)
{
    unsigned int i, nv, nn;

    if ( flags & XENSTAT_VBD )
    {
        nv = xenstat_domain_num_vbds(xd);
        for ( i = 0; i < nv; i++ )
        {
            xenstat_vbd *v = xenstat_domain_vbd(xd, i);

            if ( !v || xenstat_vbd_error(v) )
                continue;
            s->c.vbd_rd_req += xenstat_vbd_rd_reqs(v);
            s->c.vbd_wr_req += xenstat_vbd_wr_reqs(v);
            s->c.vbd_rd_sect += xenstat_vbd_rd_sects(v);
            s->c.vbd_wr_sect += xenstat_vbd_wr_sects(v);
        }
        s->signals |= POLICY_HAS_VBD;
    }
    if ( flags & XENSTAT_NETWORK )
    {
        nn = xenstat_domain_num_networks(xd);
        for ( i = 0; i < nn; i++ )
        {
            xenstat_network *net = xenstat_domain_network(xd, i);

            if ( !net )
                continue;
            s->c.net_rx_pkts += xenstat_network_rpackets(net);
            s->c.net_tx_pkts += xenstat_network_tpackets(net);
            s->c.net_rx_bytes += xenstat_network_rbytes(net);
            s->c.net_tx_bytes += xenstat_network_tbytes(net);
        }
        s->signals |= POLICY_HAS_NET;
    }
}

/*
 * libxenstat's node for the flags that work.  A node fails as a whole if
 * one collector fails (e.g. no /sys/bus/xen-backend), so on failure, and
 * now and then while degraded, try block and network apart and keep what
 * works; say each change once.
 */
static xenstat_node *xen_pv_node(struct backend *b)
{
    static const unsigned int one[] = { XENSTAT_VBD, XENSTAT_NETWORK };
    const unsigned int all = XENSTAT_VBD | XENSTAT_NETWORK;
    xenstat_node *node;
    unsigned int i, flags = 0, lost;

    if ( b->xst_live &&
         (b->xst_live == all || b->poll % XEN_XST_RETRY) &&
         (node = xenstat_get_node(b->xst, b->xst_live)) )
        return node;
    for ( i = 0; i < 2; i++ )
        if ( (node = xenstat_get_node(b->xst, one[i])) )
        {
            xenstat_free_node(node);
            flags |= one[i];
        }
    lost = all & ~flags;
    if ( flags != b->xst_live && !lost )
        log_notice("libxenstat: PV block and network counters are back");
    else if ( flags != b->xst_live )
        log_warnx("libxenstat: cannot collect PV %s counters; continuing "
                  "without them",
                  lost == all ? "block and network" :
                  lost == XENSTAT_VBD ? "block" : "network");
    b->xst_live = flags;
    return flags ? xenstat_get_node(b->xst, flags) : NULL;
}

/* PV block and network counters of every sampled domain. */
static void xen_pv_stats(struct backend *b, struct policy_sample *s,
                         unsigned int n)
{
    xenstat_node *node;
    unsigned int i, nd;
    int k;

    if ( !b->xst )
    {
        if ( b->poll < b->xst_retry )
            return;
        if ( !(b->xst = xenstat_init()) )
        {
            if ( !b->xst_logged )
                log_warnx("libxenstat: xenstat_init failed; continuing "
                          "without PV block and network counters");
            b->xst_logged = true;
            b->xst_retry = b->poll + XEN_XST_RETRY;
            return;
        }
        if ( b->xst_logged )
            log_notice("libxenstat: initialised");
        b->xst_logged = false;
        b->xst_live = XENSTAT_VBD | XENSTAT_NETWORK;
    }
    if ( !(node = xen_pv_node(b)) )
        return;
    nd = xenstat_node_num_domains(node);
    for ( i = 0; i < nd; i++ )
    {
        xenstat_domain *xd = xenstat_node_domain_by_index(node, i);

        if ( xd && (k = XEN_DOMID_INDEX(s, n, xenstat_domain_id(xd))) >= 0 )
            xen_pv_domain(xd, b->xst_live, &s[k]);
    }
    xenstat_free_node(node);
}

/* ---------------------------------------------------- ioreq counters */

/* Track the reader's result; say each change of state once. */
static void xen_ioreq_state(struct backend *b, int r)
{
    if ( r == -ENOSYS )
    {
        if ( b->ioreq != IOREQ_MISSING )
            log_warnx("hypervisor lacks the coopvmm ioreq patch: the ioreq "
                      "signal is missing; classifying on CPU and PV I/O "
                      "only");
        b->ioreq = IOREQ_MISSING;
        b->ioreq_err = ENOSYS;
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
    }
}

/* One call for the ioreq counters of all domains, merged by domid. */
static void xen_ioreq(struct backend *b, struct policy_sample *s,
                      unsigned int n)
{
    const struct xen_coop_ioreq_dom *recs;
    int r;

    if ( !b->ior || (b->ioreq == IOREQ_MISSING && b->poll < b->ioreq_retry) )
        return;
    r = ioreq_reader_read(b->ior, &recs);
    xen_ioreq_state(b, r);
    if ( r < 0 )
        return;
    xen_merge_ioreq(s, n, recs, r);
}

/* ------------------------------------------------------------ sample */

static void xen_fill(struct backend *b, const xc_domaininfo_t *in,
                     struct xen_dom *d, struct policy_sample *s)
{
    const struct xen_pool *p = xen_pool_find(b, in->cpupool);
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
    s->pool = in->cpupool;
    s->pool_cpus = p ? p->ncpus : 0;
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
    bool pools_ok = true;
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
    for ( i = 0; i < (unsigned int)n && pools_ok; i++ )
        pools_ok = xen_pool_find(b, b->info[i].cpupool) != NULL;
    if ( b->refresh || (!pools_ok && b->pool_poll != b->poll) ||
         b->poll - b->pool_poll >= XEN_POOL_REFRESH )
        xen_pools_refresh(b);
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
    struct xen_domctl_sched_credit c1;
    struct xen_domctl_sched_credit2 c2;
    int k = XEN_DOMID_INDEX(b->dom, b->ndom, s->domid);
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
    switch ( s->sched )
    {
    case POLICY_SCHED_CREDIT:
        op = "xc_sched_credit_domain_get";
        if ( (rc = xc_sched_credit_domain_get(b->xch, s->domid, &c1)) )
            break;
        if ( mask & POLICY_SET_WEIGHT )
            c1.weight = weight;
        if ( mask & POLICY_SET_CAP )
            c1.cap = cap;
        op = "xc_sched_credit_domain_set";
        rc = xc_sched_credit_domain_set(b->xch, s->domid, &c1);
        break;
    case POLICY_SCHED_CREDIT2:
        op = "xc_sched_credit2_domain_get";
        if ( (rc = xc_sched_credit2_domain_get(b->xch, s->domid, &c2)) )
            break;
        if ( mask & POLICY_SET_WEIGHT )
            c2.weight = weight;
        if ( mask & POLICY_SET_CAP )
            c2.cap = cap;       /* 0: no cap */
        op = "xc_sched_credit2_domain_set";
        rc = xc_sched_credit2_domain_set(b->xch, s->domid, &c2);
        break;
    default:
        return -EOPNOTSUPP;     /* not credit or credit2 */
    }
    if ( rc )
        return errno ? -errno : -EIO;
    if ( d )
    {
        /* What we wrote, until the read-back next poll says otherwise. */
        d->sched = s->sched;
        d->sched_ok = true;
        d->sched_dirty = true;
        d->weight = s->sched == POLICY_SCHED_CREDIT ? c1.weight : c2.weight;
        d->cap = s->sched == POLICY_SCHED_CREDIT ? c1.cap : c2.cap;
    }
    log_debug("d%u: %s weight %u cap %u", s->domid, op,
              s->sched == POLICY_SCHED_CREDIT ? c1.weight : c2.weight,
              s->sched == POLICY_SCHED_CREDIT ? c1.cap : c2.cap);
    return 0;
}

/* -------------------------------------------------------- info, watch */

static void xen_info(struct backend *b, struct backend_info *out)
{
    const char *sn, *io;
    char tmp[16];
    unsigned int i, j;
    size_t len = 0;

    memset(out, 0, sizeof(*out));
    out->signals = POLICY_HAS_CPU;
    if ( b->xst )
        out->signals |= (b->xst_live & XENSTAT_VBD ? POLICY_HAS_VBD : 0) |
                        (b->xst_live & XENSTAT_NETWORK ? POLICY_HAS_NET : 0);
    if ( b->ioreq == IOREQ_OK )
        out->signals |= POLICY_HAS_IOREQ;
    for ( i = 0; i < b->npool; i++ )
    {
        for ( j = 0; j < i && b->pool[j].sched_id != b->pool[i].sched_id;
              j++ )
            ;
        if ( j < i )
            continue;
        if ( !(sn = xen_sched_name(b->pool[i].sched_id)) )
        {
            snprintf(tmp, sizeof(tmp), "sched%u", b->pool[i].sched_id);
            sn = tmp;
        }
        len += snprintf(out->scheds + len, sizeof(out->scheds) - len, "%s%s",
                        len ? "," : "", sn);
        if ( len >= sizeof(out->scheds) )
            break;
    }
    io = b->ioreq == IOREQ_OK ? "present" :
         b->ioreq == IOREQ_MISSING ? "missing (ENOSYS: hypervisor not "
                                     "patched)" : "failing";
    snprintf(out->detail, sizeof(out->detail),
             "ioreq counters: %s; PV stats: %s; cpupools: %u", io,
             !(out->signals & (POLICY_HAS_VBD | POLICY_HAS_NET)) ? "none" :
             !(out->signals & POLICY_HAS_NET) ? "block" :
             !(out->signals & POLICY_HAS_VBD) ? "network" :
             "block+network", b->npool);
}

/* The xenstore fd: it changes when xenstored comes back, ask each loop. */
static int xen_watch_fd(struct backend *b)
{
    return b->xsh ? xs_fileno(b->xsh) : -1;
}

static void xen_watch_drain(struct backend *b)
{
    char **ev;

    if ( !b->xsh )
        return;
    while ( (ev = xs_check_watch(b->xsh)) != NULL )
    {
        free(ev);
        b->stale = true;
    }
    if ( errno != EAGAIN )
        xen_xs_lost(b, "xs_check_watch");
}

/* ------------------------------------------------------------- trace */

void xen_trace_rec(const struct xen_coop_ioreq_trace_rec *in,
                   struct backend_trace_rec *out)
{
    static const char *const dest[XEN_COOP_IOREQ_NR_DESTS] = {
        [XEN_COOP_IOREQ_DEST_XEN] = "xen",
        [XEN_COOP_IOREQ_DEST_DM] = "dm",
        [XEN_COOP_IOREQ_DEST_BUFFERED] = "buffered",
        [XEN_COOP_IOREQ_DEST_NONE] = "none",
    };

    out->ts_ns = in->ts;
    out->vcpu = in->vcpu;
    out->mmio = in->flags & XEN_COOP_IOREQ_TR_F_MMIO;
    out->write = in->flags & XEN_COOP_IOREQ_TR_F_WRITE;
    out->data_is_ptr = in->flags & XEN_COOP_IOREQ_TR_F_DATA_IS_PTR;
    out->addr = in->addr;
    out->size = in->size;
    out->count = in->count;
    out->data = in->data;
    out->rip = in->rip;
    out->handler = in->dest < XEN_COOP_IOREQ_NR_DESTS ? dest[in->dest]
                                                      : "unknown";
}

static int xen_trace(struct backend *b, uint32_t domid,
                     enum backend_trace_op op, struct backend_trace_rec *out,
                     unsigned int max, uint64_t *overruns)
{
    int r, i;

    if ( !b->ior )
        return -ENOSYS;
    switch ( op )
    {
    case TRACE_ON:
        if ( !b->trace_buf &&
             !(b->trace_buf = calloc(XEN_COOP_IOREQ_MAX_READ,
                                     sizeof(*b->trace_buf))) )
            return -ENOMEM;
        r = ioreq_trace_enable(b->ior, domid, 0);
        break;
    case TRACE_OFF:
        r = ioreq_trace_disable(b->ior, domid);
        break;
    case TRACE_READ:
        if ( !b->trace_buf )
            return -ENODATA;    /* as Xen says when tracing is off */
        if ( max > XEN_COOP_IOREQ_MAX_READ )
            max = XEN_COOP_IOREQ_MAX_READ;
        r = ioreq_trace_read(b->ior, domid, b->trace_buf, max, overruns);
        for ( i = 0; i < r; i++ )
            xen_trace_rec(&b->trace_buf[i], &out[i]);
        break;
    default:
        return -EINVAL;
    }
    if ( r < 0 && r != -ENODATA )
    {
        errno = -r;
        log_warn("d%u: ioreq trace %s", domid,
                 op == TRACE_ON ? "enable" : op == TRACE_OFF ? "disable"
                                                             : "read");
    }
    return r;
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
    free(b->pool);
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
    xen_pools_refresh(b);       /* not fatal: retried */
    /* Probe PV stats now so that the banner can tell. */
    {
        struct policy_sample none;

        xen_pv_stats(b, &none, 0);
    }
    b->ior = ioreq_reader_new(b->xch, b->cap);
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

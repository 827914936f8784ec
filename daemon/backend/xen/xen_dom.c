/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_dom.c - the xen backend's domain list: every domain in one
 * getinfolist call per XEN_CHUNK domains, the per-domain cache carried
 * over from poll to poll (a reused domid starts afresh), the arrays grown
 * rarely and never per poll, and stub domains tied to their guests.
 *
 * It reads only what the domain list says; names, weights and counters
 * are the other files' (xen_xs.c, xen_sched.c, xen_dm.c, xen_pv.c,
 * xen_ioreq.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ioreq.h"
#include "log.h"
#include "xen_dm.h"
#include "xen_dom.h"

#define XEN_CHUNK           256     /* domains per getinfolist call */

/* Room for `want` domains in every per-domain array.  0 or -ENOMEM. */
int xen_grow(struct backend *b, unsigned int want)
{
    unsigned int max = b->ndoms_max ? b->ndoms_max : XEN_MIN_DOMAINS;
    void *p;

    if ( want > XEN_MAX_DOMAINS )
        want = XEN_MAX_DOMAINS;
    while ( max < want )
        max *= 2;
    if ( max > XEN_MAX_DOMAINS )
        max = XEN_MAX_DOMAINS;
    if ( max <= b->ndoms_max )
        return 0;
    if ( b->ndoms_max )
        log_info("xen: room for %u domains (was %u)", max, b->ndoms_max);
    if ( !(p = realloc(b->info, max * sizeof(*b->info))) )
        return -ENOMEM;
    b->info = p;
    if ( !(p = realloc(b->dom, max * sizeof(*b->dom))) )
        return -ENOMEM;
    b->dom = p;
    if ( !(p = realloc(b->dom2, max * sizeof(*b->dom2))) )
        return -ENOMEM;
    b->dom2 = p;
    if ( !(p = realloc(b->dm, max * sizeof(*b->dm))) )
        return -ENOMEM;
    b->dm = p;
    if ( !(p = realloc(b->target, max * sizeof(*b->target))) )
        return -ENOMEM;
    b->target = p;
    /* The ioreq reader's buffer is sized too: one record per domain. */
    if ( b->ior )
    {
        struct ioreq_reader *r = ioreq_reader_new(b->xch, max);

        if ( !r )
            return -ENOMEM;
        ioreq_reader_free(b->ior);
        b->ior = r;
    }
    b->ndoms_max = max;
    return 0;
}

/* A failing domain list is said once, not on every poll. */
static struct log_repeat getinfo_rl;

static int xen_info_cmp(const void *a, const void *b)
{
    const xc_domaininfo_t *x = a, *y = b;

    return (x->domain > y->domain) - (x->domain < y->domain);
}

/*
 * Up to `max` (<= XEN_CHUNK) domains from domid `first` into out[], with
 * XEN_SYSCTL_getdomaininfolist through libxenctrl's public xc_sysctl()
 * and a hypercall buffer kept for the backend's life.  This is what
 * xc_domain_getinfolist() does, but that one bounces the records through
 * a buffer it maps and unmaps at every call (two more system calls per
 * poll).  Count or -errno.
 */
static int xen_getinfolist(struct backend *b, uint32_t first,
                           unsigned int max, xc_domaininfo_t *out)
{
    struct xen_sysctl sysctl;
    xc_domaininfo_t *buf;

    if ( !b->list_buf.hbuf &&
         !xc__hypercall_buffer_alloc(b->xch, &b->list_buf,
                                     XEN_CHUNK * sizeof(*out)) )
        return errno ? -errno : -ENOMEM;
    buf = b->list_buf.hbuf;
    memset(&sysctl, 0, sizeof(sysctl));
    sysctl.cmd = XEN_SYSCTL_getdomaininfolist;
    sysctl.u.getdomaininfolist.first_domain = first;
    sysctl.u.getdomaininfolist.max_domains = max;
    /*
     * Hypercall-safe memory; set_xen_guest_handle() would say the same
     * but does void-pointer arithmetic that -Wpointer-arith rejects.
     */
    set_xen_guest_handle_raw(sysctl.u.getdomaininfolist.buffer, buf);
    if ( xc_sysctl(b->xch, &sysctl) )
        return errno ? -errno : -EIO;
    if ( sysctl.u.getdomaininfolist.num_domains > max )
        return -EPROTO;
    memcpy(out, buf, sysctl.u.getdomaininfolist.num_domains * sizeof(*out));
    return sysctl.u.getdomaininfolist.num_domains;
}

void xen_list_free(struct backend *b)
{
    if ( b->list_buf.hbuf )
        xc__hypercall_buffer_free(b->xch, &b->list_buf);
}

/*
 * Every domain into b->info, ascending domid: one getinfolist call per
 * XEN_CHUNK domains (as xentop's library does).  Count or -errno.
 */
int xen_list(struct backend *b)
{
    unsigned int n = 0, i, want;
    uint32_t first = 0;
    int r, rc;

    for ( ;; )
    {
        if ( n == b->ndoms_max )
        {
            if ( b->ndoms_max >= XEN_MAX_DOMAINS )
                break;
            if ( (rc = xen_grow(b, b->ndoms_max + 1)) )
                return rc;
        }
        want = b->ndoms_max - n < XEN_CHUNK ? b->ndoms_max - n : XEN_CHUNK;
        r = xen_getinfolist(b, first, want, b->info + n);
        if ( r < 0 )
        {
            log_fail(&getinfo_rl, LOG_WARNING, -r,
                     "XEN_SYSCTL_getdomaininfolist(%u)", first);
            return r;
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
    log_ok(&getinfo_rl, "xc_domain_getinfolist");
    return n;
}

/*
 * Carry the cache over to this poll's domains (both sorted by domid): a
 * domid with a new UUID is a new domain and starts afresh; what a domain
 * that went held (its device model's files) is let go.  Returns how many
 * domains are new.
 */
unsigned int xen_cache_merge(struct backend *b, unsigned int n)
{
    unsigned int i, o = 0, fresh = 0;
    struct xen_dom *t;

    for ( i = 0; i < n; i++ )
    {
        const xc_domaininfo_t *in = &b->info[i];
        struct xen_dom *d = &b->dom2[i];

        while ( o < b->ndoms && b->dom[o].domid < in->domain )
            xen_dm_release(b, &b->dom[o++].dm);
        if ( o < b->ndoms && b->dom[o].domid == in->domain &&
             !memcmp(b->dom[o].uuid, in->handle, sizeof(d->uuid)) )
        {
            *d = b->dom[o++];
            continue;
        }
        if ( o < b->ndoms && b->dom[o].domid == in->domain )
            xen_dm_release(b, &b->dom[o++].dm);     /* a new UUID */
        memset(d, 0, sizeof(*d));
        d->domid = in->domain;
        memcpy(d->uuid, in->handle, sizeof(d->uuid));
        d->dm_domid = -1;
        d->target = -1;
        d->sched = POLICY_SCHED_OTHER;
        xen_dm_init(&d->dm);
        fresh++;
    }
    while ( o < b->ndoms )
        xen_dm_release(b, &b->dom[o++].dm);
    t = b->dom;
    b->dom = b->dom2;
    b->dom2 = t;
    b->ndoms = n;
    return fresh;
}

int xen_domid_index(const void *arr, unsigned int n, size_t size,
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

int xen_stub_guest_name(const char *name, char *guest, size_t len)
{
    size_t l = strlen(name);

    if ( l <= 3 || strcmp(name + l - 3, "-dm") || l - 3 >= len )
        return 0;
    memcpy(guest, name, l - 3);
    guest[l - 3] = '\0';
    return 1;
}

void xen_link_stubs(struct policy_sample *s, const int32_t *dm_domid,
                    const int32_t *target, unsigned int n)
{
    char guest[POLICY_NAME_MAX];
    unsigned int i, j;
    int k;

    for ( i = 0; i < n; i++ )
        s[i].stub_of = -1;
    /* The toolstack's word first: the stub names its guest ... */
    for ( i = 0; i < n; i++ )
        if ( target[i] >= 0 && (uint32_t)target[i] != s[i].domid &&
             XEN_DOMID_INDEX(s, n, (uint32_t)target[i]) >= 0 )
            s[i].stub_of = target[i];
    /* ... or the guest names its stub domain. */
    for ( j = 0; j < n; j++ )
    {
        if ( dm_domid[j] < 0 || (uint32_t)dm_domid[j] == s[j].domid )
            continue;
        k = XEN_DOMID_INDEX(s, n, (uint32_t)dm_domid[j]);
        if ( k >= 0 && s[k].stub_of < 0 )
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

/* Stop counting a stub domain for its guest; its CPU stays counted. */
static void stub_drop(struct xen_dm *dm)
{
    dm->carry_ns += dm->stub_ns;
    dm->stub_ns = 0;
    dm->stub = -1;
}

void xen_dom_stub_cpu(struct xen_dom *dom, struct policy_sample *s,
                  unsigned int n)
{
    unsigned int i;
    int g, k;

    /* Guests whose stub domain went, or serves another guest now. */
    for ( i = 0; i < n; i++ )
    {
        struct xen_dm *dm = &dom[i].dm;

        if ( dm->stub < 0 )
            continue;
        k = XEN_DOMID_INDEX(s, n, (uint32_t)dm->stub);
        if ( k < 0 || s[k].stub_of != (int32_t)s[i].domid )
            stub_drop(dm);
    }
    for ( i = 0; i < n; i++ )
    {
        struct xen_dm *dm;
        uint64_t cpu = s[i].c.cpu_ns;

        if ( s[i].stub_of < 0 ||
             (g = XEN_DOMID_INDEX(s, n, (uint32_t)s[i].stub_of)) < 0 )
            continue;
        dm = &dom[g].dm;
        if ( dm->stub != (int32_t)s[i].domid || cpu < dm->stub_origin )
        {
            /* Newly linked: count from now, as for a process. */
            if ( dm->stub >= 0 )
                stub_drop(dm);
            dm->stub = s[i].domid;
            dm->stub_origin = cpu;
        }
        dm->stub_ns = cpu - dm->stub_origin;
    }
    for ( i = 0; i < n; i++ )
        xen_dm_counters(&dom[i].dm, &s[i].c.dm_cpu_ns, &s[i].c.dm_runs);
}

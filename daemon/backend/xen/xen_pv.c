/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_pv.c - the xen backend's PV block and network counters, read
 * straight from dom0's kernel as xentop's library does, without its cost:
 *
 * - blkback keeps each virtual disk's counters in
 *   /sys/bus/xen-backend/devices/vbd-<domid>-<dev>/statistics/; the four
 *   the policy uses stay open and are pread (a sysfs attribute read from
 *   offset 0 is generated again): the requests each poll, the sectors
 *   when their requests moved.  The directory is listed
 *   only when backends may have come or gone: after churn, in the polls
 *   after it, and every XEN_XS_SWEEP_NS.
 * - /proc/net/dev, open for good and read once per poll, has every
 *   interface: the guests' are vif<domid>.<dev> (netback) and
 *   vif<domid>.<dev>-emu (the tap of an emulated NIC).
 *
 * Not counted: disks served by QEMU's qdisk backend instead of blkback
 * (their work shows as device-model CPU for an HVM guest; a PV guest's
 * qdisks share one QEMU for all guests), and interfaces renamed by a
 * vifname= setting.  A missing counter degrades the sample; it never
 * fails it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xen_dom.h"
#include "xen_pv.h"
#include "xen_text.h"

#define XEN_BACKEND_DIR     "/sys/bus/xen-backend/devices"
#define XEN_PROC_NETDEV     "/proc/net/dev"
#define XEN_NETDEV_MIN      16384
#define XEN_NETDEV_MAX      (16u << 20)
#define XEN_PV_BACKOFF_MAX  64      /* polls between the last rescans */

static const char *const vbd_stat[XEN_VBD_NSTATS] = {
    "rd_req", "wr_req", "rd_sect", "wr_sect",
};

static void vbd_close(struct xen_vbd *v)
{
    unsigned int i;

    for ( i = 0; i < XEN_VBD_NSTATS; i++ )
        if ( v->fd[i] >= 0 )
            close(v->fd[i]);
}

static int vbd_cmp(const void *a, const void *b)
{
    const struct xen_vbd *x = a, *y = b;

    if ( x->domid != y->domid )
        return x->domid < y->domid ? -1 : 1;
    return (x->dev > y->dev) - (x->dev < y->dev);
}

/* Open the counters of backend vbd-<domid>-<dev>.  0 or -errno. */
static int vbd_open(struct xen_vbd *v, const char *name)
{
    char path[sizeof(XEN_BACKEND_DIR) + sizeof(((struct dirent *)0)->d_name) +
              32];
    unsigned int i;

    for ( i = 0; i < XEN_VBD_NSTATS; i++ )
    {
        v->fd[i] = -1;
        v->val[i] = 0;
    }
    v->settle[0] = v->settle[1] = 1;    /* read everything once */
    for ( i = 0; i < XEN_VBD_NSTATS; i++ )
    {
        snprintf(path, sizeof(path), XEN_BACKEND_DIR "/%s/statistics/%s",
                 name, vbd_stat[i]);
        v->fd[i] = open(path, O_RDONLY | O_CLOEXEC);
        if ( v->fd[i] < 0 )
        {
            int err = errno;

            vbd_close(v);
            return -err;
        }
    }
    return 0;
}

/* Room for `want` backends in vbd and vbd2.  0 or -ENOMEM. */
static int vbd_grow(struct backend *b, unsigned int want)
{
    unsigned int max = b->nvbd_max ? b->nvbd_max : 16;
    void *p;

    while ( max < want )
        max *= 2;
    if ( max <= b->nvbd_max )
        return 0;
    if ( !(p = realloc(b->vbd, max * sizeof(*b->vbd))) )
        return -ENOMEM;
    b->vbd = p;
    if ( !(p = realloc(b->vbd2, max * sizeof(*b->vbd2))) )
        return -ENOMEM;
    b->vbd2 = p;
    b->nvbd_max = max;
    return 0;
}

/*
 * List the block backends again: keep the files of those still there,
 * open the new ones, close the gone ones.  On a failure the old list
 * stays as it is.
 */
static void vbd_scan(struct backend *b)
{
    DIR *dir = opendir(XEN_BACKEND_DIR);
    struct dirent *e;
    unsigned int n = 0, i;
    struct xen_vbd key, *old, *t;
    int rc;

    if ( !dir )
    {
        if ( b->vbd_dir )
            log_warn("%s (PV block counters stop)", XEN_BACKEND_DIR);
        b->vbd_dir = false;
        return;
    }
    if ( !b->vbd_dir )
        log_info("PV block counters from %s", XEN_BACKEND_DIR);
    b->vbd_dir = true;
    while ( (e = readdir(dir)) != NULL )
    {
        if ( xen_text_backend_name(e->d_name, "vbd", &key.domid, &key.dev) )
            continue;
        if ( vbd_grow(b, n + 1) )
            break;
        old = b->nvbd ? bsearch(&key, b->vbd, b->nvbd, sizeof(*b->vbd),
                                vbd_cmp) : NULL;
        if ( old && old->fd[0] >= 0 )
        {
            b->vbd2[n++] = *old;
            old->fd[0] = -1;        /* moved to vbd2: not closed below */
            continue;
        }
        b->vbd2[n] = key;
        rc = vbd_open(&b->vbd2[n], e->d_name);
        if ( !rc )
        {
            log_debug("d%u: vbd %u counted", key.domid, key.dev);
            n++;
        }
        else if ( rc != -ENOENT && !b->vbd_logged )
        {
            /* ENOENT: its statistics come when it is connected. */
            errno = -rc;
            log_warn("%s/%s/statistics", XEN_BACKEND_DIR, e->d_name);
            b->vbd_logged = true;
        }
    }
    closedir(dir);
    for ( i = 0; i < b->nvbd; i++ )
        if ( b->vbd[i].fd[0] >= 0 )
            vbd_close(&b->vbd[i]);
    qsort(b->vbd2, n, sizeof(*b->vbd2), vbd_cmp);
    t = b->vbd;
    b->vbd = b->vbd2;
    b->vbd2 = t;
    b->nvbd = n;
}

void xen_pv_rescan(struct backend *b, bool follow_up)
{
    b->pv_rescan = true;
    if ( follow_up )
        b->pv_backoff = 1;
}

void xen_pv_open(struct backend *b)
{
    b->netdev_fd = open(XEN_PROC_NETDEV, O_RDONLY | O_CLOEXEC);
    if ( b->netdev_fd < 0 )
        log_warn("%s (PV network counters missing)", XEN_PROC_NETDEV);
    vbd_scan(b);
}

void xen_pv_close(struct backend *b)
{
    unsigned int i;

    for ( i = 0; i < b->nvbd; i++ )
        vbd_close(&b->vbd[i]);
    b->nvbd = 0;
    if ( b->netdev_fd >= 0 )
        close(b->netdev_fd);
    b->netdev_fd = -1;
    free(b->vbd);
    free(b->vbd2);
    free(b->netdev_buf);
    b->vbd = b->vbd2 = NULL;
    b->netdev_buf = NULL;
}

int xen_pv_vbd_read(struct xen_vbd *v)
{
    uint64_t val;
    unsigned int i;
    char buf[32];
    ssize_t r;

    for ( i = 0; i < XEN_VBD_NSTATS; i++ )
    {
        /* Sectors move only with their requests: idle disks cost 2. */
        if ( i >= 2 && !v->settle[i - 2] )
            continue;
        r = pread(v->fd[i], buf, sizeof(buf), 0);
        if ( r < 0 )
            return -errno;
        if ( xen_text_u64(buf, r, &val) )
            return -EPROTO;
        if ( i < 2 && val != v->val[i] )
            v->settle[i] = 2;       /* this poll and the next */
        else if ( i >= 2 )
            v->settle[i - 2]--;
        v->val[i] = val;
    }
    return 0;
}

static void vbd_stats(struct backend *b, struct policy_sample *s,
                      unsigned int n)
{
    unsigned int i, k = 0;
    bool gone = false;

    for ( i = 0; i < n; i++ )
        s[i].signals |= POLICY_HAS_VBD;
    /* Both sorted by domid: one walk. */
    for ( i = 0; i < b->nvbd; i++ )
    {
        struct xen_vbd *vb = &b->vbd[i];

        while ( k < n && s[k].domid < vb->domid )
            k++;
        if ( k == n )
            break;
        if ( s[k].domid != vb->domid )
            continue;           /* a backend of a domain already gone */
        if ( xen_pv_vbd_read(vb) )
        {
            gone = true;        /* removed with its device: rescan */
            continue;
        }
        s[k].c.vbd_rd_req += vb->val[0];
        s[k].c.vbd_wr_req += vb->val[1];
        s[k].c.vbd_rd_sect += vb->val[2];
        s[k].c.vbd_wr_sect += vb->val[3];
    }
    if ( gone )
        b->pv_rescan = true;
}

int xen_pv_netdev_add(struct policy_sample *s, unsigned int n,
                      const struct xen_netdev *nd)
{
    uint32_t domid, dev;
    bool emu;
    int k;

    if ( xen_text_vif_name(nd->name, &domid, &dev, &emu) ||
         (k = XEN_DOMID_INDEX(s, n, domid)) < 0 )
        return 0;
    s[k].c.net_rx_pkts += nd->rx_pkts;
    s[k].c.net_rx_bytes += nd->rx_bytes;
    s[k].c.net_tx_pkts += nd->tx_pkts;
    s[k].c.net_tx_bytes += nd->tx_bytes;
    return 1;
}

/* All of /proc/net/dev into b->netdev_buf.  Its length or -errno. */
static ssize_t netdev_read(struct backend *b)
{
    size_t got = 0;
    ssize_t r;
    char *p;

    if ( !b->netdev_buf )
    {
        if ( !(b->netdev_buf = malloc(XEN_NETDEV_MIN)) )
            return -ENOMEM;
        b->netdev_size = XEN_NETDEV_MIN;
    }
    for ( ;; )
    {
        if ( got == b->netdev_size )
        {
            /* More interfaces than ever: grow (rarely, never back). */
            if ( b->netdev_size >= XEN_NETDEV_MAX ||
                 !(p = realloc(b->netdev_buf, 2 * b->netdev_size)) )
                return -ENOMEM;
            b->netdev_buf = p;
            b->netdev_size *= 2;
        }
        r = pread(b->netdev_fd, b->netdev_buf + got, b->netdev_size - got,
                  got);
        if ( r < 0 )
            return -errno;
        if ( !r )
            return got;
        got += r;
    }
}

static void net_stats(struct backend *b, struct policy_sample *s,
                      unsigned int n)
{
    struct xen_netdev nd;
    size_t pos = 0;
    ssize_t len;
    unsigned int i;
    int r;

    if ( b->netdev_fd < 0 )
        return;
    len = netdev_read(b);
    if ( len < 0 )
    {
        errno = -len;
        log_warn("%s (PV network counters stop)", XEN_PROC_NETDEV);
        close(b->netdev_fd);
        b->netdev_fd = -1;
        return;
    }
    for ( i = 0; i < n; i++ )
        s[i].signals |= POLICY_HAS_NET;
    while ( (r = xen_text_netdev_next(b->netdev_buf, len, &pos, &nd)) )
        if ( r > 0 )
            xen_pv_netdev_add(s, n, &nd);
}

void xen_pv_stats(struct backend *b, struct policy_sample *s,
                  unsigned int n)
{
    if ( b->pv_rescan || (b->pv_due && b->poll >= b->pv_due) )
    {
        vbd_scan(b);
        /* Again after 1, 2, 4 ... polls: hotplug scripts take a while. */
        if ( b->pv_backoff && b->pv_backoff <= XEN_PV_BACKOFF_MAX )
        {
            b->pv_due = b->poll + b->pv_backoff;
            b->pv_backoff *= 2;
        }
        else
            b->pv_due = b->pv_backoff = 0;
        b->pv_rescan = false;
    }
    if ( b->vbd_dir )
        vbd_stats(b, s, n);
    net_stats(b, s, n);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_xs.c - the xen backend's xenstore: each domain's name, device-model
 * stub domain, stub target and device-model pid, read at first sight,
 * while something it should have is missing, and in a sweep now and then
 * (see XEN_XS_SWEEP_NS); the watches that say domains or PV backends came
 * or went; and a connection that survives xenstored going away,
 * reconnected without ever blocking the loop.
 *
 * Nothing here is read in the steady state, and nothing may wait on
 * xenstored.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xen_pv.h"
#include "xen_xs.h"

#define XEN_TOKEN           "coopvmm"
#define XEN_TOKEN_PV        "coopvmm-pv"
#define XEN_BACKEND_PATH    "/local/domain/0/backend"
#define XEN_XS_RETRY        10      /* polls between xenstored reconnects */
#define XEN_XS_TRIES        7       /* backed-off reads of what is missing */

void xen_xs_close(struct backend *b)
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

bool xen_xs_open(struct backend *b)
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
         !xs_watch(b->xsh, "@releaseDomain", XEN_TOKEN) ||
         !xs_watch(b->xsh, XEN_BACKEND_PATH, XEN_TOKEN_PV) )
    {
        xen_xs_lost(b, "xs_watch @introduceDomain/@releaseDomain/backend");
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

/* A domid or pid below `limit` at `path`, or -1 (absent or not one). */
static int32_t xen_xs_read_id(struct backend *b, const char *path,
                              long limit, int *rc)
{
    char val[16], *end;
    long v;

    *rc = xen_xs_read(b, path, val, sizeof(val));
    if ( *rc )
        return -1;
    errno = 0;
    v = strtol(val, &end, 10);
    if ( errno || end == val || *end || v < 0 || v >= limit )
        return -1;
    return v;
}

void xen_xs_read_dom(struct backend *b, struct xen_dom *d, bool want_dm)
{
    char path[80];
    unsigned int wait;
    int rc, r;

    snprintf(path, sizeof(path), "/local/domain/%u/name", d->domid);
    rc = xen_xs_read(b, path, d->name, sizeof(d->name));
    if ( rc == -EPIPE )
        return;                 /* keep what we have; retried on reconnect */
    if ( rc && d->name[0] )
    {
        /* Gone from xenstore: a dying domain keeps its name in our logs. */
        d->xs_due = UINT64_MAX;     /* the sweep asks again */
        return;
    }
    if ( !rc )
    {
        int32_t dm_domid, target, pid;

        /* All or nothing: a lost connection keeps what we had. */
        snprintf(path, sizeof(path),
                 "/local/domain/%u/image/device-model-domid", d->domid);
        dm_domid = xen_xs_read_id(b, path, DOMID_FIRST_RESERVED, &r);
        if ( r == -EPIPE )
            return;
        snprintf(path, sizeof(path), "/local/domain/%u/target", d->domid);
        target = xen_xs_read_id(b, path, DOMID_FIRST_RESERVED, &r);
        if ( r == -EPIPE )
            return;
        snprintf(path, sizeof(path),
                 "/local/domain/%u/image/device-model-pid", d->domid);
        pid = xen_xs_read_id(b, path, INT32_MAX, &r);
        if ( r == -EPIPE )
            return;
        d->dm_domid = dm_domid;
        d->target = target;
        d->dm.xs_pid = pid > 0 ? pid : 0;
    }
    if ( !rc && (!want_dm || d->dm.xs_pid || d->dm_domid >= 0) )
    {
        /* Complete: read again in the sweep only. */
        d->xs_fails = 0;
        d->xs_due = UINT64_MAX;
        return;
    }
    /*
     * Not written yet (a domain being built: its name; an HVM guest's
     * device model is started after the domain): again after 1, 2, 4 ...
     * polls, XEN_XS_TRIES times; then churn and the sweep ask again.
     */
    if ( d->xs_fails >= XEN_XS_TRIES )
    {
        d->xs_due = UINT64_MAX;
        return;
    }
    wait = 1u << d->xs_fails;
    d->xs_fails++;
    d->xs_due = b->poll + wait;
}

bool xen_xs_complete(const struct xen_dom *d, bool want_dm)
{
    return d->name[0] && (!want_dm || d->dm.xs_pid || d->dm_domid >= 0);
}

void xen_xs_sweep(struct backend *b)
{
    unsigned int i;

    /* A read that finds xenstored gone reconnects (xen_xs_read). */
    for ( i = 0; i < b->ndoms; i++ )
    {
        b->dom[i].xs_due = 0;
        b->dom[i].xs_fails = 0;
    }
}

int xen_watch_fd(struct backend *b)
{
    return b->xsh ? xs_fileno(b->xsh) : -1;
}

void xen_watch_drain(struct backend *b)
{
    char **ev;

    if ( !b->xsh )
        return;
    while ( (ev = xs_check_watch(b->xsh)) != NULL )
    {
        if ( !strcmp(ev[XS_WATCH_TOKEN], XEN_TOKEN_PV) )
            xen_pv_rescan(b, true);
        else
            b->stale = true;
        free(ev);
    }
    if ( errno != EAGAIN )
        xen_xs_lost(b, "xs_check_watch");
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_xs.c - the xen backend's xenstore: domain names and device-model
 * stub domains, read at first sight, on churn and now and then; the
 * @introduceDomain/@releaseDomain watch; and a connection that survives
 * xenstored going away, reconnected without ever blocking the loop.
 *
 * Names are not a hypercall; nothing here may wait on xenstored.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xen_xs.h"

#define XEN_TOKEN           "coopvmm"
#define XEN_NAME_REFRESH    60      /* polls between re-reads (xl rename) */
#define XEN_XS_RETRY        10      /* polls between xenstored reconnects */

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
void xen_xs_ping(struct backend *b)
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

void xen_read_name(struct backend *b, struct xen_dom *d)
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
        free(ev);
        b->stale = true;
    }
    if ( errno != EAGAIN )
        xen_xs_lost(b, "xs_check_watch");
}

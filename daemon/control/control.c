/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control.c - coopvmmd's control socket, the connection half: the socket
 * itself (run directory, stale socket, group, mode), clients with their
 * credentials, request and reply buffers and idle deadlines.  Each
 * complete request line goes to control_dispatch() (control_cmd.c).
 *
 * Runs inside the poll() loop and must never block it or let a client
 * hold it: every socket is non-blocking, a client gets one reply buffered
 * at a time (it must read it before its next request is looked at), a
 * request is bounded, clients are bounded in number and dropped when
 * idle.  It must not look inside a request or change the daemon's state:
 * that is the dispatcher's, through the daemon_* calls of daemon.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "control.h"
#include "control_cmd.h"
#include "daemon.h"
#include "log.h"

#define IN_CHUNK        4096
#define ACCEPT_BURST    32

/* ------------------------------------------------------------ socket */

static int mkdir_p(const char *dir)
{
    char buf[PATH_MAX], *p;
    bool last;

    if ( strlen(dir) >= sizeof(buf) )
        return -ENAMETOOLONG;
    strcpy(buf, dir);
    for ( p = buf + 1; ; p++ )
    {
        if ( *p != '/' && *p != '\0' )
            continue;
        last = *p == '\0';
        *p = '\0';
        /* 0755 whatever the umask: group members must reach the socket. */
        if ( mkdir(buf, 0755) == 0 )
        {
            if ( chmod(buf, 0755) < 0 )
                return -errno;
        }
        else if ( errno != EEXIST )
            return -errno;
        if ( last )
            break;
        *p = '/';
    }
    return 0;
}

/* Is something listening on `path`?  Removes it if it is a dead socket. */
static int clear_stale(const struct sockaddr_un *sun)
{
    struct stat st;
    int fd, rc;

    if ( lstat(sun->sun_path, &st) < 0 )
        return errno == ENOENT ? 0 : -errno;
    if ( !S_ISSOCK(st.st_mode) )
    {
        log_warnx("control socket %s: exists and is not a socket",
                  sun->sun_path);
        return -EEXIST;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if ( fd < 0 )
        return -errno;
    rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
    close(fd);
    if ( rc == 0 )
    {
        log_warnx("control socket %s: another daemon answers on it",
                  sun->sun_path);
        return -EADDRINUSE;
    }
    if ( errno != ECONNREFUSED )
    {
        rc = -errno;
        log_warn("control socket %s: cannot tell if it is stale",
                 sun->sun_path);
        return rc;
    }
    if ( unlink(sun->sun_path) < 0 && errno != ENOENT )
        return -errno;
    log_info("control socket %s: removed a stale socket", sun->sun_path);
    return 0;
}

static int lookup_group(const char *group, gid_t *gid)
{
    struct group *gr;

    *gid = 0;
    if ( !group || !*group )
        return 0;
    errno = 0;
    gr = getgrnam(group);
    if ( !gr )
    {
        log_warnx("control socket: group '%s' not found", group);
        return errno ? -errno : -ENOENT;
    }
    *gid = gr->gr_gid;
    return 0;
}

int control_open(struct control **out, const char *path, const char *group)
{
    struct control *c;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    char dir[PATH_MAX], *slash;
    mode_t old;
    int rc, i;

    *out = NULL;
    if ( !path || !*path )
        path = CONTROL_DEFAULT_PATH;
    if ( strlen(path) >= sizeof(sun.sun_path) )
    {
        log_warnx("control socket %s: path too long", path);
        return -ENAMETOOLONG;
    }
    strcpy(sun.sun_path, path);
    c = calloc(1, sizeof(*c));
    if ( !c || !(c->path = strdup(path)) )
    {
        free(c);
        return -ENOMEM;
    }
    c->fd = -1;
    for ( i = 0; i < CONTROL_MAX_POLLFDS; i++ )
        c->map[i] = -1;
    rc = lookup_group(group, &c->gid);
    if ( rc )
        goto fail;

    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if ( slash && slash != dir )
    {
        *slash = '\0';
        rc = mkdir_p(dir);
        if ( rc )
        {
            log_warnx("control socket: cannot create %s: %s", dir,
                      strerror(-rc));
            goto fail;
        }
    }
    rc = clear_stale(&sun);
    if ( rc )
        goto fail;

    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if ( c->fd < 0 )
    {
        rc = -errno;
        log_warn("control socket: socket");
        goto fail;
    }
    old = umask(0177);
    rc = bind(c->fd, (struct sockaddr *)&sun, sizeof(sun));
    umask(old);
    if ( rc < 0 )
    {
        rc = -errno;
        log_warn("control socket %s: bind", path);
        goto fail;
    }
    if ( (group && *group && chown(path, 0, c->gid) < 0) ||
         chmod(path, 0660) < 0 || listen(c->fd, 64) < 0 )
    {
        rc = -errno;
        log_warn("control socket %s", path);
        unlink(path);
        goto fail;
    }
    log_info("control socket %s: listening (mode 0660, group %s)", path,
             group && *group ? group : "root");
    *out = c;
    return 0;

 fail:
    if ( c->fd >= 0 )
        close(c->fd);
    free(c->path);
    free(c);
    return rc;
}

/* ----------------------------------------------------------- clients */

static void trace_off(struct control *c, struct client *cl)
{
    struct daemon *d = c->d;

    if ( !cl->tracing )
        return;
    cl->tracing = false;
    if ( d && daemon_has_iotrace(d) )
    {
        int rc = daemon_iotrace(d, cl->trace_domid, TRACE_OFF, NULL, 0,
                                NULL);

        if ( rc < 0 )
            log_warnx("iotrace: cannot switch off the trace of domain %"
                      PRIu32 ": %s", cl->trace_domid, strerror(-rc));
    }
    log_info("iotrace: domain %" PRIu32 " no longer traced",
             cl->trace_domid);
}

static void drop(struct control *c, unsigned int slot, const char *why)
{
    struct client *cl = c->cl[slot];

    log_debug("control: client fd %d (uid %u pid %d) closed: %s", cl->fd,
              (unsigned int)cl->uid, (int)cl->pid, why);
    trace_off(c, cl);
    close(cl->fd);
    free(cl->in);
    free(cl->out);
    free(cl);
    c->cl[slot] = NULL;
    c->ncl--;
}

static bool in_group(int fd, gid_t gid, gid_t pgid)
{
    gid_t groups[256];
    socklen_t len = sizeof(groups);
    unsigned int i;

    if ( pgid == gid )
        return true;
    /* Supplementary groups as they were at connect(); too many: no. */
    if ( getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0 )
        return false;
    for ( i = 0; i < len / sizeof(gid_t); i++ )
        if ( groups[i] == gid )
            return true;
    return false;
}

static void queue_text(struct client *cl, char *text)
{
    size_t n = strlen(text);
    char *out = realloc(text, n + 2);

    /* The reply and its newline; `text` is ours now, and still valid
     * if realloc() failed. */
    free(cl->out);
    cl->out = out;
    if ( !out )
    {
        free(text);
        cl->closing = true;
        cl->outlen = cl->outoff = 0;
        return;
    }
    out[n] = '\n';
    out[n + 1] = '\0';
    cl->outlen = n + 1;
    cl->outoff = 0;
}

/* A short error reply for the socket layer itself, then close. */
static void queue_error(struct client *cl, const char *msg)
{
    json_t *r = json_pack("{s:i, s:b, s:s}", "version",
                          CONTROL_PROTO_VERSION, "ok", 0, "error", msg);
    char *t = r ? json_dumps(r, JSON_COMPACT) : NULL;

    json_decref(r);
    cl->closing = true;
    if ( t )
        queue_text(cl, t);
}

/* Returns false when there is nothing more to accept now. */
static bool accept_one(struct control *c, uint64_t now_ns)
{
    struct ucred cr;
    socklen_t len = sizeof(cr);
    struct client *cl;
    unsigned int slot;
    int fd;

    fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if ( fd < 0 )
        return false;
    if ( getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 ||
         c->ncl >= CONTROL_MAX_CLIENTS || !(cl = calloc(1, sizeof(*cl))) )
    {
        static const char busy[] = "{\"version\":1,\"ok\":false,"
            "\"error\":\"too many clients, try again later\"}\n";

        if ( c->ncl >= CONTROL_MAX_CLIENTS )
            (void)!send(fd, busy, sizeof(busy) - 1,
                        MSG_DONTWAIT | MSG_NOSIGNAL);
        log_debug("control: connection refused (%u clients)", c->ncl);
        close(fd);
        return true;
    }
    cl->fd = fd;
    cl->uid = cr.uid;
    cl->pid = cr.pid;
    cl->may_write = cr.uid == 0;
    cl->may_read = cr.uid == 0 || in_group(fd, c->gid, cr.gid);
    cl->deadline_ns = now_ns + CONTROL_IDLE_NS;
    for ( slot = 0; c->cl[slot]; slot++ )
        ;
    c->cl[slot] = cl;
    c->ncl++;
    log_debug("control: client fd %d uid %u pid %d (%s)", fd,
              (unsigned int)cr.uid, (int)cr.pid,
              cl->may_write ? "read-write" : cl->may_read ? "read-only" :
              "no access");
    return true;
}

/* Handle the next complete request line, if the client may send one. */
static void serve(struct control *c, struct client *cl, struct daemon *d,
                  uint64_t now_ns)
{
    struct ctx x = { .d = d, .c = c, .cl = cl };
    bool close_after = false;
    char *nl, *reply;
    size_t len;

    if ( cl->closing || cl->outlen )
        return;
    nl = cl->inlen ? memchr(cl->in, '\n', cl->inlen) : NULL;
    if ( nl && !c->budget )
        return;                     /* next round: see control_pollfds() */
    if ( !nl )
    {
        if ( cl->inlen >= CONTROL_REQ_MAX )
            queue_error(cl, "request too long (limit 65536 bytes)");
        else if ( cl->eof && cl->inlen )
            queue_error(cl, "truncated request (no newline at the end)");
        else if ( cl->eof )
            cl->closing = true;
        return;
    }
    len = (size_t)(nl - cl->in);
    c->budget--;
    cl->deadline_ns = now_ns + CONTROL_IDLE_NS;
    reply = control_dispatch(&x, cl->in, len, cl->may_read, cl->may_write,
                             &close_after);
    cl->inlen -= len + 1;
    memmove(cl->in, nl + 1, cl->inlen);
    if ( !reply )
    {
        queue_error(cl, "out of memory");
        return;
    }
    if ( strlen(reply) > CONTROL_REPLY_MAX )
    {
        free(reply);
        queue_error(cl, "reply too large");
        return;
    }
    queue_text(cl, reply);
    if ( close_after )
        cl->closing = true;
}

/* Returns false if the client is gone. */
static bool do_read(struct client *cl)
{
    ssize_t n;
    size_t want;
    char *p;

    if ( cl->insize - cl->inlen < IN_CHUNK && cl->insize < CONTROL_REQ_MAX )
    {
        want = cl->insize ? cl->insize * 2 : IN_CHUNK;
        if ( want > CONTROL_REQ_MAX )
            want = CONTROL_REQ_MAX;
        p = realloc(cl->in, want);
        if ( !p )
            return false;
        cl->in = p;
        cl->insize = want;
    }
    if ( cl->inlen >= cl->insize )
        return true;                /* full: serve() answers "too long" */
    n = recv(cl->fd, cl->in + cl->inlen, cl->insize - cl->inlen,
             MSG_DONTWAIT);
    if ( n < 0 )
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if ( n == 0 )
        cl->eof = true;
    /*
     * Bytes alone do not keep a client alive: a request must be complete
     * within CONTROL_IDLE_NS, so a trickling client cannot hold a slot.
     */
    cl->inlen += (size_t)n;
    return true;
}

static bool do_write(struct client *cl, uint64_t now_ns)
{
    ssize_t n;

    while ( cl->outoff < cl->outlen )
    {
        n = send(cl->fd, cl->out + cl->outoff, cl->outlen - cl->outoff,
                 MSG_DONTWAIT | MSG_NOSIGNAL);
        if ( n < 0 )
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        cl->outoff += (size_t)n;
        cl->deadline_ns = now_ns + CONTROL_IDLE_NS;
    }
    free(cl->out);
    cl->out = NULL;
    cl->outlen = cl->outoff = 0;
    return true;
}

static bool has_request(const struct client *cl)
{
    return !cl->closing && cl->inlen && memchr(cl->in, '\n', cl->inlen);
}

unsigned int control_pollfds(struct control *c, struct pollfd *pfd,
                             unsigned int max)
{
    unsigned int i, k = 0;
    struct client *cl;

    c->nmap = 0;
    if ( !max )
        return 0;
    pfd[k].fd = c->fd;
    pfd[k].events = POLLIN;
    pfd[k].revents = 0;
    c->map[k++] = -1;
    for ( i = 0; i < CONTROL_MAX_CLIENTS && k < max; i++ )
    {
        cl = c->cl[i];
        if ( !cl )
            continue;
        pfd[k].fd = cl->fd;
        /*
         * A request already read but not served (the round's budget ran
         * out) waits for POLLOUT, which a live socket reports at once.
         */
        pfd[k].events = cl->outlen || has_request(cl) ? POLLOUT :
                        (cl->closing || cl->eof) ? 0 : POLLIN;
        pfd[k].revents = 0;
        c->map[k++] = (int)i;
    }
    c->nmap = k;
    return k;
}

static void client_event(struct control *c, unsigned int slot, short rev,
                         struct daemon *d, uint64_t now_ns)
{
    struct client *cl = c->cl[slot];

    /* Out of budget: leave its bytes in the kernel for the next round. */
    if ( !c->budget && !cl->outlen )
        return;
    if ( (rev & POLLIN) && !do_read(cl) )
    {
        drop(c, slot, "read error");
        return;
    }
    serve(c, cl, d, now_ns);
    /* Try at once: most replies fit in the socket buffer. */
    if ( cl->outlen && !do_write(cl, now_ns) )
    {
        drop(c, slot, "write error");
        return;
    }
    serve(c, cl, d, now_ns);                /* a pipelined next request */
    if ( cl->outlen && !do_write(cl, now_ns) )
    {
        drop(c, slot, "write error");
        return;
    }
    if ( cl->closing && !cl->outlen )
        drop(c, slot, "done");
    else if ( (rev & (POLLERR | POLLHUP | POLLNVAL)) && !(rev & POLLIN) )
        drop(c, slot, "hung up");
}

static void drop_idle(struct control *c, uint64_t now_ns)
{
    unsigned int i;

    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
        if ( c->cl[i] && now_ns >= c->cl[i]->deadline_ns )
            drop(c, i, "idle timeout");
}

void control_events(struct control *c, const struct pollfd *pfd,
                    unsigned int n, struct daemon *d, uint64_t now_ns)
{
    unsigned int i, k;
    int slot;

    c->d = d;
    c->budget = CONTROL_SERVE_BURST;
    for ( i = 0; i < n && i < c->nmap; i++ )
    {
        if ( !pfd[i].revents )
            continue;
        slot = c->map[i];
        if ( slot < 0 )
        {
            if ( pfd[i].fd != c->fd )
                continue;
            for ( k = 0; k < ACCEPT_BURST && accept_one(c, now_ns); k++ )
                ;
            continue;
        }
        if ( !c->cl[slot] || c->cl[slot]->fd != pfd[i].fd )
            continue;               /* closed since control_pollfds() */
        client_event(c, (unsigned int)slot, pfd[i].revents, d, now_ns);
    }
    c->nmap = 0;
    drop_idle(c, now_ns);
}

int control_timeout_ms(struct control *c, uint64_t now_ns)
{
    uint64_t next = UINT64_MAX;
    unsigned int i;

    /* Expired ones go now, or the caller would poll with 0 and spin. */
    drop_idle(c, now_ns);
    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
        if ( c->cl[i] && c->cl[i]->deadline_ns < next )
            next = c->cl[i]->deadline_ns;
    if ( next == UINT64_MAX )
        return -1;
    return (int)((next - now_ns + 999999) / 1000000);
}

unsigned int control_nclients(const struct control *c)
{
    return c->ncl;
}

void control_close(struct control *c, struct daemon *d)
{
    unsigned int i;

    if ( !c )
        return;
    c->d = d;
    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
        if ( c->cl[i] )
            drop(c, i, "daemon exits");
    if ( c->fd >= 0 )
        close(c->fd);
    unlink(c->path);
    free(c->path);
    free(c);
}

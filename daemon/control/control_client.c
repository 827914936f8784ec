/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control_client.c - the clients of the control socket: who may connect
 * (per uid, root always), reading requests, writing replies, deadlines.
 * control.c owns the socket and the loop's entry points; this file one
 * client at a time.
 *
 * A client gets one reply at a time and must read it within
 * CONTROL_WRITE_NS; a request must be complete within CONTROL_IDLE_NS of
 * the last; bytes alone do not keep a client alive.  Every socket is
 * non-blocking: nothing here waits for a client.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include <jansson.h>

#include "control_build.h"
#include "control_client.h"
#include "control_cmd.h"
#include "daemon.h"
#include "log.h"

#define IN_CHUNK        4096

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

void client_drop(struct control *c, unsigned int slot, const char *why)
{
    struct client *cl = c->cl[slot];

    log_debug("control: client fd %d (uid %u pid %d) closed: %s", cl->fd,
              (unsigned int)cl->uid, (int)cl->pid, why);
    trace_off(c, cl);
    close(cl->fd);
    free(cl->in);
    reply_put(c, cl->out);
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

bool client_in_group(const struct client *cl, gid_t gid)
{
    return in_group(cl->fd, gid, cl->gid);
}

/* A reply of our own for `cl`; `text` is ours now. */
static void queue_text(struct control *c, struct client *cl, char *text,
                       uint64_t now_ns)
{
    struct reply *r = reply_new(c, text, strlen(text));

    if ( !r )
    {
        cl->closing = true;
        return;
    }
    cl->out = r;
    cl->outoff = 0;
    cl->write_deadline_ns = now_ns + CONTROL_WRITE_NS;
}

/* A short error reply for the socket layer itself, then close. */
static void queue_error(struct control *c, struct client *cl,
                        const char *msg, uint64_t now_ns)
{
    json_t *r = json_pack("{s:i, s:b, s:s}", "version",
                          CONTROL_PROTO_VERSION, "ok", 0, "error", msg);
    char *t = r ? json_dumps(r, JSON_COMPACT) : NULL;

    json_decref(r);
    cl->closing = true;
    if ( t )
        queue_text(c, cl, t, now_ns);
}

static void refuse(int fd, const char *why)
{
    char msg[160];
    int n = snprintf(msg, sizeof(msg), "{\"version\":%d,\"ok\":false,"
                     "\"error\":\"%s\"}\n", CONTROL_PROTO_VERSION, why);

    (void)!send(fd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
    close(fd);
}

/*
 * Room for a client of `uid`?  Root always finds some: the last
 * CONTROL_ROOT_RESERVE slots are root's, and when every slot is taken,
 * the oldest other client makes way.  Others get CONTROL_MAX_PER_UID
 * each.  NULL if there is room, else why not.
 */
static const char *admit(struct control *c, uid_t uid)
{
    unsigned int i, same = 0, oldest = CONTROL_MAX_CLIENTS;
    unsigned int reserve = c->max_clients / 2 < CONTROL_ROOT_RESERVE ?
                           c->max_clients / 2 : CONTROL_ROOT_RESERVE;

    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
    {
        if ( !c->cl[i] )
            continue;
        same += c->cl[i]->uid == uid;
        if ( c->cl[i]->uid && (oldest == CONTROL_MAX_CLIENTS ||
             c->cl[i]->since_ns < c->cl[oldest]->since_ns) )
            oldest = i;
    }
    if ( uid == 0 )
    {
        if ( c->ncl < c->max_clients )
            return NULL;
        if ( oldest == CONTROL_MAX_CLIENTS )
            return "too many clients, try again later";
        client_drop(c, oldest, "making room for root");
        return NULL;
    }
    if ( same >= CONTROL_MAX_PER_UID )
        return "too many connections for this user, try again later";
    if ( c->ncl + reserve >= c->max_clients )
        return "too many clients, try again later";
    return NULL;
}

/* Returns false when there is nothing more to accept now. */
bool client_accept(struct control *c, uint64_t now_ns)
{
    struct ucred cr;
    socklen_t len = sizeof(cr);
    struct client *cl;
    const char *why;
    unsigned int slot;
    int fd;

    fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if ( fd < 0 )
    {
        if ( errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
             errno == ENOMEM )
        {
            /* The connection waits in the backlog; we wait a little. */
            log_fail(&c->accept_rl, LOG_WARNING, errno, "control socket "
                     "%s: cannot accept a connection; trying again in %llu "
                     "ms", c->path, CONTROL_ACCEPT_BACKOFF_NS / 1000000);
            c->accept_after_ns = now_ns + CONTROL_ACCEPT_BACKOFF_NS;
        }
        return false;
    }
    log_ok(&c->accept_rl, "control socket %s: accept", c->path);
    if ( getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 )
    {
        close(fd);
        return true;
    }
    why = admit(c, cr.uid);
    if ( why || !(cl = calloc(1, sizeof(*cl))) )
    {
        log_debug("control: connection of uid %u refused (%u clients): %s",
                  (unsigned int)cr.uid, c->ncl, why ? why : "no memory");
        refuse(fd, why ? why : "out of memory");
        return true;
    }
    cl->fd = fd;
    cl->uid = cr.uid;
    cl->pid = cr.pid;
    cl->gid = cr.gid;
    cl->wait = CONTROL_SHARED_NONE;
    cl->may_write = cr.uid == 0;
    cl->may_read = cr.uid == 0 || in_group(fd, c->gid, cr.gid);
    cl->deadline_ns = now_ns + CONTROL_IDLE_NS;
    cl->since_ns = now_ns;
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
    int shared;

    if ( cl->closing || cl->out || cl->wait != CONTROL_SHARED_NONE )
        return;
    nl = cl->inlen ? memchr(cl->in, '\n', cl->inlen) : NULL;
    if ( nl && !c->budget )
        return;                     /* next round: see control_pollfds() */
    if ( !nl )
    {
        if ( cl->inlen >= CONTROL_REQ_MAX )
            queue_error(c, cl, "request too long (limit 65536 bytes)",
                        now_ns);
        else if ( cl->eof && cl->inlen )
            queue_error(c, cl, "truncated request (no newline at the end)",
                        now_ns);
        else if ( cl->eof )
            cl->closing = true;
        return;
    }
    len = (size_t)(nl - cl->in);
    c->budget--;
    cl->deadline_ns = now_ns + CONTROL_IDLE_NS;
    reply = control_dispatch(&x, cl->in, len, cl->may_read, cl->may_write,
                             &close_after, &shared);
    cl->inlen -= len + 1;
    memmove(cl->in, nl + 1, cl->inlen);
    if ( shared != CONTROL_SHARED_NONE )
    {
        /* Built once for all who ask: control_build_run() answers. */
        cl->wait = shared;
        cl->wait_gen = d->gen;
        return;
    }
    if ( !reply )
    {
        queue_error(c, cl, "out of memory", now_ns);
        return;
    }
    if ( strlen(reply) > CONTROL_REPLY_MAX )
    {
        free(reply);
        queue_error(c, cl, "reply too large", now_ns);
        return;
    }
    queue_text(c, cl, reply, now_ns);
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

static bool do_write(struct control *c, struct client *cl, uint64_t now_ns)
{
    ssize_t n;

    while ( cl->outoff < cl->out->len )
    {
        n = send(cl->fd, cl->out->text + cl->outoff,
                 cl->out->len - cl->outoff, MSG_DONTWAIT | MSG_NOSIGNAL);
        if ( n < 0 )
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        cl->outoff += (size_t)n;
    }
    reply_put(c, cl->out);
    cl->out = NULL;
    cl->outoff = 0;
    cl->deadline_ns = now_ns + CONTROL_IDLE_NS;
    return true;
}

bool client_has_request(const struct client *cl)
{
    return !cl->closing && cl->wait == CONTROL_SHARED_NONE && cl->inlen &&
           memchr(cl->in, '\n', cl->inlen);
}

/* Write what can be written; false if the client was dropped. */
bool client_flush(struct control *c, unsigned int slot, uint64_t now_ns)
{
    struct client *cl = c->cl[slot];

    if ( cl->out && !do_write(c, cl, now_ns) )
    {
        client_drop(c, slot, "write error");
        return false;
    }
    if ( cl->closing && !cl->out )
    {
        client_drop(c, slot, "done");
        return false;
    }
    return true;
}

void client_event(struct control *c, unsigned int slot, short rev,
                         struct daemon *d, uint64_t now_ns)
{
    struct client *cl = c->cl[slot];

    /* Out of budget: leave its bytes in the kernel for the next round. */
    if ( !c->budget && !cl->out )
        return;
    if ( (rev & POLLIN) && !do_read(cl) )
    {
        client_drop(c, slot, "read error");
        return;
    }
    serve(c, cl, d, now_ns);
    /* Try at once: most replies fit in the socket buffer. */
    if ( !client_flush(c, slot, now_ns) )
        return;
    serve(c, cl, d, now_ns);                /* a pipelined next request */
    if ( !client_flush(c, slot, now_ns) )
        return;
    if ( (rev & (POLLERR | POLLHUP | POLLNVAL)) && !(rev & POLLIN) )
        client_drop(c, slot, "hung up");
}

/* Idle clients, and clients that do not read their reply, go. */
void client_drop_idle(struct control *c, uint64_t now_ns)
{
    unsigned int i;

    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
    {
        struct client *cl = c->cl[i];

        if ( !cl )
            continue;
        if ( cl->out && now_ns >= cl->write_deadline_ns )
            client_drop(c, i, "slow reader: reply not read in time");
        else if ( !cl->out && cl->wait == CONTROL_SHARED_NONE &&
                  now_ns >= cl->deadline_ns )
            client_drop(c, i, "idle timeout");
    }
}


/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control_build.c - the shared replies of the control socket (status,
 * metrics): one build per daemon generation, from a snapshot, a slice at
 * a time; and the reference-counted reply texts (see control_build.h).
 *
 * A build copies the domain arrays when it starts, so that polls may go
 * on while it is built and every reply shows one poll.  It starts again
 * if a reload replaces the configuration under it (class names live
 * there).  The text is composed piece by piece: the status reply as the
 * "daemon" object and one object per domain (control_cmd.c's), the
 * metrics reply as metrics.c's exposition written through a JSON string
 * escaper.  It must not read a request or touch a connection's socket:
 * control.c hands it the clients that wait.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clock.h"
#include "control_build.h"
#include "control_cmd.h"
#include "control_status.h"
#include "metrics.h"

#define TEXT_CHUNK      65536
#define DOMS_PER_STEP   64      /* between two looks at the clock */

/* ----------------------------------------------------------- replies */

struct reply *reply_new(struct control *c, char *text, size_t len)
{
    struct reply *r = malloc(sizeof(*r));
    char *t = r ? realloc(text, len + 1) : NULL;

    if ( !t )
    {
        free(r);
        free(text);
        return NULL;
    }
    t[len] = '\n';
    *r = (struct reply){ .refs = 1, .len = len + 1, .text = t };
    if ( c )
        c->out_bytes += r->len;
    return r;
}

void reply_put(struct control *c, struct reply *r)
{
    if ( !r || --r->refs )
        return;
    if ( c )
        c->out_bytes -= r->len;
    free(r->text);
    free(r);
}

/* ------------------------------------------------------------- text */

static int put(struct cbuild *b, const char *s, size_t n)
{
    size_t want = b->len + n + 1;
    char *t;

    if ( b->too_big || want > CONTROL_REPLY_MAX )
    {
        b->too_big = true;
        return -E2BIG;
    }
    if ( want > b->size )
    {
        size_t size = b->size ? b->size : TEXT_CHUNK;

        while ( size < want )
            size *= 2;
        t = realloc(b->text, size);
        if ( !t )
            return -ENOMEM;
        b->text = t;
        b->size = size;
    }
    memcpy(b->text + b->len, s, n);
    b->len += n;
    return 0;
}

static int puts_(struct cbuild *b, const char *s)
{
    return put(b, s, strlen(s));
}

/* The metrics text into a JSON string: what fopencookie() calls. */
static ssize_t esc_write(void *cookie, const char *buf, size_t n)
{
    struct cbuild *b = cookie;
    size_t i, run = 0;
    char u[8];

    for ( i = 0; i < n; i++ )
    {
        unsigned char ch = (unsigned char)buf[i];

        if ( ch >= 0x20 && ch != '"' && ch != '\\' )
            continue;
        if ( put(b, buf + run, i - run) )
            return -1;
        if ( ch == '\n' )
            snprintf(u, sizeof(u), "\\n");
        else if ( ch == '"' || ch == '\\' )
            snprintf(u, sizeof(u), "\\%c", ch);
        else
            snprintf(u, sizeof(u), "\\u%04x", ch);
        if ( puts_(b, u) )
            return -1;
        run = i + 1;
    }
    return put(b, buf + run, n - run) ? -1 : (ssize_t)n;
}

/* ----------------------------------------------------------- builds */

static void stop(struct cbuild *b)
{
    if ( b->esc )
        fclose(b->esc);
    b->esc = NULL;
    free(b->text);
    b->text = NULL;
    b->len = b->size = 0;
    b->active = false;
}

static int snapshot(struct cbuild *b, const struct daemon *d)
{
    if ( d->ndoms > b->room )
    {
        struct policy_sample *s = realloc(b->s, d->ndoms * sizeof(*s));
        struct policy_decision *dc;

        if ( !s )
            return -ENOMEM;
        b->s = s;
        dc = realloc(b->dc, d->ndoms * sizeof(*dc));
        if ( !dc )
            return -ENOMEM;
        b->dc = dc;
        b->room = d->ndoms;
    }
    if ( d->ndoms )
    {
        memcpy(b->s, d->samples, d->ndoms * sizeof(*b->s));
        memcpy(b->dc, d->decisions, d->ndoms * sizeof(*b->dc));
    }
    b->snap = *d;
    b->snap.samples = b->s;
    b->snap.decisions = b->dc;
    b->gen = d->gen;
    b->conf = d->conf;
    return 0;
}

/* The reply up to its domains: {"version":1,"ok":true,...,"domains":[ */
static int status_head(struct cbuild *b)
{
    json_t *rep = json_pack("{s:i, s:b, s:s}", "version",
                            CONTROL_PROTO_VERSION, "ok", 1, "command",
                            "status");
    json_t *dm;
    char *t;
    int rc;

    if ( !rep )
        return -ENOMEM;
    dm = control_status_daemon(&b->snap);
    status_add_daemon(rep, dm, &b->snap);   /* schema, cpupools, effects */
    json_object_set_new(rep, "daemon", dm);
    t = json_dumps(rep, JSON_COMPACT | JSON_REAL_PRECISION(9));
    json_decref(rep);
    if ( !t )
        return -ENOMEM;
    rc = put(b, t, strlen(t) - 1);          /* without the closing '}' */
    free(t);
    return rc ? rc : puts_(b, ",\"domains\":[");
}

static int start(struct cbuild *b, const struct daemon *d, int kind)
{
    static const cookie_io_functions_t io = { .write = esc_write };
    int rc;

    stop(b);
    rc = snapshot(b, d);
    if ( rc )
        return rc;
    b->active = true;
    b->too_big = false;
    b->pos = 0;
    b->mc = (struct metrics_cursor){ 0, 0 };
    if ( kind == CONTROL_SHARED_STATUS )
        return status_head(b);
    b->esc = fopencookie(b, "w", io);
    if ( !b->esc )
        return -ENOMEM;
    return puts_(b, "{\"version\":1,\"ok\":true,\"command\":\"metrics\","
                 "\"text\":\"");
}

/* Up to `n` domains further.  1: more to do, 0: done, -errno. */
static int step(struct cbuild *b, int kind, unsigned int n)
{
    int rc = 0;

    if ( kind == CONTROL_SHARED_METRICS )
    {
        rc = metrics_format_step(&b->snap, b->esc, &b->mc, n);
        if ( rc )
            return rc < 0 && b->too_big ? -E2BIG : rc;
        return puts_(b, "\"}");
    }
    for ( ; n && b->pos < b->snap.ndoms && !rc; n--, b->pos++ )
    {
        json_t *o = control_status_domain(&b->snap, b->pos);
        char *t = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(9))
                    : NULL;

        json_decref(o);
        if ( !t )
            return -ENOMEM;
        rc = (b->pos ? puts_(b, ",") : 0) ?: puts_(b, t);
        free(t);
    }
    if ( rc )
        return rc;
    return b->pos < b->snap.ndoms ? 1 : puts_(b, "]}");
}

/* The text of a build that failed: an error reply instead. */
static char *failed_text(int kind, int err, size_t *len)
{
    json_t *r = json_pack("{s:i, s:b, s:s}", "version", CONTROL_PROTO_VERSION,
                          "ok", 0, "command", kind == CONTROL_SHARED_STATUS ?
                          "status" : "metrics");
    char msg[128], *t;

    if ( err == -E2BIG )
        snprintf(msg, sizeof(msg), "reply too large (limit %d bytes)",
                 CONTROL_REPLY_MAX);
    else
        snprintf(msg, sizeof(msg), "%s: %s", kind == CONTROL_SHARED_STATUS ?
                 "status" : "metrics", strerror(-err));
    json_object_set_new(r, "error", json_string(msg));
    t = r ? json_dumps(r, JSON_COMPACT) : NULL;
    json_decref(r);
    *len = t ? strlen(t) : 0;
    return t;
}

/* Run build `b` to its end or `until_ns`: its text, or NULL if not done. */
static char *advance(struct cbuild *b, int kind, uint64_t until_ns,
                     size_t *len)
{
    char *t;
    int rc;

    do
        rc = step(b, kind, DOMS_PER_STEP);
    while ( rc > 0 && clock_mono_ns() < until_ns );
    if ( rc > 0 )
        return NULL;
    if ( rc < 0 )
    {
        stop(b);
        return failed_text(kind, rc, len);
    }
    if ( b->esc )
        fclose(b->esc);
    b->esc = NULL;
    t = b->text;
    *len = b->len;
    b->text = NULL;
    b->len = b->size = 0;
    b->active = false;
    return t;
}

char *control_build_now(const struct daemon *d, int kind)
{
    struct cbuild b;
    size_t len = 0;
    char *t;
    int rc;

    memset(&b, 0, sizeof(b));
    rc = start(&b, d, kind);
    t = rc ? (stop(&b), failed_text(kind, rc, &len))
           : advance(&b, kind, UINT64_MAX, &len);
    if ( t )
        t[len] = '\0';          /* room: the text was allocated larger */
    stop(&b);
    free(b.s);
    free(b.dc);
    return t;
}

/* ------------------------------------------------------ with clients */

/* The oldest generation a client waits for, or UINT64_MAX. */
static uint64_t wanted(const struct control *c, int kind)
{
    uint64_t g = UINT64_MAX;
    unsigned int i;

    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
        if ( c->cl[i] && c->cl[i]->wait == kind && c->cl[i]->wait_gen < g )
            g = c->cl[i]->wait_gen;
    return g;
}

/* Give `r` to every client waiting for generation `gen` or an older one. */
static void hand_out(struct control *c, int kind, struct reply *r,
                     uint64_t gen, bool stale)
{
    uint64_t deadline = clock_mono_ns() + CONTROL_WRITE_NS;
    unsigned int i;

    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
    {
        struct client *cl = c->cl[i];

        if ( !cl || cl->wait != kind || (cl->wait_gen > gen && !stale) ||
             cl->out )
            continue;
        r->refs++;
        cl->out = r;
        cl->outoff = 0;
        cl->wait = CONTROL_SHARED_NONE;
        cl->write_deadline_ns = deadline;
    }
}

static void finish(struct control *c, struct cbuild *b, int kind, char *t,
                   size_t len)
{
    struct reply *r = t ? reply_new(c, t, len) : NULL;

    if ( !r )
        return;                 /* out of memory: the waiters wait on */
    reply_put(c, b->done);
    b->done = r;
    b->done_gen = b->gen;
    b->last_len = r->len;
    hand_out(c, kind, r, b->gen, false);
}

/* May a new build of `b` start?  Not past CONTROL_OUT_MAX. */
static bool room_for(const struct control *c, const struct cbuild *b)
{
    return c->out_bytes + b->last_len <= CONTROL_OUT_MAX || !b->done;
}

bool control_build_run(struct control *c, const struct daemon *d,
                       uint64_t until_ns)
{
    bool more = false;
    size_t len;
    char *t;
    int kind;

    for ( kind = 0; kind < CONTROL_SHARED__COUNT; kind++ )
    {
        struct cbuild *b = &c->build[kind];
        uint64_t want = wanted(c, kind);

        if ( b->done && want <= b->done_gen )
            hand_out(c, kind, b->done, b->done_gen, false);
        want = wanted(c, kind);
        /* A reload freed the configuration the snapshot names. */
        if ( b->active && b->conf != d->conf )
            stop(b);
        if ( !b->active && want != UINT64_MAX )
        {
            if ( !room_for(c, b) )
            {
                /* Memory is short: the last reply, a little old. */
                hand_out(c, kind, b->done, b->done_gen, true);
                continue;
            }
            if ( start(b, d, kind) )
            {
                stop(b);
                continue;       /* out of memory: try again next round */
            }
        }
        if ( !b->active )
            continue;
        t = advance(b, kind, until_ns, &len);
        if ( t )
            finish(c, b, kind, t, len);
        more |= b->active || wanted(c, kind) != UINT64_MAX;
    }
    return more;
}

bool control_build_pending(const struct control *c)
{
    int kind;

    for ( kind = 0; kind < CONTROL_SHARED__COUNT; kind++ )
        if ( c->build[kind].active || wanted(c, kind) != UINT64_MAX )
            return true;
    return false;
}

void control_build_free(struct control *c)
{
    int kind;

    for ( kind = 0; kind < CONTROL_SHARED__COUNT; kind++ )
    {
        struct cbuild *b = &c->build[kind];

        stop(b);
        reply_put(c, b->done);
        free(b->s);
        free(b->dc);
        memset(b, 0, sizeof(*b));
    }
}

char *control_handle_request(struct daemon *d, const char *line, size_t len,
                             bool may_read, bool may_write)
{
    struct ctx x = { .d = d };
    bool close_after;
    int shared;
    char *out = control_dispatch(&x, line, len, may_read, may_write,
                                 &close_after, &shared);

    return shared == CONTROL_SHARED_NONE ? out : control_build_now(d, shared);
}

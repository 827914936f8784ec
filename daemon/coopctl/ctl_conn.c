/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl_conn.c - coopctl's side of the control socket: one JSON request
 * per line out, one reply per line in, with the checks a client owes a
 * daemon's reply (size, JSON, "ok"); the signals that end a live view;
 * and the one way out on a fatal error, which puts the terminal back
 * first.  It knows the daemon through control_proto.h only.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "control_proto.h"
#include "ctl_conn.h"

static const char *sock_path = CONTROL_DEFAULT_PATH;
static volatile sig_atomic_t stop;
/* Puts the terminal back (top) before a fatal message; or NULL. */
static void (*fatal_hook)(void);

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

void ctl_catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

void ctl_on_fatal(void (*hook)(void))
{
    fatal_hook = hook;
}

void ctl_die(const char *fmt, ...)
{
    va_list ap;

    if ( fatal_hook )
        fatal_hook();
    fputs("coopctl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(EXIT_FAILURE);
}

/* ------------------------------------------------------------ transport */

void ctl_conn_open(struct ctl_conn *c)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };

    memset(c, 0, sizeof(*c));
    if ( strlen(sock_path) >= sizeof(sun.sun_path) )
    {
        ctl_die("%s: socket path too long", sock_path);
    }
    strcpy(sun.sun_path, sock_path);
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if ( c->fd < 0 ||
         connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 )
    {
        int e = errno;

        ctl_die("cannot connect to %s: %s%s", sock_path, strerror(e),
                e == EACCES || e == EPERM ?
                " (root or the socket's group only)" :
                e == ENOENT || e == ECONNREFUSED ?
                " (is coopvmmd running?)" : "");
    }
}

void ctl_conn_close(struct ctl_conn *c)
{
    if ( c->fd >= 0 )
        close(c->fd);
    c->fd = -1;
    free(c->buf);
    c->buf = NULL;
    c->len = c->size = 0;
}

static void lost(const char *what)
{
    ctl_die("%s %s: %s", what, sock_path,
            errno ? strerror(errno) : "connection closed by coopvmmd");
}

/* Send one request object (consumed); exits on a transport error. */
void ctl_conn_send(struct ctl_conn *c, json_t *req)
{
    char *t;
    size_t n, off = 0;
    ssize_t w;

    json_object_set_new(req, "version", json_integer(CONTROL_PROTO_VERSION));
    t = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    if ( !t )
    {
        ctl_die("out of memory");
    }
    n = strlen(t);
    t[n++] = '\n';      /* json_dumps leaves room: replace the NUL */
    while ( off < n )
    {
        w = send(c->fd, t + off, n - off, MSG_NOSIGNAL);
        if ( w < 0 && errno == EINTR )
            continue;
        if ( w < 0 )
            lost("cannot write to");
        off += (size_t)w;
    }
    free(t);
}

/*
 * Every string a daemon sends, made safe to print: a control character
 * (C0, DEL, C1) becomes '?', so that no reply can move the cursor, clear
 * the screen or retitle the terminal.  Only the metrics text keeps its
 * newlines.  A real coopvmmd cleans names already; this is for the one
 * that is not (or is not coopvmmd).
 */
static void neutralise(json_t *j, bool keep_newline)
{
    const char *k;
    json_t *v;
    size_t i, n;
    char *t;

    if ( json_is_object(j) )
        json_object_foreach(j, k, v)
            neutralise(v, !strcmp(k, "text"));
    else if ( json_is_array(j) )
        json_array_foreach(j, i, v)
            neutralise(v, false);
    if ( !json_is_string(j) || !(t = strdup(json_string_value(j))) )
        return;
    for ( i = 0, n = strlen(t); i < n; i++ )
    {
        unsigned char ch = (unsigned char)t[i];

        if ( (ch < 0x20 && !(ch == '\n' && keep_newline)) || ch == 0x7f )
            t[i] = '?';
        else if ( ch == 0xc2 && i + 1 < n &&
                  (unsigned char)t[i + 1] >= 0x80 &&
                  (unsigned char)t[i + 1] <= 0x9f )
        {
            t[i] = '?';             /* U+0080..U+009F: C1, e.g. CSI */
            memmove(t + i + 1, t + i + 2, n - i - 1);
            n--;
        }
    }
    json_string_set(j, t);
    free(t);
}

/* Read one reply line and parse it; exits on a transport error. */
json_t *ctl_conn_recv(struct ctl_conn *c)
{
    json_error_t jerr;
    json_t *rep;
    char *nl;
    ssize_t r;

    while ( !(nl = c->len ? memchr(c->buf, '\n', c->len) : NULL) )
    {
        if ( c->size - c->len < 4096 )
        {
            if ( c->size > CONTROL_REPLY_MAX )
                ctl_die("reply too long");
            c->size = c->size ? c->size * 2 : 65536;
            c->buf = realloc(c->buf, c->size);
            if ( !c->buf )
                ctl_die("out of memory");
        }
        r = recv(c->fd, c->buf + c->len, c->size - c->len, 0);
        if ( r < 0 && errno == EINTR )
        {
            /* Only top and iotrace catch signals: Ctrl-C means "done". */
            if ( stop )
                exit(EXIT_SUCCESS);
            continue;
        }
        if ( r <= 0 )
        {
            if ( r == 0 )
                errno = 0;
            lost("lost the connection to");
        }
        c->len += (size_t)r;
    }
    rep = json_loadb(c->buf, (size_t)(nl - c->buf), 0, &jerr);
    c->len -= (size_t)(nl - c->buf) + 1;
    memmove(c->buf, nl + 1, c->len);
    if ( !json_is_object(rep) || !json_is_boolean(json_object_get(rep, "ok")) )
        ctl_die("malformed reply from coopvmmd: %s",
                rep ? "no \"ok\"" : jerr.text);
    neutralise(rep, false);
    return rep;
}

bool ctl_stopped(void)
{
    return stop;
}

void ctl_set_socket(const char *path)
{
    sock_path = path;
}

bool ctl_sleep(int ms)
{
    uint64_t end = clock_mono_ns() + (uint64_t)ms * 1000000, now;

    while ( !stop && (now = clock_mono_ns()) < end )
        poll(NULL, 0, (int)((end - now) / 1000000) + 1);
    return stop;
}

/* Print a failed reply's error (and reload's errors); false if failed. */
bool ctl_reply_ok(json_t *rep)
{
    json_t *errs = json_object_get(rep, "errors"), *e;
    const char *msg;
    size_t i;

    if ( json_is_true(json_object_get(rep, "ok")) )
        return true;
    msg = json_string_value(json_object_get(rep, "error"));
    fprintf(stderr, "coopctl: %s\n", msg ? msg : "request failed");
    json_array_foreach(errs, i, e)
        fprintf(stderr, "  %s\n", json_string_value(e));
    return false;
}

/* One request, one reply, on a connection of its own. */
json_t *ctl_request(json_t *req)
{
    struct ctl_conn c;
    json_t *rep;

    ctl_conn_open(&c);
    ctl_conn_send(&c, req);
    rep = ctl_conn_recv(&c);
    ctl_conn_close(&c);
    return rep;
}

int ctl_print_json(json_t *rep, size_t flags)
{
    int ok = json_is_true(json_object_get(rep, "ok"));

    json_dumpf(rep, stdout, flags | JSON_REAL_PRECISION(9));
    putchar('\n');
    if ( !ok )
        ctl_reply_ok(rep);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

json_t *ctl_status_request(void)
{
    json_t *rep = ctl_request(json_pack("{s:s}", "command", "status"));

    if ( !json_is_true(json_object_get(rep, "ok")) )
    {
        if ( fatal_hook )
            fatal_hook();
        ctl_reply_ok(rep);
        exit(EXIT_FAILURE);
    }
    return rep;
}

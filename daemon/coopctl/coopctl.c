/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * coopctl.c - the administrator's client of coopvmmd's control socket.
 *
 * Sends one JSON request per line and turns the JSON replies into text
 * (or prints them as they are with -j).  Commands dispatch through a
 * table and accept unambiguous prefixes, as ntpctl's do.  status and top
 * are shown by ctl_status.c and ctl_top.c.  coopctl links only jansson
 * and ncurses; it must not know the daemon's internals beyond the
 * protocol constants of control_proto.h (and the clock of clock.h).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "control_proto.h"
#include "coopctl.h"
#include "ctl_status.h"
#include "ctl_top.h"

#define TRACE_PERIOD_MS 200

static const char *sock_path = CONTROL_DEFAULT_PATH;
static bool json_out;
volatile sig_atomic_t ctl_stop;
/* Puts the terminal back (top) before a fatal message; or NULL. */
static void (*fatal_hook)(void);

struct conn {
    int fd;
    char *buf;
    size_t len, size;
};

static void on_signal(int sig)
{
    (void)sig;
    ctl_stop = 1;
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

static void conn_open(struct conn *c)
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

static void conn_close(struct conn *c)
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
static void conn_send(struct conn *c, json_t *req)
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

/* Read one reply line and parse it; exits on a transport error. */
static json_t *conn_recv(struct conn *c)
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
            if ( ctl_stop )
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
    return rep;
}

bool ctl_sleep(int ms)
{
    uint64_t end = clock_mono_ns() + (uint64_t)ms * 1000000, now;

    while ( !ctl_stop && (now = clock_mono_ns()) < end )
        poll(NULL, 0, (int)((end - now) / 1000000) + 1);
    return ctl_stop;
}

/* Print a failed reply's error (and reload's errors); false if failed. */
static bool reply_ok(json_t *rep)
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
static json_t *request(json_t *req)
{
    struct conn c;
    json_t *rep;

    conn_open(&c);
    conn_send(&c, req);
    rep = conn_recv(&c);
    conn_close(&c);
    return rep;
}

int ctl_print_json(json_t *rep, size_t flags)
{
    int ok = json_is_true(json_object_get(rep, "ok"));

    json_dumpf(rep, stdout, flags | JSON_REAL_PRECISION(9));
    putchar('\n');
    if ( !ok )
        reply_ok(rep);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * Send a request and show its reply: JSON with -j, else `show` on
 * success, else the error (reply_ok prints it).  The exit status.
 */
static int run_command(json_t *req, void (*show)(json_t *rep))
{
    json_t *rep = request(req);
    int rc = EXIT_SUCCESS;

    if ( json_out )
        rc = ctl_print_json(rep, JSON_INDENT(2));
    else if ( reply_ok(rep) )
        show(rep);
    else
        rc = EXIT_FAILURE;
    json_decref(rep);
    return rc;
}

static void show_message(json_t *rep)
{
    const char *msg = json_string_value(json_object_get(rep, "message"));

    if ( msg )
        printf("%s\n", msg);
}

/* A simple command: {"command": name} plus string arguments. */
static int simple(const char *cmd, const char *k1, const char *v1,
                  const char *k2, const char *v2)
{
    json_t *req = json_pack("{s:s}", "command", cmd);

    if ( k1 )
        json_object_set_new(req, k1, json_string(v1));
    if ( k2 )
        json_object_set_new(req, k2, json_string(v2));
    return run_command(req, show_message);
}

/* --------------------------------------------------------- status, top */

static void show_status(json_t *rep)
{
    ctl_status_print(stdout, rep);
}

static int do_status(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return run_command(json_pack("{s:s}", "command", "status"),
                       show_status);
}

json_t *ctl_status_request(void)
{
    json_t *rep = request(json_pack("{s:s}", "command", "status"));

    if ( !json_is_true(json_object_get(rep, "ok")) )
    {
        if ( fatal_hook )
            fatal_hook();
        reply_ok(rep);
        exit(EXIT_FAILURE);
    }
    return rep;
}

static int do_top(int argc, char **argv)
{
    long count = 0;
    char *end;

    if ( argc > 0 )
    {
        count = strtol(argv[0], &end, 10);
        if ( *end || count <= 0 )
        {
            fprintf(stderr, "coopctl: top: COUNT must be a positive number\n");
            return EXIT_FAILURE;
        }
    }
    return ctl_top(count, json_out);
}

/* -------------------------------------------------------------- iotrace */

/* A 64-bit value the daemon sends as hex text ("0x3f8"). */
static unsigned long long jhex(json_t *o, const char *k)
{
    return strtoull(ctl_jstr(o, k), NULL, 16);
}

static void print_trace(json_t *r, uint64_t *t0)
{
    uint64_t ts = (uint64_t)ctl_jint(r, "ts_ns");
    unsigned long long size = (unsigned long long)ctl_jint(r, "size");
    bool mmio = !strcmp(ctl_jstr(r, "kind"), "mmio");
    char addr[24], data[32];
    int digits = size >= 1 && size <= 8 ? (int)size * 2 : 16;

    if ( !*t0 )
        *t0 = ts;
    snprintf(addr, sizeof(addr), mmio ? "0x%012llx" : "0x%04llx",
             jhex(r, "addr"));
    if ( json_is_true(json_object_get(r, "data_is_ptr")) )
        snprintf(data, sizeof(data), "*0x%llx", jhex(r, "data"));
    else
        snprintf(data, sizeof(data), "0x%0*llx", digits, jhex(r, "data"));
    printf("%12.6f %4lld %-4s %-14s %-5s %4llu %5lld %-18s 0x%016llx %s\n",
           ts >= *t0 ? (double)(ts - *t0) / 1e9 : 0.0, ctl_jint(r, "vcpu"),
           mmio ? "MMIO" : "PIO", addr, ctl_jstr(r, "dir"), size,
           ctl_jint(r, "count"), data, jhex(r, "rip"), ctl_jstr(r, "handler"));
}

static int do_iotrace(int argc, char **argv)
{
    json_t *rep, *recs, *r;
    uint64_t t0 = 0;
    bool header = false;
    struct conn c;
    size_t i;
    int rc = EXIT_SUCCESS;

    (void)argc;
    ctl_catch_signals();
    signal(SIGPIPE, SIG_IGN);
    conn_open(&c);
    conn_send(&c, json_pack("{s:s, s:s}", "command", "iotrace", "domain",
                            argv[0]));
    for ( ;; )
    {
        rep = conn_recv(&c);
        if ( !reply_ok(rep) )
        {
            rc = EXIT_FAILURE;
            break;
        }
        if ( !header && !json_out )
        {
            fprintf(stderr, "iotrace of domain %lld (%s): Ctrl-C to stop\n",
                    ctl_jint(rep, "domid"), ctl_jstr(rep, "name"));
            printf("%12s %4s %-4s %-14s %-5s %4s %5s %-18s %-18s %s\n",
                   "TIME", "VCPU", "KIND", "ADDRESS", "DIR", "SIZE",
                   "COUNT", "DATA", "RIP", "HANDLER");
            header = true;
        }
        recs = json_object_get(rep, "records");
        json_array_foreach(recs, i, r)
        {
            if ( json_out )
            {
                json_dumpf(r, stdout, JSON_COMPACT);
                putchar('\n');
            }
            else
                print_trace(r, &t0);
        }
        if ( ctl_jint(rep, "overruns") && !json_out )
            printf("# %lld records lost (trace buffer full)\n",
                   ctl_jint(rep, "overruns"));
        json_decref(rep);
        if ( fflush(stdout) == EOF || ferror(stdout) )
            break;
        if ( ctl_sleep(TRACE_PERIOD_MS) )
            break;
        conn_send(&c, json_pack("{s:s}", "command", "iotrace"));
    }
    /* Closing the connection switches the trace off in coopvmmd. */
    conn_close(&c);
    return rc;
}

/* ------------------------------------------------------------- commands */

static void show_metrics(json_t *rep)
{
    fputs(ctl_jstr(rep, "text"), stdout);
}

static int do_metrics(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return run_command(json_pack("{s:s}", "command", "metrics"),
                       show_metrics);
}

static int do_reload(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return simple("reload", NULL, NULL, NULL, NULL);
}

static int do_pause(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return simple("pause", NULL, NULL, NULL, NULL);
}

static int do_resume(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return simple("resume", NULL, NULL, NULL, NULL);
}

static int do_pin(int argc, char **argv)
{
    (void)argc;
    return simple("pin", "domain", argv[0], "class", argv[1]);
}

static int do_unpin(int argc, char **argv)
{
    (void)argc;
    return simple("unpin", "domain", argv[0], NULL, NULL);
}

static const struct command {
    const char *name;
    int min, max;
    const char *args;
    int (*fn)(int argc, char **argv);
} commands[] = {
    { "status",  0, 0, "",             do_status },
    { "top",     0, 1, "[COUNT]",      do_top },
    { "reload",  0, 0, "",             do_reload },
    { "pause",   0, 0, "",             do_pause },
    { "resume",  0, 0, "",             do_resume },
    { "pin",     2, 2, "DOMAIN CLASS", do_pin },
    { "unpin",   1, 1, "DOMAIN",       do_unpin },
    { "metrics", 0, 0, "",             do_metrics },
    { "iotrace", 1, 1, "DOMAIN",       do_iotrace },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
    size_t i;

    fprintf(f, "usage: coopctl [-j] [-s SOCKET] [COMMAND [ARGS]]\n"
            "  -j, --json           print the daemon's JSON replies\n"
            "  -s, --socket SOCKET  default %s\n"
            "commands (unambiguous prefixes work; status is the default):\n",
            CONTROL_DEFAULT_PATH);
    for ( i = 0; i < NCOMMANDS; i++ )
        fprintf(f, "  %s%s%s\n", commands[i].name,
                *commands[i].args ? " " : "", commands[i].args);
}

/* Exact name, else the one command the prefix starts; NULL + message. */
static const struct command *lookup(const char *word)
{
    const struct command *hit = NULL;
    size_t i, n = strlen(word), nhit = 0;

    for ( i = 0; i < NCOMMANDS; i++ )
    {
        if ( !strcmp(word, commands[i].name) )
            return &commands[i];
        if ( n && !strncmp(word, commands[i].name, n) )
        {
            hit = &commands[i];
            nhit++;
        }
    }
    if ( nhit == 1 )
        return hit;
    if ( !nhit )
        fprintf(stderr, "coopctl: unknown command '%s' (try coopctl -h)\n",
                word);
    else
    {
        fprintf(stderr, "coopctl: ambiguous command '%s':", word);
        for ( i = 0; i < NCOMMANDS; i++ )
            if ( !strncmp(word, commands[i].name, n) )
                fprintf(stderr, " %s", commands[i].name);
        fputc('\n', stderr);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "json", no_argument, NULL, 'j' },
        { "socket", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const struct command *cmd;
    int ch, nargs;

    /* Names are UTF-8: measure them as the terminal shows them. */
    setlocale(LC_CTYPE, "");
    while ( (ch = getopt_long(argc, argv, "hjs:", lopts, NULL)) != -1 )
    {
        switch ( ch )
        {
        case 'j':
            json_out = true;
            break;
        case 's':
            sock_path = optarg;
            break;
        case 'h':
            usage(stdout);
            return EXIT_SUCCESS;
        default:
            usage(stderr);
            return EXIT_FAILURE;
        }
    }
    argc -= optind;
    argv += optind;
    cmd = argc ? lookup(argv[0]) : &commands[0];
    if ( !cmd )
        return EXIT_FAILURE;
    nargs = argc ? argc - 1 : 0;
    if ( nargs < cmd->min || nargs > cmd->max )
    {
        fprintf(stderr, "coopctl: usage: coopctl %s%s%s\n", cmd->name,
                *cmd->args ? " " : "", cmd->args);
        return EXIT_FAILURE;
    }
    return cmd->fn(nargs, argc ? argv + 1 : argv);
}

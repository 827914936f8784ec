/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * coopctl.c - the administrator's client of coopvmmd's control socket.
 *
 * Sends one JSON request per line and turns the JSON replies into text
 * (or prints them as they are with -j).  Commands dispatch through a
 * table and accept unambiguous prefixes, as ntpctl's do.  It links only
 * jansson and libc; it must not know the daemon's internals beyond the
 * protocol constants of control_proto.h (and the clock of clock.h).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "control_proto.h"

#define TRACE_PERIOD_MS 200

static const char *sock_path = CONTROL_DEFAULT_PATH;
static bool json_out;
static volatile sig_atomic_t stop;

struct conn {
    int fd;
    char *buf;
    size_t len, size;
};

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* ------------------------------------------------------------ transport */

static void conn_open(struct conn *c)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };

    memset(c, 0, sizeof(*c));
    if ( strlen(sock_path) >= sizeof(sun.sun_path) )
    {
        fprintf(stderr, "coopctl: %s: socket path too long\n", sock_path);
        exit(EXIT_FAILURE);
    }
    strcpy(sun.sun_path, sock_path);
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if ( c->fd < 0 ||
         connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 )
    {
        int e = errno;

        fprintf(stderr, "coopctl: cannot connect to %s: %s%s\n", sock_path,
                strerror(e), e == EACCES || e == EPERM ?
                " (root or the socket's group only)" :
                e == ENOENT || e == ECONNREFUSED ?
                " (is coopvmmd running?)" : "");
        exit(EXIT_FAILURE);
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
    fprintf(stderr, "coopctl: %s %s: %s\n", what, sock_path,
            errno ? strerror(errno) : "connection closed by coopvmmd");
    exit(EXIT_FAILURE);
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
        fprintf(stderr, "coopctl: out of memory\n");
        exit(EXIT_FAILURE);
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
            {
                fprintf(stderr, "coopctl: reply too long\n");
                exit(EXIT_FAILURE);
            }
            c->size = c->size ? c->size * 2 : 65536;
            c->buf = realloc(c->buf, c->size);
            if ( !c->buf )
            {
                fprintf(stderr, "coopctl: out of memory\n");
                exit(EXIT_FAILURE);
            }
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
    {
        fprintf(stderr, "coopctl: malformed reply from coopvmmd: %s\n",
                rep ? "no \"ok\"" : jerr.text);
        exit(EXIT_FAILURE);
    }
    neutralise(rep, false);
    return rep;
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

static int print_json(json_t *rep, size_t flags)
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
        rc = print_json(rep, JSON_INDENT(2));
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

/* --------------------------------------------------------------- status */

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));

    return s ? s : "";
}

static long long jint(json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

static void fmt_age(char *b, size_t n, double s)
{
    unsigned long long t = s > 0 ? (unsigned long long)s : 0;

    if ( t < 60 )
        snprintf(b, n, "%llus", t);
    else if ( t < 3600 )
        snprintf(b, n, "%llum%02llus", t / 60, t % 60);
    else if ( t < 86400 )
        snprintf(b, n, "%lluh%02llum", t / 3600, t % 3600 / 60);
    else
        snprintf(b, n, "%llud%02lluh", t / 86400, t % 86400 / 3600);
}

static void fmt_rate(char *b, size_t n, json_t *v)
{
    double x;

    if ( !json_is_number(v) )
    {
        snprintf(b, n, "-");
        return;
    }
    x = json_number_value(v);
    snprintf(b, n, x < 1000 ? "%.1f" : "%.0f", x);
}

static void join_list(char *b, size_t n, json_t *a)
{
    size_t i, off = 0;
    json_t *e;

    b[0] = '\0';
    json_array_foreach(a, i, e)
        if ( off < n )
            off += (size_t)snprintf(b + off, n - off, "%s%s", i ? "," : "",
                                    json_string_value(e));
    if ( !b[0] )
        snprintf(b, n, "none");
}

static void print_summary(json_t *dm)
{
    char sig[64];
    const char *detail = jstr(dm, "detail");

    join_list(sig, sizeof(sig), json_object_get(dm, "signals"));
    printf("coopvmmd %s: backend %s, schedulers %s, interval %lld ms, %s%s, "
           "%lld/%lld domains managed, signals %s%s%s%s\n",
           jstr(dm, "version"), jstr(dm, "backend"),
           *jstr(dm, "schedulers") ? jstr(dm, "schedulers") : "-",
           jint(dm, "interval_ms"),
           json_is_true(json_object_get(dm, "paused")) ? "paused" : "active",
           json_is_true(json_object_get(dm, "dry_run")) ? ", dry-run" : "",
           jint(dm, "managed"), jint(dm, "domains"), sig,
           *detail ? " (" : "", detail, *detail ? ")" : "");
}

#define ROW_FMT "%5s %-16.16s %-10s %-16s %14s %9s %9s %6s %13s %11s\n"

static void print_domain(json_t *o)
{
    char cpupool[48], cls[96], age[32], io[64], share[24], vbd[48], net[48];
    char cpu[48], w[48], cap[48], id[24];
    json_t *sh = json_object_get(o, "ioreq_dm_share");

    snprintf(id, sizeof(id), "%lld", jint(o, "domid"));
    snprintf(cpupool, sizeof(cpupool), "%lld/%s", jint(o, "pool"),
             jstr(o, "sched"));
    fmt_age(age, sizeof(age), json_number_value(json_object_get(o,
                                                   "class_age_s")));
    if ( json_is_true(json_object_get(o, "managed")) )
        snprintf(cls, sizeof(cls), "%s%s (%s)", jstr(o, "class"),
                 json_is_true(json_object_get(o, "pinned")) ? "*" : "", age);
    else
        snprintf(cls, sizeof(cls), "(%s)", jstr(o, "unmanaged"));
    fmt_rate(io, sizeof(io), json_object_get(o, "ioreq_per_s"));
    if ( json_is_number(sh) )
    {
        snprintf(share, sizeof(share), " (%.0f%%)",
                 json_number_value(sh) * 100);
        strncat(io, share, sizeof(io) - strlen(io) - 1);
    }
    fmt_rate(vbd, sizeof(vbd), json_object_get(o, "vbd_iops"));
    fmt_rate(net, sizeof(net), json_object_get(o, "net_pkts_per_s"));
    fmt_rate(cpu, sizeof(cpu), json_object_get(o, "cpu_pct"));
    snprintf(w, sizeof(w), "%lld->%lld", jint(o, "base_weight"),
             jint(o, "weight"));
    snprintf(cap, sizeof(cap), "%lld->%lld", jint(o, "base_cap"),
             jint(o, "cap"));
    printf(ROW_FMT, id, jstr(o, "name"), cpupool, cls, io, vbd, net, cpu, w,
           cap);
}

static void print_status(json_t *rep)
{
    json_t *doms = json_object_get(rep, "domains"), *o;
    size_t i;

    print_summary(json_object_get(rep, "daemon"));
    printf(ROW_FMT, "DOMID", "NAME", "POOL/SCHED", "CLASS (since)",
           "IOREQ/s (DM)", "VBD IOPS", "NET pkt/s", "CPU%",
           "WEIGHT base->now", "CAP base->now");
    json_array_foreach(doms, i, o)
        print_domain(o);
}

static int do_status(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return run_command(json_pack("{s:s}", "command", "status"), print_status);
}

/* ------------------------------------------------------------------ top */

static struct termios saved_tio;
static bool tio_saved;

static void term_restore(void)
{
    if ( !tio_saved )
        return;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
    fputs("\033[?25h\033[?1049l", stdout);  /* cursor back, main screen */
    fflush(stdout);
    tio_saved = false;
}

static bool term_setup(void)
{
    const char *term = getenv("TERM");
    struct termios t;

    if ( !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || !term ||
         !*term || !strcmp(term, "dumb") ||
         tcgetattr(STDIN_FILENO, &saved_tio) < 0 )
        return false;
    t = saved_tio;
    t.c_lflag &= ~(ICANON | ECHO);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if ( tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) < 0 )
        return false;
    tio_saved = true;
    atexit(term_restore);
    fputs("\033[?1049h\033[?25l", stdout);  /* alternate screen, no cursor */
    return true;
}

/* Wait `ms`; true if the user asked to quit (q) or a signal came. */
static bool wait_key(bool tty, int ms)
{
    struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
    uint64_t end = clock_mono_ns() + (uint64_t)ms * 1000000, now;
    char ch;
    int left = ms;

    while ( !stop && left > 0 )
    {
        if ( poll(&p, tty ? 1 : 0, left) > 0 &&
             read(STDIN_FILENO, &ch, 1) == 1 && (ch == 'q' || ch == 'Q') )
            return true;
        now = clock_mono_ns();
        left = now < end ? (int)((end - now) / 1000000) : 0;
    }
    return stop;
}

static int do_top(int argc, char **argv)
{
    long count = 0, done = 0;
    bool tty;
    json_t *rep;
    long long ms;
    char *end;
    time_t t;

    if ( argc > 0 )
    {
        count = strtol(argv[0], &end, 10);
        if ( *end || count <= 0 )
        {
            fprintf(stderr, "coopctl: top: COUNT must be a positive number\n");
            return EXIT_FAILURE;
        }
    }
    catch_signals();
    tty = !json_out && term_setup();
    for ( ;; )
    {
        rep = request(json_pack("{s:s}", "command", "status"));
        if ( !json_is_true(json_object_get(rep, "ok")) )
        {
            term_restore();
            reply_ok(rep);
            json_decref(rep);
            return EXIT_FAILURE;
        }
        ms = jint(json_object_get(rep, "daemon"), "interval_ms");
        if ( tty )
        {
            t = time(NULL);
            fputs("\033[H\033[2J", stdout);
            printf("coopctl top - %.24s - q to quit\n", ctime(&t));
        }
        if ( json_out )
            print_json(rep, JSON_COMPACT);
        else
            print_status(rep);
        if ( !tty && !json_out )
            putchar('\n');
        fflush(stdout);
        json_decref(rep);
        if ( (count && ++done >= count) )
            break;
        if ( wait_key(tty, (int)(ms < 200 ? 200 : ms > 60000 ? 60000 : ms)) )
            break;
    }
    term_restore();
    return EXIT_SUCCESS;
}

/* -------------------------------------------------------------- iotrace */

/* A 64-bit value the daemon sends as hex text ("0x3f8"). */
static unsigned long long jhex(json_t *o, const char *k)
{
    return strtoull(jstr(o, k), NULL, 16);
}

static void print_trace(json_t *r, uint64_t *t0)
{
    uint64_t ts = (uint64_t)jint(r, "ts_ns");
    unsigned long long size = (unsigned long long)jint(r, "size");
    bool mmio = !strcmp(jstr(r, "kind"), "mmio");
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
           ts >= *t0 ? (double)(ts - *t0) / 1e9 : 0.0, jint(r, "vcpu"),
           mmio ? "MMIO" : "PIO", addr, jstr(r, "dir"), size,
           jint(r, "count"), data, jhex(r, "rip"), jstr(r, "handler"));
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
    catch_signals();
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
                    jint(rep, "domid"), jstr(rep, "name"));
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
        if ( jint(rep, "overruns") && !json_out )
            printf("# %lld records lost (trace buffer full)\n",
                   jint(rep, "overruns"));
        json_decref(rep);
        if ( fflush(stdout) == EOF || ferror(stdout) )
            break;
        if ( wait_key(false, TRACE_PERIOD_MS) )
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
    fputs(jstr(rep, "text"), stdout);
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

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * coopctl.c - the administrator's client of coopvmmd's control socket.
 *
 * Sends one JSON request per line and turns the JSON replies into text
 * (or prints them as they are with -j).  Commands dispatch through a
 * table and accept unambiguous prefixes, as ntpctl's do.  The transport
 * is ctl_conn.c's; status and top are shown by ctl_status.c and
 * ctl_top.c.  coopctl links only jansson
 * and ncurses; it must not know the daemon's internals beyond the
 * protocol constants of control_proto.h (and the clock of clock.h).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <locale.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "control_proto.h"
#include "ctl_conn.h"
#include "ctl_status.h"
#include "ctl_top.h"

#define TRACE_PERIOD_MS 200

static bool json_out;

/*
 * Send a request and show its reply: JSON with -j, else `show` on
 * success, else the error (ctl_reply_ok prints it).  The exit status.
 */
static int run_command(json_t *req, void (*show)(json_t *rep))
{
    json_t *rep = ctl_request(req);
    int rc = EXIT_SUCCESS;

    if ( json_out )
        rc = ctl_print_json(rep, JSON_INDENT(2));
    else if ( ctl_reply_ok(rep) )
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
    struct ctl_conn c;
    size_t i;
    int rc = EXIT_SUCCESS;

    (void)argc;
    ctl_catch_signals();
    signal(SIGPIPE, SIG_IGN);
    ctl_conn_open(&c);
    ctl_conn_send(&c, json_pack("{s:s, s:s}", "command", "iotrace", "domain",
                            argv[0]));
    for ( ;; )
    {
        rep = ctl_conn_recv(&c);
        if ( !ctl_reply_ok(rep) )
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
        ctl_conn_send(&c, json_pack("{s:s}", "command", "iotrace"));
    }
    /* Closing the connection switches the trace off in coopvmmd. */
    ctl_conn_close(&c);
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
            ctl_set_socket(optarg);
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

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * coopvmmd.c - the daemon: options, start-up, the poll() loop, signals.
 * What a poll does, and every change of the daemon's state, is
 * daemon.c's; this file decides when.
 *
 * Signal handlers only set flags; the loop acts on them between polls.
 * Start-up order: root check, config, pidfile lock, backend, daemonise,
 * pidfile contents last.  Every exit path restores base values unless the
 * configuration says otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "actuator.h"
#include "clock.h"
#include "conf.h"
#include "conf_dump.h"
#include "control.h"
#include "daemon.h"
#include "log.h"
#include "record.h"
#include "replay.h"
#include "report.h"
#include "state.h"
#include "version.h"
#include "xen.h"

#define DEFAULT_PIDFILE "/run/coopvmmd.pid"
#define MAX_POLLFDS     (CONTROL_MAX_POLLFDS + 1)

static volatile sig_atomic_t sig_hup, sig_term;

struct opts {
    const char *conf_path, *pidfile, *socket, *backend, *replay, *record;
    const char *report, *compare;
    double speed;
    bool check_only, foreground, dry_run;
    int verbose;
};

static void on_signal(int sig)
{
    if ( sig == SIGHUP )
        sig_hup = 1;
    else
        sig_term = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
"usage: coopvmmd [-dnv] [-f file] [-p pidfile] [-s socket]\n"
"                [--backend xen|replay] [--replay file [--speed N|max]]\n"
"                [--record file] [--dry-run]\n"
"       coopvmmd [-v] [-f file] --replay file --report dir [--compare file]\n"
"  -f, --config FILE   configuration (default " CONF_DEFAULT_PATH ")\n"
"  -d, --foreground    stay in the foreground, log to stderr\n"
"  -n, --check         check the configuration and exit\n"
"  -v, --verbose       more output (-n: print the effective policy)\n"
"  -p, --pidfile FILE  pid file (default " DEFAULT_PIDFILE ")\n"
"  -s, --socket PATH   control socket (default: from the configuration)\n"
"      --backend NAME  xen (default) or replay\n"
"      --replay FILE   play a recording (implies --backend replay)\n"
"      --speed N|max   replay pace: N times the recorded one, or max\n"
"      --record FILE   append every poll's samples to a recording\n"
"      --dry-run       log what would change; change nothing\n"
"      --report DIR    with --replay: write a report of what the policy\n"
"                      did (DIR/index.html, CSV) and exit\n"
"      --compare FILE  with --report: a second policy, side by side\n"
"  -V, --version       print the version\n");
}

static int parse_speed(const char *arg, double *speed)
{
    char *end;

    if ( !strcmp(arg, "max") )
    {
        *speed = 0;
        return 0;
    }
    *speed = strtod(arg, &end);
    return *end || !(*speed > 0) ? -1 : 0;
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {
        { "config", required_argument, NULL, 'f' },
        { "foreground", no_argument, NULL, 'd' },
        { "check", no_argument, NULL, 'n' },
        { "verbose", no_argument, NULL, 'v' },
        { "pidfile", required_argument, NULL, 'p' },
        { "socket", required_argument, NULL, 's' },
        { "backend", required_argument, NULL, 'B' },
        { "replay", required_argument, NULL, 'R' },
        { "speed", required_argument, NULL, 'S' },
        { "record", required_argument, NULL, 'W' },
        { "dry-run", no_argument, NULL, 'D' },
        { "report", required_argument, NULL, 'O' },
        { "compare", required_argument, NULL, 'C' },
        { "version", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    *o = (struct opts){ .conf_path = CONF_DEFAULT_PATH,
                        .pidfile = DEFAULT_PIDFILE, .speed = 1 };
    while ( (c = getopt_long(argc, argv, "f:dnvp:s:Vh", lo, NULL)) != -1 )
    {
        switch ( c )
        {
        case 'f': o->conf_path = optarg; break;
        case 'd': o->foreground = true; break;
        case 'n': o->check_only = true; break;
        case 'v': o->verbose++; break;
        case 'p': o->pidfile = optarg; break;
        case 's': o->socket = optarg; break;
        case 'B': o->backend = optarg; break;
        case 'R': o->replay = optarg; break;
        case 'W': o->record = optarg; break;
        case 'D': o->dry_run = true; break;
        case 'O': o->report = optarg; break;
        case 'C': o->compare = optarg; break;
        case 'S':
            if ( parse_speed(optarg, &o->speed) )
            {
                fprintf(stderr, "coopvmmd: --speed takes a number > 0 or "
                        "\"max\", not \"%s\"\n", optarg);
                exit(1);
            }
            break;
        case 'V': printf("coopvmmd %s\n", daemon_version); exit(0);
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); exit(1);
        }
    }
    if ( optind != argc )
    {
        usage(stderr);
        exit(1);
    }
    if ( (o->report && !o->replay) || (o->compare && !o->report) )
    {
        fprintf(stderr, "coopvmmd: --report needs --replay FILE, and "
                "--compare needs --report DIR\n");
        exit(1);
    }
    if ( !o->backend )
        o->backend = o->replay ? "replay" : "xen";
    if ( strcmp(o->backend, "xen") && strcmp(o->backend, "replay") )
    {
        fprintf(stderr, "coopvmmd: unknown backend \"%s\" (xen or replay)\n",
                o->backend);
        exit(1);
    }
    if ( !strcmp(o->backend, "replay") && !o->replay )
    {
        fprintf(stderr, "coopvmmd: --backend replay needs --replay FILE\n");
        exit(1);
    }
}

/* -n: check the file, print errors or (with -v) the effective policy. */
static int check_config(const struct opts *o)
{
    struct conf *c;
    char *errors = NULL;

    if ( conf_load(o->conf_path, &c, &errors) )
    {
        fputs(errors ? errors : "configuration is not valid\n", stderr);
        free(errors);
        return 1;
    }
    if ( o->verbose )
        conf_dump(c, stdout);
    printf("configuration OK\n");
    conf_free(c);
    return 0;
}

/* Lock the pidfile now; its contents are written last. */
static int pidfile_lock(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    char buf[32] = "";

    if ( fd < 0 )
        fatal("cannot open the pid file %s", path);
    if ( flock(fd, LOCK_EX | LOCK_NB) )
    {
        if ( errno == EWOULDBLOCK )
        {
            ssize_t r = read(fd, buf, sizeof(buf) - 1);

            buf[r > 0 ? r : 0] = '\0';
            buf[strcspn(buf, "\n")] = '\0';
            fatalx("coopvmmd is already running (pid %s, pid file %s)",
                   buf[0] ? buf : "?", path);
        }
        fatal("cannot lock the pid file %s", path);
    }
    return fd;
}

static void pidfile_write(int fd, const char *path)
{
    char buf[32];
    int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

    if ( ftruncate(fd, 0) || pwrite(fd, buf, len, 0) != len )
        fatal("cannot write the pid file %s", path);
}

static void banner(const struct daemon *d)
{
    const struct backend_info *bi = &d->info;

    log_notice("coopvmmd %s started: backend %s, schedulers %s, signals: "
               "cpu %s, ioreq %s, runstate %s, vbd %s, net %s, dm %s; "
               "policy %s, interval %llu ms%s%s%s", daemon_version,
               d->ops->name, bi->scheds[0] ? bi->scheds : "-",
               bi->signals & POLICY_HAS_CPU ? "yes" : "no",
               bi->signals & POLICY_HAS_IOREQ ? "yes" : "MISSING",
               bi->signals & POLICY_HAS_RUNSTATE ? "yes" : "MISSING",
               bi->signals & POLICY_HAS_VBD ? "yes" : "no",
               bi->signals & POLICY_HAS_NET ? "yes" : "no",
               bi->signals & POLICY_HAS_DM ? "yes" : "no", d->conf->name,
               (unsigned long long)(d->conf->interval_ns / 1000000),
               d->dry_run ? ", dry run" : "", bi->detail[0] ? "; " : "",
               bi->detail);
}

static void setup_signals(sigset_t *unblocked)
{
    struct sigaction sa;
    sigset_t block;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Blocked except inside ppoll(): no flag is missed between checks. */
    sigemptyset(&block);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, unblocked);
    sigdelset(unblocked, SIGHUP);
    sigdelset(unblocked, SIGTERM);
    sigdelset(unblocked, SIGINT);
}

/* Until the next poll, or sooner if a control client needs a timeout. */
static int64_t next_wait(struct control *ctl, uint64_t deadline)
{
    uint64_t now = clock_mono_ns();
    int64_t wait = deadline > now ? (int64_t)(deadline - now) : 0;
    int ms = control_timeout_ms(ctl, now);

    if ( ms >= 0 && (int64_t)ms * 1000000 < wait )
        wait = (int64_t)ms * 1000000;
    return wait;
}

static void schedule_next(struct daemon *d, uint64_t *deadline)
{
    int64_t delay = d->ops->next_delay ? d->ops->next_delay(d->be) : -1;
    uint64_t now = clock_mono_ns();

    if ( delay >= 0 )
    {
        *deadline = now + delay;
        return;
    }
    /* Fixed-rate ticks; after a long stall, start again from now. */
    *deadline += d->conf->interval_ns;
    if ( *deadline < now )
        *deadline = now + d->conf->interval_ns;
}

static void main_loop(struct daemon *d, struct control *ctl,
                      const sigset_t *unblocked)
{
    struct pollfd pfd[MAX_POLLFDS];
    uint64_t deadline = clock_mono_ns();

    for ( ;; )
    {
        int64_t wait = next_wait(ctl, deadline);
        struct timespec ts = { wait / 1000000000, wait % 1000000000 };
        unsigned int n = 0;
        int wfd = d->ops->watch_fd ? d->ops->watch_fd(d->be) : -1, rc;

        if ( wfd >= 0 )
            pfd[n++] = (struct pollfd){ .fd = wfd, .events = POLLIN };
        n += control_pollfds(ctl, pfd + n, MAX_POLLFDS - n);
        rc = ppoll(pfd, n, &ts, unblocked);
        if ( rc < 0 && errno != EINTR )
            fatal("ppoll");
        if ( sig_term )
        {
            log_notice("terminating on signal");
            return;
        }
        if ( sig_hup )
        {
            sig_hup = 0;
            daemon_reload(d, NULL);
        }
        /* Also on a timeout: control deadlines (idle clients) are due. */
        if ( rc >= 0 )
        {
            unsigned int first = 0;

            if ( wfd >= 0 )
            {
                first = 1;
                if ( pfd[0].revents && d->ops->watch_drain )
                    d->ops->watch_drain(d->be);
            }
            control_events(ctl, pfd + first, n - first, d, clock_mono_ns());
        }
        if ( clock_mono_ns() < deadline )
            continue;
        rc = daemon_poll(d);
        if ( rc == -ENODATA )
        {
            log_notice("end of the recording after %llu polls",
                       (unsigned long long)d->stats.polls);
            return;
        }
        if ( rc < 0 )
            return;         /* the data cannot be read on: reported */
        schedule_next(d, &deadline);
    }
}

static void run(struct daemon *d, const struct opts *o)
{
    struct backend_args ba = { .replay_path = o->replay,
                               .speed = o->speed, .max_domains = 256 };
    struct control *ctl = NULL;
    sigset_t unblocked;
    int pidfd, rc;

    pidfd = pidfile_lock(o->pidfile);
    rc = d->ops->open(&d->be, &ba);
    if ( rc )
        fatalx("cannot start the %s backend", d->ops->name);
    d->ops->info(d->be, &d->info);
    d->ndoms_max = ba.max_domains;
    d->samples = calloc(d->ndoms_max, sizeof(*d->samples));
    d->decisions = calloc(d->ndoms_max, sizeof(*d->decisions));
    d->state = state_open(d->conf->state_file);
    d->pe = policy_new(&d->conf->policy, d->ndoms_max);
    if ( !d->samples || !d->decisions || !d->state || !d->pe )
        fatalx("out of memory");
    if ( o->record && !(d->rec = record_open(o->record, &d->info)) )
        fatalx("cannot record to %s", o->record);
    if ( control_open(&ctl, o->socket ? o->socket : d->conf->socket_path,
                      d->conf->socket_group) )
        fatalx("cannot open the control socket");
    if ( !o->foreground )
    {
        if ( daemon(0, 0) )
            fatal("daemon");
        log_detached();
    }
    pidfile_write(pidfd, o->pidfile);
    setup_signals(&unblocked);
    d->stats.start_ns = clock_mono_ns();
    banner(d);
    main_loop(d, ctl, &unblocked);
    if ( d->conf->restore_on_exit )
        act_restore_all(d);
    else
        log_notice("restore-on-exit is off: current values left in place");
    state_save(d->state);
    control_close(ctl, d);
    record_close(d->rec);
    d->ops->close(d->be);
    policy_free(d->pe);
    state_close(d->state);
    free(d->samples);
    free(d->decisions);
    free(d->verdicts);
    conf_free(d->conf);
    unlink(o->pidfile);
    close(pidfd);
    log_notice("coopvmmd stopped");
}

int main(int argc, char **argv)
{
    struct daemon d;
    struct opts o;
    char *errors = NULL;

    parse_opts(argc, argv, &o);
    if ( o.check_only )
        return check_config(&o);
    if ( o.report )
        return report_run(&(struct report_args){
            .conf_path = o.conf_path, .compare_path = o.compare,
            .replay_path = o.replay, .dir = o.report, .verbose = o.verbose });
    if ( !strcmp(o.backend, "xen") && geteuid() != 0 )
    {
        fprintf(stderr, "coopvmmd: must be run as root (the xen backend "
                "needs /dev/xen/privcmd)\n");
        return 1;
    }
    memset(&d, 0, sizeof(d));
    d.conf_path = o.conf_path;
    d.verbose = o.verbose;
    if ( conf_load(o.conf_path, &d.conf, &errors) )
    {
        fputs(errors ? errors : "configuration is not valid\n", stderr);
        free(errors);
        return 1;
    }
    d.ops = !strcmp(o.backend, "xen") ? &backend_xen : &backend_replay;
    d.dry_run_forced = o.dry_run;
    d.dry_run = o.dry_run || d.conf->dry_run;
    log_init(o.foreground, daemon_log_level(d.conf, o.verbose));
    run(&d, &o);
    return 0;
}

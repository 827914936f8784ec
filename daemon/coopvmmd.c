/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * coopvmmd.c - the daemon: options, start-up, the poll() loop, signals.
 * What a poll does, and every change of the daemon's state, is
 * daemon.c's; this file decides when.
 *
 * Signal handlers only set flags; the loop acts on them between polls.
 * Start-up order: umask, options (every path made absolute: the daemon
 * changes directory), root check, config, pidfile lock, backend,
 * daemonise, pidfile contents last.  A failed start leaves no pid file.
 * Every exit path restores base values unless the configuration says
 * otherwise; the exit status says whether the run ended well (a damaged
 * recording does not).
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
#include "file.h"
#include "log.h"
#include "metrics_file.h"
#include "record.h"
#include "replay.h"
#include "report.h"
#include "state.h"
#include "version.h"
#include "xen.h"

#define DEFAULT_PIDFILE "/run/coopvmmd.pid"
#define MAX_POLLFDS     (CONTROL_MAX_POLLFDS + 1)
/* --speed: a pace the clock arithmetic holds (a poll a day .. 10^6 x). */
#define SPEED_MIN       1e-3
#define SPEED_MAX       1e6

static volatile sig_atomic_t sig_hup, sig_term;

struct opts {
    char *conf_path, *pidfile, *socket, *replay, *record;  /* absolute */
    char *state, *replay_host, *report, *compare;           /* absolute */
    char *metrics_file;                                     /* absolute */
    const char *backend;
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
"usage: coopvmmd [-dnv] [-f file] [-p pidfile] [-s socket] [--state file]\n"
"                [--metrics-file file]\n"
"                [--backend xen|replay] [--replay file [--speed N|max]\n"
"                [--replay-host file]] [--record file] [--dry-run]\n"
"       coopvmmd [-v] [-f file] --replay file --report dir [--compare file]\n"
"  -f, --config FILE   configuration (default " CONF_DEFAULT_PATH ")\n"
"  -d, --foreground    stay in the foreground, log to stderr\n"
"  -n, --check         check the configuration and exit\n"
"  -v, --verbose       more output (-n: print the effective policy)\n"
"  -p, --pidfile FILE  pid file (default " DEFAULT_PIDFILE "; replay: none)\n"
"  -s, --socket PATH   control socket (default: from the configuration;\n"
"                      replay: none)\n"
"      --state FILE    state file (default: from the configuration;\n"
"                      replay: in memory)\n"
"      --metrics-file FILE  metrics file (default: from the configuration;\n"
"                      replay: none)\n"
"      --backend NAME  xen (default) or replay\n"
"      --replay FILE   play a recording (implies --backend replay)\n"
"      --speed N|max   replay pace: N times the recorded one, or max\n"
"      --replay-host FILE  keep the replay's host (weights, caps) in FILE\n"
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
    return *end || end == arg || !(*speed >= SPEED_MIN) ||
           !(*speed <= SPEED_MAX) ? -1 : 0;
}

/* An option's path, absolute: the daemon changes to / when detaching. */
static char *abs_opt(const char *arg)
{
    char *p = arg ? file_abs_path(arg) : NULL;

    if ( arg && !p )
    {
        fprintf(stderr, "coopvmmd: %s: cannot make the path absolute: %s\n",
                arg, strerror(errno));
        exit(1);
    }
    return p;
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
        { "state", required_argument, NULL, 'T' },
        { "metrics-file", required_argument, NULL, 'M' },
        { "replay-host", required_argument, NULL, 'H' },
        { "dry-run", no_argument, NULL, 'D' },
        { "report", required_argument, NULL, 'O' },
        { "compare", required_argument, NULL, 'C' },
        { "version", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    const char *conf_path = CONF_DEFAULT_PATH, *pidfile = NULL;
    const char *sock = NULL, *replay = NULL, *record = NULL;
    const char *state = NULL, *replay_host = NULL, *metrics = NULL;
    const char *report = NULL, *compare = NULL;

    *o = (struct opts){ .speed = 1 };
    while ( (c = getopt_long(argc, argv, "f:dnvp:s:Vh", lo, NULL)) != -1 )
    {
        switch ( c )
        {
        case 'f': conf_path = optarg; break;
        case 'd': o->foreground = true; break;
        case 'n': o->check_only = true; break;
        case 'v': o->verbose++; break;
        case 'p': pidfile = optarg; break;
        case 's': sock = optarg; break;
        case 'B': o->backend = optarg; break;
        case 'R': replay = optarg; break;
        case 'W': record = optarg; break;
        case 'T': state = optarg; break;
        case 'M': metrics = optarg; break;
        case 'H': replay_host = optarg; break;
        case 'D': o->dry_run = true; break;
        case 'O': report = optarg; break;
        case 'C': compare = optarg; break;
        case 'S':
            if ( parse_speed(optarg, &o->speed) )
            {
                fprintf(stderr, "coopvmmd: --speed takes a number from "
                        "%g to %g, or \"max\", not \"%s\"\n", SPEED_MIN,
                        SPEED_MAX, optarg);
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
    /* -n names the file as it was given; the daemon, absolute. */
    o->conf_path = o->check_only ? strdup(conf_path) : abs_opt(conf_path);
    o->pidfile = abs_opt(pidfile);
    o->socket = abs_opt(sock);
    o->replay = abs_opt(replay);
    o->record = abs_opt(record);
    o->state = abs_opt(state);
    o->metrics_file = abs_opt(metrics);
    o->replay_host = abs_opt(replay_host);
    o->report = abs_opt(report);
    o->compare = abs_opt(compare);
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
    if ( o->replay_host && strcmp(o->backend, "replay") )
    {
        fprintf(stderr, "coopvmmd: --replay-host goes with --replay\n");
        exit(1);
    }
    /* A replay never takes the live daemon's files unless told to. */
    if ( !o->pidfile && !strcmp(o->backend, "xen") )
        o->pidfile = abs_opt(DEFAULT_PIDFILE);
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
    if ( c->warnings )
        fputs(c->warnings, stderr);
    if ( o->verbose )
        conf_dump(c, stdout);
    printf("configuration OK\n");
    conf_free(c);
    return 0;
}

/*
 * The pid file: opened relative to its directory, never through a link,
 * locked for the daemon's life (its contents are written last).  A start
 * that fails once it holds the lock removes it again.
 */
static struct {
    int dirfd, fd;
    const char *base, *path;
    bool done;                  /* removed on a normal exit */
} pid = { -1, -1, NULL, NULL, false };

static void pidfile_cleanup(void)
{
    if ( pid.fd >= 0 && !pid.done )
        unlinkat(pid.dirfd, pid.base, 0);
}

static void pidfile_lock(const char *path)
{
    char buf[32] = "";
    int fd;

    pid.path = path;
    pid.dirfd = file_dir_open(path, &pid.base);
    if ( pid.dirfd < 0 )
        fatalx("pid file %s: cannot open its directory: %s", path,
               strerror(-pid.dirfd));
    fd = file_open_own(pid.dirfd, pid.base, O_RDWR | O_CREAT, 0644);
    if ( fd < 0 )
        fatalx("pid file %s: %s", path, file_strerror(fd));
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
    /* Readable by all, whatever the umask: init scripts, monitoring. */
    if ( fchmod(fd, 0644) < 0 )
        fatal("pid file %s", path);
    pid.fd = fd;
    atexit(pidfile_cleanup);
}

static void pidfile_write(void)
{
    char buf[32];
    int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

    if ( ftruncate(pid.fd, 0) || pwrite(pid.fd, buf, len, 0) != len )
        fatal("cannot write the pid file %s", pid.path);
}

static void pidfile_remove(void)
{
    unlinkat(pid.dirfd, pid.base, 0);
    pid.done = true;
    close(pid.fd);
    close(pid.dirfd);
}

/* Each line of the configuration's warnings. */
static void log_conf_warnings(const struct conf *c)
{
    const char *p = c->warnings ? c->warnings : "";

    while ( *p )
    {
        size_t len = strcspn(p, "\n");

        log_warnx("%.*s", (int)len, p);
        p += len + (p[len] == '\n');
    }
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
    int ms = ctl ? control_timeout_ms(ctl, now) : -1;

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

/* 0 when the run ended as it should, 1 when the data could not be read. */
static int main_loop(struct daemon *d, struct control *ctl,
                     const sigset_t *unblocked)
{
    struct pollfd pfd[MAX_POLLFDS];
    uint64_t deadline = clock_mono_ns(), now;
    const struct conf *seen = d->conf;

    for ( ;; )
    {
        int64_t wait = next_wait(ctl, deadline);
        struct timespec ts = { wait / 1000000000, wait % 1000000000 };
        unsigned int n = 0;
        int wfd = d->ops->watch_fd ? d->ops->watch_fd(d->be) : -1, rc;

        if ( wfd >= 0 )
            pfd[n++] = (struct pollfd){ .fd = wfd, .events = POLLIN };
        if ( ctl )
            n += control_pollfds(ctl, pfd + n, MAX_POLLFDS - n);
        rc = ppoll(pfd, n, &ts, unblocked);
        if ( rc < 0 && errno != EINTR )
            fatal("ppoll");
        if ( sig_term )
        {
            log_notice("terminating on signal");
            return 0;
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
            if ( ctl )
                control_events(ctl, pfd + first, n - first, d,
                               clock_mono_ns());
        }
        /* A reload (signal or coopctl) may have changed the group. */
        if ( d->conf != seen )
        {
            control_set_group(ctl, d->conf->socket_group);
            seen = d->conf;
        }
        now = clock_mono_ns();
        if ( now < deadline )
            continue;
        d->stats.last_poll_late_ns = now - deadline;
        rc = daemon_poll(d);
        if ( rc == -ENODATA )
        {
            log_notice("end of the recording after %llu polls",
                       (unsigned long long)d->stats.polls);
            return 0;
        }
        if ( rc < 0 )
        {
            /* The data cannot be read on: reported with file:line. */
            log_errx("stopped: the recording cannot be read further");
            return 1;
        }
        schedule_next(d, &deadline);
    }
}

static int run(struct daemon *d, const struct opts *o)
{
    struct backend_args ba = { .replay_path = o->replay,
                               .replay_host = o->replay_host,
                               .speed = o->speed, .max_domains = 256 };
    bool live = !d->ops->finite;
    const char *state = o->state ? o->state : live ? d->conf->state_file : "";
    const char *sock = o->socket ? o->socket : live ? d->conf->socket_path
                                                    : NULL;
    struct control *ctl = NULL;
    sigset_t unblocked;
    int rc;

    if ( o->pidfile )
        pidfile_lock(o->pidfile);
    rc = d->ops->open(&d->be, &ba);
    if ( rc )
        fatalx("cannot start the %s backend", d->ops->name);
    d->ops->info(d->be, &d->info);
    d->ndoms_max = ba.max_domains;
    d->samples = calloc(d->ndoms_max, sizeof(*d->samples));
    d->decisions = calloc(d->ndoms_max, sizeof(*d->decisions));
    d->state = state_open(state);
    d->pe = policy_new(&d->conf->policy, d->ndoms_max);
    if ( !d->samples || !d->decisions || !d->state || !d->pe )
        fatalx("out of memory");
    if ( o->record && !(d->rec = record_open(o->record, &d->info)) )
        fatalx("cannot record to %s", o->record);
    if ( sock && control_open(&ctl, sock, d->conf->socket_group) )
        fatalx("cannot open the control socket");
    /* A replay never writes the live daemon's metrics file. */
    d->metrics_file = o->metrics_file ? o->metrics_file : live ? NULL : "";
    if ( !live )
        log_info("replay: state %s, control socket %s, pid file %s, "
                 "metrics file %s", *state ? state : "in memory",
                 sock ? sock : "none", o->pidfile ? o->pidfile : "none",
                 *d->metrics_file ? d->metrics_file : "none");
    if ( !o->foreground )
    {
        if ( daemon(0, 0) )
            fatal("daemon");
        log_detached();
    }
    if ( o->pidfile )
        pidfile_write();
    setup_signals(&unblocked);
    d->stats.start_ns = clock_mono_ns();
    banner(d);
    log_conf_warnings(d->conf);
    rc = main_loop(d, ctl, &unblocked);
    if ( d->conf->restore_on_exit )
        act_restore_all(d);
    else
        log_notice("restore-on-exit is off: current values left in place");
    state_flush(d->state);
    control_close(ctl, d);
    record_close(d->rec);
    d->ops->close(d->be);
    policy_free(d->pe);
    state_close(d->state);
    metrics_file_close();
    free(d->samples);
    free(d->pins);
    free(d->decisions);
    free(d->verdicts);
    conf_free(d->conf);
    if ( o->pidfile )
        pidfile_remove();
    log_notice("coopvmmd stopped%s", rc ? " (the recording is damaged)" : "");
    return rc;
}

int main(int argc, char **argv)
{
    struct daemon d;
    static struct opts o;       /* reachable to the end: no leak reports */
    char *errors = NULL;
    int rc;

    /*
     * Whatever umask we were started with: files are private unless
     * made otherwise on purpose (pid file, metrics file, socket).
     */
    umask(077);
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
    rc = run(&d, &o);
    free(o.conf_path);
    free(o.pidfile);
    free(o.socket);
    free(o.replay);
    free(o.record);
    free(o.metrics_file);
    return rc;
}

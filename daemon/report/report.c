/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report.c - the replay report's run: one daemon per policy on its own
 * replay of the recording, polled in lockstep as fast as they go, each
 * poll handed to the collector; then the page.  On a terminal, stderr
 * shows polls done of about how many, the rate and the time left.
 *
 * Each daemon is the real one (daemon_poll: policy, actuator, the replay
 * backend's model of the host), with its base values in memory: a
 * report never touches a live daemon's state file, socket or metrics.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "daemon.h"
#include "log.h"
#include "replay.h"
#include "report.h"
#include "report_collect.h"
#include "report_csv.h"
#include "report_html.h"
#include "state.h"

#define PROGRESS_NS 500000000ull

static int setup(struct daemon *d, const char *conf_path, const char *rec)
{
    struct backend_args ba = { .replay_path = rec, .speed = 0,
                               .max_domains = 256 };
    char *errors = NULL;

    memset(d, 0, sizeof(*d));
    d->conf_path = conf_path;
    if ( conf_load(conf_path, &d->conf, &errors) )
    {
        fputs(errors ? errors : "configuration is not valid\n", stderr);
        free(errors);
        return -EINVAL;
    }
    d->metrics_file = "";       /* a replay: none (daemon_types.h) */
    d->ops = &backend_replay;
    if ( d->ops->open(&d->be, &ba) )
        return -EIO;
    d->ops->info(d->be, &d->info);
    d->ndoms_max = ba.max_domains;
    d->samples = calloc(d->ndoms_max, sizeof(*d->samples));
    d->decisions = calloc(d->ndoms_max, sizeof(*d->decisions));
    d->state = state_open(NULL);
    d->pe = policy_new(&d->conf->policy, d->ndoms_max);
    if ( !d->samples || !d->decisions || !d->state || !d->pe )
        return -ENOMEM;
    d->stats.start_ns = clock_mono_ns();
    return 0;
}

static void teardown(struct daemon *d)
{
    if ( d->be )
        d->ops->close(d->be);
    policy_free(d->pe);
    state_close(d->state);
    free(d->samples);
    free(d->decisions);
    free(d->verdicts);
    conf_free(d->conf);
}

struct progress {
    bool tty;
    uint64_t start, last;
};

static void progress(struct progress *p, const struct daemon *d,
                     uint64_t polls, bool done)
{
    uint64_t now = clock_mono_ns(), bdone = 0, btotal = 0;
    double el, frac, rate;

    if ( !p->tty || (!done && now - p->last < PROGRESS_NS) )
        return;
    p->last = now;
    el = (now - p->start) / 1e9;
    rate = el > 0 ? polls / el : 0;
    if ( done )
    {
        fprintf(stderr, "\rreport: %llu polls in %.1f s (%.0f polls/s)%20s\n",
                (unsigned long long)polls, el, rate, "");
        return;
    }
    if ( !d->ops->progress || d->ops->progress(d->be, &bdone, &btotal) ||
         !bdone || !btotal )
        return;
    frac = (double)bdone / btotal;
    frac = frac > 1 ? 1 : frac;
    fprintf(stderr, "\rreport: %llu/~%.0f polls (%.0f%%), %.0f polls/s, "
            "ETA %.0f s   ", (unsigned long long)polls, polls / frac,
            frac * 100, rate, frac > 0 ? el * (1 - frac) / frac : 0);
}

/* Poll every run once; 1 at the end of the recording, or -errno. */
static int poll_all(struct daemon *d, unsigned int n)
{
    unsigned int i;
    int rc;

    for ( i = 0; i < n; i++ )
    {
        rc = daemon_poll(&d[i]);
        if ( rc == -ENODATA && i == 0 )
            return 1;
        if ( rc )
            return rc == -ENODATA ? -EPROTO : rc;
        if ( i && d[i].ndoms != d[0].ndoms )
            return -EPROTO;
    }
    return 0;
}

static int run_all(struct daemon *d, struct rpt_run *r, unsigned int n)
{
    struct progress pg = { .tty = isatty(STDERR_FILENO) };
    uint64_t now, prev = 0;
    unsigned int i, k, times, old_nb;
    int rc;

    pg.start = pg.last = clock_mono_ns();
    while ( !(rc = poll_all(d, n)) )
    {
        now = d[0].stats.last_poll_ns;
        old_nb = r[0].tm->nb;
        k = rpt_time_at(r[0].tm, now, &times);
        for ( i = 0; i < n && times; i++ )
            rpt_run_compact(&r[i], old_nb, times);
        for ( i = 0; i < n; i++ )
            if ( (rc = rpt_run_poll(&r[i], k, now)) )
                return rc;
        if ( n == 2 )
            rpt_run_diff(&r[0], &r[1], k, now, prev ? now - prev : 0);
        prev = now;
        progress(&pg, &d[0], r[0].tm->polls, false);
    }
    progress(&pg, &d[0], r[0].tm->polls, true);
    return rc < 0 ? rc : 0;
}

int report_run(const struct report_args *a)
{
    const char *paths[2] = { a->conf_path, a->compare_path };
    static const char *const labels[2][2] = { { "", "" }, { "A", "B" } };
    unsigned int n = a->compare_path ? 2 : 1, i;
    struct daemon d[2];
    struct rpt_run r[2];
    struct rpt_time tm = { 0 };
    uint64_t bytes = 0;
    int rc = 0, ready = 0;
    bool cut = false;

    memset(d, 0, sizeof(d));
    memset(r, 0, sizeof(r));
    log_init(true, LOG_WARNING + a->verbose > LOG_DEBUG ? LOG_DEBUG :
                   LOG_WARNING + a->verbose);
    if ( mkdir(a->dir, 0755) && errno != EEXIST )
    {
        fprintf(stderr, "coopvmmd: cannot create %s: %s\n", a->dir,
                strerror(errno));
        return 1;
    }
    for ( i = 0; i < n && !rc; i++, ready++ )
    {
        rc = setup(&d[i], paths[i], a->replay_path);
        if ( !rc )
            rc = rpt_run_init(&r[i], &d[i], &tm, labels[n - 1][i], paths[i]);
        if ( !rc && (rc = rpt_csv_open(&r[i], a->dir)) )
            fprintf(stderr, "coopvmmd: cannot write into %s: %s\n", a->dir,
                    strerror(-rc));
    }
    if ( rc )
        goto out;           /* said why: the configuration, the recording */
    rc = run_all(d, r, n);
    /*
     * A recording that ends damaged (cut short by a crash, or still being
     * written): the reader said where; the report covers the polls before,
     * and the exit status says the input was damaged.
     */
    if ( rc < 0 && rc != -EPROTO && tm.polls )
    {
        cut = true;
        rc = 0;
    }
    for ( i = 0; i < n; i++ )
        rc = rc ? rc : rpt_csv_close(&r[i]);
    if ( !rc && !tm.polls )
        rc = -ENODATA;
    if ( !rc )
        rc = rpt_html_write(a->dir, a->replay_path, &r[0],
                            n == 2 ? &r[1] : NULL, &bytes);
    if ( rc )
        fprintf(stderr, "coopvmmd: no report of %s: %s\n", a->replay_path,
                rc == -EPROTO ? "the two runs went apart" : strerror(-rc));
    else
        printf("report: %s/index.html (%llu KiB), %llu polls%s\n", a->dir,
               (unsigned long long)(bytes + 1023) / 1024,
               (unsigned long long)tm.polls, cut ? ", up to where the "
               "recording is damaged (said above)" : "");

 out:
    for ( i = 0; i < (unsigned int)ready; i++ )
    {
        rpt_run_free(&r[i]);
        teardown(&d[i]);
    }
    return rc || cut ? 1 : 0;
}

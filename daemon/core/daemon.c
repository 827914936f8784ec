/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * daemon.c - what the daemon does: the poll (sample, record, base values,
 * policy, act) and what a signal or a control client asks for (reload,
 * pause, resume, pin, iotrace), with the domain look-up they share.
 *
 * It runs inside coopvmmd.c's loop and must not block, exit or read the
 * options: coopvmmd.c owns start-up, signals and the loop itself.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "actuator.h"
#include "clock.h"
#include "conf.h"
#include "daemon.h"
#include "log.h"
#include "metrics.h"
#include "record.h"
#include "state.h"

static int grow_arrays(struct daemon *d)
{
    unsigned int nmax = d->ndoms_max * 2;
    struct policy_sample *ns = realloc(d->samples, nmax * sizeof(*ns));
    struct policy_decision *nd;

    if ( !ns )
        return -ENOMEM;
    d->samples = ns;
    nd = realloc(d->decisions, nmax * sizeof(*nd));
    if ( !nd )
        return -ENOMEM;
    d->decisions = nd;
    d->ndoms_max = nmax;
    return 0;
}

/* Sample into d->samples, growing the arrays when there are more domains. */
static int sample(struct daemon *d, uint64_t *now)
{
    int rc;

    while ( (rc = d->ops->sample(d->be, d->samples, d->ndoms_max, now)) == -ENOSPC )
        if ( grow_arrays(d) )
            return -ENOMEM;
    return rc;
}

static void log_decisions(const struct daemon *d)
{
    const struct policy_config *p = &d->conf->policy;
    unsigned int i;

    for ( i = 0; i < d->ndoms; i++ )
    {
        const struct policy_decision *dec = &d->decisions[i];
        const struct policy_sample *s = &d->samples[i];

        if ( !dec->class_changed )
            continue;
        log_info("d%u %s: class %s -> %s (%s); weight %u -> %u, "
                 "cap %u -> %u", s->domid, s->name,
                 policy_class_name(p, dec->prev_cls),
                 policy_class_name(p, dec->cls), dec->reason, s->weight,
                 dec->weight, s->cap, dec->cap);
    }
}

int daemon_poll(struct daemon *d)
{
    uint64_t t0 = clock_mono_ns(), now = 0;
    unsigned int i;
    int rc = sample(d, &now);

    if ( rc < 0 )
    {
        if ( rc != -ENODATA )
            d->stats.failed_calls++;
        /* A live host is sampled again next time; a recording ends. */
        return d->ops->finite ? rc : 0;
    }
    d->ndoms = rc;
    /* What the backend sees can change (a signal lost or back). */
    d->ops->info(d->be, &d->info);
    if ( d->rec && record_poll(d->rec, now, d->samples, d->ndoms) )
    {
        record_close(d->rec);
        d->rec = NULL;
        log_warnx("recording stopped");
    }
    rc = state_bases(d->state, d->samples, d->ndoms, !d->stats.polls);
    if ( !rc )
        rc = policy_update(d->pe, now, d->samples, d->ndoms, d->decisions);
    if ( rc )
    {
        errno = -rc;
        log_err("poll failed");
        return 0;
    }
    for ( i = 0; i < d->ndoms; i++ )
        d->stats.decisions += d->decisions[i].class_changed;
    log_decisions(d);
    act_decisions(d);
    d->stats.polls++;
    d->stats.last_poll_ns = now;
    d->stats.last_poll_dur_ns = clock_mono_ns() - t0;
    log_debug("poll %llu: %u domains in %llu us",
              (unsigned long long)d->stats.polls, d->ndoms,
              (unsigned long long)d->stats.last_poll_dur_ns / 1000);
    /* metrics_write_file() logs its own failures. */
    if ( d->conf->metrics_file[0] )
        metrics_write_file(d, d->conf->metrics_file);
    return 0;
}

int daemon_log_level(const struct conf *c, int verbose)
{
    static const int lv[] = {
        [CONF_LOG_ERR] = LOG_ERR, [CONF_LOG_WARNING] = LOG_WARNING,
        [CONF_LOG_NOTICE] = LOG_NOTICE, [CONF_LOG_INFO] = LOG_INFO,
        [CONF_LOG_DEBUG] = LOG_DEBUG,
    };
    int l = lv[c->log_level] + verbose;

    return l > LOG_DEBUG ? LOG_DEBUG : l;
}

int daemon_reload(struct daemon *d, char **errors)
{
    struct conf *nc;
    char *err = NULL;
    unsigned int i;
    int rc = conf_load(d->conf_path, &nc, &err);

    if ( rc )
    {
        const char *p = err ? err : "";

        log_err("reload of %s failed; the previous configuration stays "
                "in force", d->conf_path);
        while ( *p )
        {
            size_t len = strcspn(p, "\n");

            log_warnx("%.*s", (int)len, p);
            p += len + (p[len] == '\n');
        }
        if ( errors )
            *errors = err;
        else
            free(err);
        return rc;
    }
    if ( strcmp(nc->state_file, d->conf->state_file) ||
         strcmp(nc->socket_path, d->conf->socket_path) )
        log_warnx("state-file and socket changes take effect at restart");
    policy_set_config(d->pe, &nc->policy);
    nc->dry_run = nc->dry_run || d->dry_run_forced;
    d->dry_run = nc->dry_run;
    conf_free(d->conf);
    d->conf = nc;
    log_setlevel(daemon_log_level(nc, d->verbose));
    /* Re-evaluate targets against the new classes at the next poll. */
    for ( i = 0; i < d->ndoms; i++ )
        d->decisions[i].set = 0;
    log_notice("configuration %s reloaded (policy %s)", d->conf_path,
               nc->name);
    return 0;
}

int daemon_pause(struct daemon *d)
{
    if ( d->paused )
        return 0;
    d->paused = true;
    act_restore_all(d);
    log_notice("paused: base values restored; observing only");
    return 0;
}

int daemon_resume(struct daemon *d)
{
    if ( !d->paused )
        return 0;
    d->paused = false;
    log_notice("resumed");
    return 0;
}

int daemon_find_domain(const struct daemon *d, const char *domain)
{
    unsigned int i;
    char *end;
    unsigned long id = strtoul(domain, &end, 10);
    bool numeric = *domain && !*end;

    for ( i = 0; i < d->ndoms; i++ )
        if ( numeric ? d->samples[i].domid == id :
             !strncmp(d->samples[i].name, domain, sizeof(d->samples[i].name)) )
            return i;
    return -1;
}

int daemon_pin(struct daemon *d, const char *domain, const char *cls,
               char *err, size_t errlen)
{
    int i = daemon_find_domain(d, domain), k = POLICY_CLASS_NONE, rc;
    unsigned int j;

    if ( i < 0 )
    {
        snprintf(err, errlen, "no domain %s", domain);
        return -ENOENT;
    }
    if ( cls )
    {
        for ( j = 0; j < d->conf->policy.nclass; j++ )
            if ( !strcmp(d->conf->policy.cls[j].name, cls) )
                k = j;
        if ( k == POLICY_CLASS_NONE )
        {
            snprintf(err, errlen, "no class %s", cls);
            return -EINVAL;
        }
    }
    rc = policy_pin(d->pe, d->samples[i].domid, k);
    if ( rc )
    {
        snprintf(err, errlen, "cannot pin %s: %s", domain, strerror(-rc));
        return rc;
    }
    log_notice("d%u %s: %s%s", d->samples[i].domid, d->samples[i].name,
               cls ? "pinned to " : "unpinned", cls ? cls : "");
    return 0;
}

int daemon_cpupools(const struct daemon *d, struct backend_cpupool *out,
                    unsigned int max)
{
    if ( !d->ops || !d->ops->cpupools || !d->be )
        return -EOPNOTSUPP;
    return d->ops->cpupools(d->be, out, max);
}

bool daemon_has_iotrace(const struct daemon *d)
{
    return d->ops && d->ops->trace && d->be;
}

int daemon_iotrace(struct daemon *d, uint32_t domid,
                   enum backend_trace_op op, struct backend_trace_rec *out,
                   unsigned int max, uint64_t *overruns)
{
    if ( !daemon_has_iotrace(d) )
        return -EOPNOTSUPP;
    return d->ops->trace(d->be, domid, op, out, max, overruns);
}

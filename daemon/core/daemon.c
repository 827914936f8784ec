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
#include "effects.h"
#include "log.h"
#include "metrics.h"
#include "metrics_file.h"
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

/* "; left io-bound: io 40.0 not > 50" when the old class stopped holding. */
static void leave_text(const struct policy_config *p,
                       const struct policy_decision *dc,
                       const struct policy_sample *s, char *buf, size_t len)
{
    char why[POLICY_REASON_MAX * 2];

    buf[0] = '\0';
    if ( dc->prev_cls < 0 || dc->effect == POLICY_EFFECT_UNDONE ||
         policy_explain(p, dc->prev_cls, dc, s->signals, true, why,
                        sizeof(why)) )
        return;
    snprintf(buf, len, "; left %s: %s", policy_class_name(p, dc->prev_cls),
             why);
}

static void log_decisions(const struct daemon *d)
{
    const struct policy_config *p = &d->conf->policy;
    char left[POLICY_REASON_MAX * 3], check[96], what[24];
    unsigned int i;

    for ( i = 0; i < d->ndoms; i++ )
    {
        const struct policy_decision *dec = &d->decisions[i];
        const struct policy_sample *s = &d->samples[i];

        if ( !dec->class_changed )
            continue;
        leave_text(p, dec, s, left, sizeof(left));
        check[0] = '\0';
        if ( dec->effect == POLICY_EFFECT_PENDING )
            snprintf(check, sizeof(check), "; effect check: %s %.1f%% now, "
                     "judged in %u polls",
                     policy_measure_text(dec->effect_measure,
                                         dec->effect_waiter, what,
                                         sizeof(what)),
                     dec->effect_before, p->effect_polls);
        log_info("d%u %s: class %s -> %s (%s%s); weight %u -> %u, "
                 "cap %u -> %u%s", s->domid, s->name,
                 policy_class_name(p, dec->prev_cls),
                 policy_class_name(p, dec->cls), dec->reason, left, s->weight,
                 dec->weight, s->cap, dec->cap, check);
    }
}

/* The pin of a guest, or NULL. */
static struct daemon_pin *pin_of(struct daemon *d, const uint8_t uuid[16])
{
    unsigned int i;

    for ( i = 0; i < d->npins; i++ )
        if ( !memcmp(d->pins[i].uuid, uuid, 16) )
            return &d->pins[i];
    return NULL;
}

/* The index of the class called name in pc, or POLICY_CLASS_NONE. */
static int class_index(const struct policy_config *pc, const char *name)
{
    unsigned int i;

    for ( i = 0; i < pc->nclass; i++ )
        if ( !strcmp(pc->cls[i].name, name) )
            return (int)i;
    return POLICY_CLASS_NONE;
}

static void pin_drop(struct daemon *d, struct daemon_pin *p)
{
    *p = d->pins[--d->npins];
}

/*
 * Pins follow their guest: a new domain of a pinned guest (reboot,
 * restore, migration back) is pinned as soon as the policy knows it,
 * which is from its second poll.
 */
static void pins_follow(struct daemon *d)
{
    unsigned int i;

    for ( i = 0; i < d->ndoms && d->npins; i++ )
    {
        const struct policy_sample *s = &d->samples[i];
        const struct policy_decision *dec = &d->decisions[i];
        struct daemon_pin *p = pin_of(d, s->uuid);
        int k;

        if ( !p || (dec->pinned && dec->cls >= 0 &&
                    !strcmp(policy_class_name(&d->conf->policy, dec->cls),
                            p->cls)) )
            continue;
        if ( (k = class_index(&d->conf->policy, p->cls)) == POLICY_CLASS_NONE )
        {
            log_notice("d%u %s: pin to %s dropped: no such class since the "
                       "reload", s->domid, s->name, p->cls);
            pin_drop(d, p);
            continue;
        }
        if ( !policy_pin(d->pe, s->domid, k) )
            log_notice("d%u %s: pinned to %s (the pin follows the guest)",
                       s->domid, s->name, p->cls);
    }
}

/*
 * Which signals the samples carry: the backend's banner says what it
 * found at start, but the runstate sums come per sample (hv-patch v2),
 * so the first poll is set against the banner (a recording's header can
 * lack the runstate bit its samples have), and every later change is
 * said.  Missing at the first poll is always said, with what it means.
 */
static void watch_signals(struct daemon *d)
{
    uint32_t sig = 0, was = d->sample_signals;
    bool first = !d->stats.polls;
    unsigned int i;

    for ( i = 0; i < d->ndoms; i++ )
        sig |= d->samples[i].signals;
    d->sample_signals = sig;
    if ( !d->ndoms )
        return;
    if ( first )
        was = d->info.signals;          /* what the banner said */
    if ( sig & POLICY_HAS_RUNSTATE )
    {
        if ( !(was & POLICY_HAS_RUNSTATE) )
            log_notice("runstate signal present: cpu-wait, cpu-demand and "
                       "pool-wait are measured");
    }
    else if ( first || (was & POLICY_HAS_RUNSTATE) )
        log_warnx("runstate MISSING: cpu-wait, cpu-demand and pool-wait "
                  "are unavailable (the hypervisor gives no runstate sums: "
                  "coopvmm patch v2 needed); conditions on them follow "
                  "their `missing` rule");
}

int daemon_poll(struct daemon *d)
{
    uint64_t t0 = clock_mono_ns(), now = 0;
    const char *mf;
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
    pins_follow(d);
    for ( i = 0; i < d->ndoms; i++ )
        d->stats.decisions += d->decisions[i].class_changed;
    watch_signals(d);
    log_decisions(d);
    effects_note(d, now);
    act_decisions(d);
    d->stats.polls++;
    d->gen++;
    d->stats.last_poll_ns = now;
    d->stats.last_poll_dur_ns = clock_mono_ns() - t0;
    log_debug("poll %llu: %u domains in %llu us, started %llu us late",
              (unsigned long long)d->stats.polls, d->ndoms,
              (unsigned long long)d->stats.last_poll_dur_ns / 1000,
              (unsigned long long)d->stats.last_poll_late_ns / 1000);
    /* metrics_write_file() logs its own failures, once. */
    mf = d->metrics_file ? d->metrics_file : d->conf->metrics_file;
    if ( mf[0] )
        metrics_write_file(d, mf);
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

/* Each line of a "file:line: message" text, at `pri`. */
static void log_lines(int pri, const char *text)
{
    const char *p = text ? text : "";

    while ( *p )
    {
        size_t len = strcspn(p, "\n");

        if ( pri == LOG_ERR )
            log_errx("%.*s", (int)len, p);
        else
            log_warnx("%.*s", (int)len, p);
        p += len + (p[len] == '\n');
    }
}

/*
 * A reload failed.  The errors are logged in full the first time, and
 * when they change; the same failure again (a SIGHUP storm, a script
 * retrying) is one line an hour at most, with its count.
 */
static struct log_repeat reload_rl;

static void reload_failed(struct daemon *d, const char *err)
{
    static uint64_t last;
    struct log_repeat *rl = &reload_rl;
    uint64_t h = 1469598103934665603ull;        /* FNV-1a of the errors */
    const char *p;
    bool same;

    for ( p = err ? err : ""; *p; p++ )
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    same = rl->failing && h == last;
    last = h;
    if ( !same )
        *rl = (struct log_repeat){ 0 };
    if ( log_fail(rl, LOG_ERR, 0, "reload of %s failed; the previous "
                  "configuration stays in force", d->conf_path) && !same )
        log_lines(LOG_ERR, err);
}

/*
 * Decisions name classes by index: after a reload the same index may be
 * another class.  Carry each over by name, as the policy engine does,
 * so that status and metrics name the true class before the next poll.
 */

static void remap_classes(struct daemon *d, const struct policy_config *old,
                          const struct policy_config *new)
{
    unsigned int i;

    for ( i = 0; i < d->ndoms; i++ )
    {
        struct policy_decision *dc = &d->decisions[i];

        if ( dc->cls >= 0 && (unsigned int)dc->cls < old->nclass )
            dc->cls = class_index(new, old->cls[dc->cls].name);
        if ( dc->prev_cls >= 0 && (unsigned int)dc->prev_cls < old->nclass )
            dc->prev_cls = class_index(new, old->cls[dc->prev_cls].name);
        /* Re-evaluate targets against the new classes at the next poll. */
        dc->set = 0;
    }
}

int daemon_reload(struct daemon *d, char **errors)
{
    struct conf *nc;
    char *err = NULL;
    int rc = conf_load(d->conf_path, &nc, &err);

    if ( rc )
    {
        reload_failed(d, err);
        if ( errors )
            *errors = err;
        else
            free(err);
        return rc;
    }
    log_ok(&reload_rl, "reload of %s", d->conf_path);
    log_lines(LOG_WARNING, nc->warnings);
    if ( strcmp(nc->state_file, d->conf->state_file) ||
         strcmp(nc->socket_path, d->conf->socket_path) )
        log_warnx("state-file and socket changes take effect at restart");
    policy_set_config(d->pe, &nc->policy);
    remap_classes(d, &d->conf->policy, &nc->policy);
    nc->dry_run = nc->dry_run || d->dry_run_forced;
    d->dry_run = nc->dry_run;
    conf_free(d->conf);
    d->conf = nc;
    d->gen++;
    log_setlevel(daemon_log_level(nc, d->verbose));
    log_notice("configuration %s reloaded (policy %s)", d->conf_path,
               nc->name);
    return 0;
}

int daemon_pause(struct daemon *d)
{
    if ( d->paused )
        return 1;
    d->paused = true;
    d->gen++;
    act_restore_all(d);
    log_notice("paused: base values restored; observing only");
    return 0;
}

int daemon_resume(struct daemon *d)
{
    if ( !d->paused )
        return 1;
    d->paused = false;
    d->gen++;
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

/* Keep (cls) or forget (NULL) the pin of a guest.  0 or -ENOSPC. */
static int pin_keep(struct daemon *d, const uint8_t uuid[16], const char *cls)
{
    struct daemon_pin *p = pin_of(d, uuid);

    if ( !cls )
    {
        if ( p )
            pin_drop(d, p);
        return 0;
    }
    if ( !p )
    {
        if ( d->npins == DAEMON_PINS_MAX )
            return -ENOSPC;
        if ( !d->pins && !(d->pins = calloc(DAEMON_PINS_MAX,
                                            sizeof(*d->pins))) )
            return -ENOMEM;
        p = &d->pins[d->npins++];
        memcpy(p->uuid, uuid, sizeof(p->uuid));
    }
    snprintf(p->cls, sizeof(p->cls), "%s", cls);
    return 0;
}

int daemon_pin(struct daemon *d, const char *domain, const char *cls,
               char *err, size_t errlen)
{
    int i = daemon_find_domain(d, domain), k = POLICY_CLASS_NONE, rc;
    const struct policy_sample *s;

    if ( i < 0 )
    {
        snprintf(err, errlen, "no domain %s", domain);
        return -ENOENT;
    }
    s = &d->samples[i];
    /* A pin would be shown and do nothing: say why instead. */
    if ( cls && d->decisions[i].unmanaged != POLICY_MANAGED )
    {
        static const char *const why[] = {
            [POLICY_EXCL_DOM0] = "dom0 (manage-dom0 is off)",
            [POLICY_EXCL_OVERRIDE] = "excluded by an override",
            [POLICY_EXCL_SCHED] = "not on a credit or credit2 cpupool",
            [POLICY_EXCL_DYING] = "dying",
        };
        unsigned int u = d->decisions[i].unmanaged;

        snprintf(err, errlen, "cannot pin %s: coopvmm does not manage it: %s",
                 domain, u < sizeof(why) / sizeof(why[0]) && why[u] ? why[u]
                                                                 : "unmanaged");
        return -EPERM;
    }
    if ( cls && (k = class_index(&d->conf->policy, cls)) == POLICY_CLASS_NONE )
    {
        snprintf(err, errlen, "no class %s", cls);
        return -EINVAL;
    }
    rc = policy_pin(d->pe, s->domid, k);
    /* The null UUID (dom0) names no guest to follow: by domid only. */
    if ( !rc && memcmp(s->uuid, (const uint8_t[16]){ 0 }, 16) )
        rc = pin_keep(d, s->uuid, cls);
    if ( rc )
    {
        snprintf(err, errlen, "cannot pin %s: %s", domain, strerror(-rc));
        return rc;
    }
    d->gen++;
    log_notice("d%u %s: %s%s", s->domid, s->name,
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

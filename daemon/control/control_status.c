/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control_status.c - what `coopctl status` needs to explain the policy:
 * per domain the contention metrics, the live condition of its class
 * (why it is *still* there, not only why it came) and the effect check
 * of its last class change; for the daemon the signals the samples
 * carry, the metrics missing without them, the effect check's counts and
 * one line per cpupool.  The fields are documented in coopctl(8), under
 * the schema version of version.h.
 *
 * Reads struct daemon only.  Every string added here is the policy's
 * own text (class and metric names, formatted numbers): ASCII.
 */
#include <math.h>
#include <stdio.h>

#include "control_status.h"
#include "daemon.h"
#include "effects.h"
#include "version.h"

#define MAX_POOLS   64

static json_t *jreal(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* A smoothed metric in its policy unit, or null if not known. */
static json_t *metric(const struct policy_decision *dc, enum policy_metric m,
                      double scale)
{
    if ( !dc->rates_valid || !dc->metric_valid[m] )
        return json_null();
    return jreal(dc->metric[m] * scale);
}

static const char *effect_state(enum policy_effect e)
{
    switch ( e )
    {
    case POLICY_EFFECT_PENDING: return "pending";
    case POLICY_EFFECT_HELPED: return "helped";
    case POLICY_EFFECT_UNDONE: return "undone";
    default: return NULL;
    }
}

/* A throttle judged by its waiter's wait names the waiter's domid. */
static void add_waiter(json_t *o, enum policy_effect_measure m,
                       uint32_t waiter)
{
    if ( o && m == POLICY_MEASURE_WAITER_WAIT )
        json_object_set_new(o, "waiter", json_integer(waiter));
}

static json_t *effect_json(const struct daemon *d, unsigned int i)
{
    const struct policy_config *p = &d->conf->policy;
    const struct policy_decision *dc = &d->decisions[i];
    const struct daemon_verdict *v = effects_find(d, &d->samples[i]);
    uint64_t now = d->stats.last_poll_ns;
    json_t *o;

    if ( dc->effect != POLICY_EFFECT_NONE )
    {
        o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:i, s:i}",
                      "state", effect_state(dc->effect),
                      "class", policy_class_name(p,
                                                 effects_judged_class(dc)),
                      "measure", policy_measure_name(dc->effect_measure),
                      "before_pct", jreal(dc->effect_before),
                      "after_pct", jreal(dc->effect_after),
                      "polls", (int)dc->effect_polls,
                      "polls_needed", (int)p->effect_polls);
        add_waiter(o, dc->effect_measure, dc->effect_waiter);
        if ( o && dc->effect == POLICY_EFFECT_UNDONE )
            json_object_set_new(o, "hold_off_left_s",
                                jreal(p->holdoff_ns / 1e9));
        return o ? o : json_null();
    }
    /* An undo stays news while its class is barred. */
    if ( !v || v->effect != POLICY_EFFECT_UNDONE || now < v->at_ns ||
         now - v->at_ns >= p->holdoff_ns )
        return json_null();
    o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:i, s:i, s:o, s:o}",
                  "state", "undone", "class", policy_class_name(p, v->cls),
                  "measure", policy_measure_name(v->measure),
                  "before_pct", jreal(v->before), "after_pct", jreal(v->after),
                  "polls", (int)v->polls, "polls_needed", (int)p->effect_polls,
                  "age_s", jreal((now - v->at_ns) / 1e9),
                  "hold_off_left_s",
                  jreal((p->holdoff_ns - (now - v->at_ns)) / 1e9));
    add_waiter(o, v->measure, v->waiter);
    return o ? o : json_null();
}

void status_add_domain(json_t *o, const struct daemon *d, unsigned int i)
{
    const struct policy_sample *s = &d->samples[i];
    const struct policy_decision *dc = &d->decisions[i];
    char live[POLICY_REASON_MAX * 3];
    bool holds;

    json_object_set_new(o, "cpu_pcpu_pct", metric(dc, M_CPU, s->vcpus));
    json_object_set_new(o, "cpu_wait_pct", metric(dc, M_CPU_WAIT, 1));
    json_object_set_new(o, "cpu_demand_pct", metric(dc, M_CPU_DEMAND, 1));
    json_object_set_new(o, "pool_busy_pct", metric(dc, M_CPUPOOL_BUSY, 1));
    json_object_set_new(o, "pool_wait_pct", metric(dc, M_CPUPOOL_WAIT, 1));
    json_object_set_new(o, "io_per_s", metric(dc, M_IO, 1));
    json_object_set_new(o, "dm_cpu_pct", metric(dc, M_DM_CPU, 1));
    json_object_set_new(o, "dm_runs_per_s", metric(dc, M_DM_RUNS, 1));
    json_object_set_new(o, "favoured", json_boolean(dc->favoured));
    json_object_set_new(o, "throttled", json_boolean(dc->throttled));
    if ( dc->unmanaged != POLICY_MANAGED || !d->conf )
    {
        json_object_set_new(o, "live_reason", json_null());
        json_object_set_new(o, "live_holds", json_null());
    }
    else
    {
        holds = policy_explain(&d->conf->policy, dc->cls, dc, s->signals,
                               true, live, sizeof(live));
        json_object_set_new(o, "live_reason", json_string(live));
        json_object_set_new(o, "live_holds", json_boolean(holds));
    }
    json_object_set_new(o, "effect", d->conf ? effect_json(d, i)
                                             : json_null());
}

/* The metrics no sample can give without the signals in `sig`. */
static json_t *missing_metrics(uint32_t sig)
{
    json_t *a = json_array();
    int m;

    for ( m = 0; m < M__COUNT; m++ )
        if ( !(sig & policy_metric_signals(m)) )
            json_array_append_new(a, json_string(policy_metric_name(m)));
    return a;
}

struct pool_row {
    uint32_t id, cpus, ndoms, nmanaged;
    enum policy_sched sched;
    double busy, wait;
    bool busy_ok, wait_ok;
};

/*
 * One cpupool: what the samples say (its domains, busy and wait) and, when
 * the backend knows it (b), its pCPU count and list and its scheduler's
 * parameters (null where the scheduler has none or the read failed).
 */
static json_t *pool_json(const struct pool_row *r, const char *sched,
                         const struct backend_cpupool *b)
{
    return json_pack("{s:i, s:s, s:i, s:i, s:i, s:o, s:o, s:o, s:o, s:o}",
                     "id", (int)r->id, "sched", sched,
                     "cpus", (int)(b ? b->ncpus : r->cpus),
                     "domains", (int)r->ndoms, "managed", (int)r->nmanaged,
                     "busy_pct", r->busy_ok ? jreal(r->busy) : json_null(),
                     "wait_pct", r->wait_ok ? jreal(r->wait) : json_null(),
                     "cpu_list", b ? json_string(b->cpus) : json_null(),
                     "tslice_ms", b && b->tslice_ms >= 0 ?
                                  json_integer(b->tslice_ms) : json_null(),
                     "ratelimit_us", b && b->ratelimit_us >= 0 ?
                                     json_integer(b->ratelimit_us) :
                                     json_null());
}

static json_t *cpupools(const struct daemon *d)
{
    struct pool_row r[MAX_POOLS];
    struct backend_cpupool bp[MAX_POOLS];
    const struct backend_cpupool *b;
    unsigned int n = 0, i, k;
    int nb, j;
    json_t *a = json_array();

    for ( i = 0; i < d->ndoms; i++ )
    {
        const struct policy_sample *s = &d->samples[i];
        const struct policy_decision *dc = &d->decisions[i];

        for ( k = 0; k < n && r[k].id != s->cpupool; k++ )
            ;
        if ( k == n )
        {
            if ( n == MAX_POOLS )
                continue;
            r[n++] = (struct pool_row){ .id = s->cpupool,
                                        .cpus = s->cpupool_cpus,
                                        .sched = s->sched };
        }
        r[k].ndoms++;
        r[k].nmanaged += dc->unmanaged == POLICY_MANAGED;
        if ( dc->rates_valid && dc->metric_valid[M_CPUPOOL_BUSY] &&
             (!r[k].busy_ok || dc->metric[M_CPUPOOL_BUSY] > r[k].busy) )
        {
            r[k].busy = dc->metric[M_CPUPOOL_BUSY];
            r[k].busy_ok = true;
        }
        /* pool-wait as the policy reads it: its favoured domains' wait. */
        if ( dc->rates_valid && dc->metric_valid[M_CPU_WAIT] )
        {
            r[k].wait_ok = true;
            if ( dc->favoured && dc->metric[M_CPU_WAIT] > r[k].wait )
                r[k].wait = dc->metric[M_CPU_WAIT];
        }
    }
    /* The backend's view adds pools without domains and their parameters. */
    nb = daemon_cpupools(d, bp, MAX_POOLS);
    for ( k = 0; k < n; k++ )
    {
        for ( j = 0; j < nb && j < MAX_POOLS && bp[j].id != r[k].id; j++ )
            ;
        b = j < nb && j < MAX_POOLS ? &bp[j] : NULL;
        json_array_append_new(a, pool_json(&r[k], b ? b->sched :
                                           policy_sched_name(r[k].sched), b));
    }
    for ( j = 0; j < nb && j < MAX_POOLS; j++ )
    {
        for ( k = 0; k < n && r[k].id != bp[j].id; k++ )
            ;
        if ( k == n )
            json_array_append_new(a, pool_json(&(struct pool_row){
                                                   .id = bp[j].id,
                                                   .cpus = bp[j].ncpus },
                                               bp[j].sched, &bp[j]));
    }
    return a;
}

void status_add_daemon(json_t *rep, json_t *dm, const struct daemon *d)
{
    uint32_t sig = d->stats.polls ? d->sample_signals : d->info.signals;
    const struct policy_config *p = d->conf ? &d->conf->policy : NULL;

    json_object_set_new(rep, "schema", json_integer(DAEMON_SCHEMA_VERSION));
    json_object_set_new(dm, "missing_metrics", missing_metrics(sig));
    json_object_set_new(dm, "effect_check", !p || !p->effect_polls ?
                        json_null() :
                        json_pack("{s:i, s:o, s:o}",
                                  "polls", (int)p->effect_polls,
                                  "min_pct", jreal(p->effect_min * 100),
                                  "hold_off_s", jreal(p->holdoff_ns / 1e9)));
    json_object_set_new(dm, "effects_helped",
                        json_integer((json_int_t)d->stats.effects_helped));
    json_object_set_new(dm, "effects_undone",
                        json_integer((json_int_t)d->stats.effects_undone));
    json_object_set_new(rep, "cpupools", cpupools(d));
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report_collect.c - what the replay report keeps of each poll of a run:
 * the timelines (min and max per bucket of every metric the policy's
 * conditions test, weight, cap, the class), the class changes and the
 * effect verdicts, the summary (time per class, changes, flaps,
 * weight x seconds given and taken), and for a comparison where two
 * runs' classes differ.  The files are written as it goes
 * (report_csv.c): nothing here grows with the recording's length.
 *
 * It reads the daemon's samples and decisions after daemon_poll(), as
 * coopctl status does; it changes nothing of the daemon.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "effects.h"
#include "metrics.h"
#include "report_collect.h"
#include "report_csv.h"

#define SPANS_PER_DOM(r)    (((r)->nseries + 2) * RPT_BUCKETS)

static void span_clear(struct rpt_span *s, unsigned int n)
{
    unsigned int i;

    for ( i = 0; i < n; i++ )
        s[i].lo = s[i].hi = NAN;
}

static void span_add(struct rpt_span *s, double v)
{
    float f = (float)v;

    if ( isnan(s->lo) || f < s->lo )
        s->lo = f;
    if ( isnan(s->hi) || f > s->hi )
        s->hi = f;
}

static struct rpt_span span_merge(struct rpt_span a, struct rpt_span b)
{
    if ( isnan(a.lo) )
        return b;
    if ( !isnan(b.lo) )
    {
        a.lo = b.lo < a.lo ? b.lo : a.lo;
        a.hi = b.hi > a.hi ? b.hi : a.hi;
    }
    return a;
}

static bool has_series(const struct rpt_run *r, enum policy_metric m)
{
    unsigned int i;

    for ( i = 0; i < r->nseries; i++ )
        if ( r->series[i] == m )
            return true;
    return false;
}

int rpt_run_init(struct rpt_run *r, struct daemon *d, struct rpt_time *tm,
                 const char *label, const char *conf_path)
{
    const struct policy_config *p = &d->conf->policy;
    unsigned int i, c;

    memset(r, 0, sizeof(*r));
    r->d = d;
    r->tm = tm;
    r->label = label;
    r->conf_path = conf_path;
    /* The metrics the classes test, in the order written, then cpu. */
    for ( i = 0; i < p->nclass; i++ )
        for ( c = 0; c < p->cls[i].ncond; c++ )
            if ( !has_series(r, p->cls[i].cond[c].metric) &&
                 r->nseries < RPT_SERIES_MAX - 1 )
                r->series[r->nseries++] = p->cls[i].cond[c].metric;
    if ( !has_series(r, M_CPU) )
        r->series[r->nseries++] = M_CPU;
    r->map = calloc(POLICY_DOMID_LIMIT, sizeof(*r->map));
    r->pool = calloc(RPT_POOLS_MAX, sizeof(*r->pool));
    return r->map && r->pool ? 0 : -ENOMEM;
}

static void dom_free(struct rpt_dom *dm)
{
    free(dm->span);
    free(dm->cls_mask);
    free(dm->cls_last);
    free(dm->diff);
    free(dm->ev);
}

void rpt_run_free(struct rpt_run *r)
{
    unsigned int i;

    for ( i = 0; i < r->ndom; i++ )
        dom_free(&r->dom[i]);
    free(r->dom);
    free(r->map);
    free(r->pool);
    rpt_csv_close(r);
}

unsigned int rpt_time_at(struct rpt_time *tm, uint64_t now,
                         unsigned int *times)
{
    uint64_t k;

    *times = 0;
    tm->polls++;
    if ( !tm->started )
    {
        tm->started = true;
        tm->t0_ns = tm->last_ns = now;
        tm->nb = 1;
        return 0;
    }
    if ( !tm->bucket_ns )
        tm->bucket_ns = now > tm->t0_ns ? now - tm->t0_ns : 1000000;
    if ( now > tm->last_ns )
        tm->last_ns = now;
    k = (now - tm->t0_ns) / tm->bucket_ns;
    while ( k >= RPT_BUCKETS )
    {
        tm->bucket_ns *= 2;
        tm->nb = (tm->nb + 1) / 2;
        k = (now - tm->t0_ns) / tm->bucket_ns;
        (*times)++;
    }
    if ( k + 1 > tm->nb )
        tm->nb = (unsigned int)k + 1;
    return (unsigned int)k;
}

/* Merge pairs of buckets: the timeline now spans twice the time. */
static void compact_spans(struct rpt_span *s, unsigned int nb)
{
    unsigned int k;

    for ( k = 0; k < (nb + 1) / 2; k++ )
        s[k] = span_merge(s[2 * k], 2 * k + 1 < nb ? s[2 * k + 1]
                                                   : (struct rpt_span){
                                                       NAN, NAN });
    span_clear(s + k, RPT_BUCKETS - k);
}

void rpt_run_compact(struct rpt_run *r, unsigned int old_nb, unsigned int times)
{
    unsigned int i, j, k, t, nb;

    for ( t = 0, nb = old_nb; t < times; t++, nb = (nb + 1) / 2 )
    {
        for ( i = 0; i < r->ndom; i++ )
        {
            struct rpt_dom *dm = &r->dom[i];

            for ( j = 0; j < r->nseries + 2; j++ )
                compact_spans(dm->span + j * RPT_BUCKETS, nb);
            for ( k = 0; k < (nb + 1) / 2; k++ )
            {
                bool two = 2 * k + 1 < nb;

                dm->cls_mask[k] = dm->cls_mask[2 * k] |
                                  (two ? dm->cls_mask[2 * k + 1] : 0);
                dm->cls_last[k] = two && dm->cls_mask[2 * k + 1] ?
                                  dm->cls_last[2 * k + 1] :
                                  dm->cls_last[2 * k];
                dm->diff[k] = dm->diff[2 * k] | (two ? dm->diff[2 * k + 1]
                                                     : 0);
            }
            memset(dm->cls_mask + k, 0, (RPT_BUCKETS - k) *
                                        sizeof(*dm->cls_mask));
            memset(dm->diff + k, 0, RPT_BUCKETS - k);
        }
        for ( i = 0; i < r->npool; i++ )
        {
            compact_spans(r->pool[i].busy, nb);
            compact_spans(r->pool[i].wait, nb);
        }
    }
}

static struct rpt_dom *dom_new(struct rpt_run *r, const struct policy_sample *s,
                               uint64_t now)
{
    struct rpt_dom *dm;
    unsigned int n = SPANS_PER_DOM(r);

    if ( r->ndom == r->maxdom )
    {
        unsigned int nmax = r->maxdom ? r->maxdom * 2 : 64;
        struct rpt_dom *nd = realloc(r->dom, nmax * sizeof(*nd));

        if ( !nd )
            return NULL;
        r->dom = nd;
        r->maxdom = nmax;
    }
    dm = &r->dom[r->ndom];
    memset(dm, 0, sizeof(*dm));
    dm->span = malloc(n * sizeof(*dm->span));
    dm->cls_mask = calloc(RPT_BUCKETS, sizeof(*dm->cls_mask));
    dm->cls_last = calloc(RPT_BUCKETS, sizeof(*dm->cls_last));
    dm->diff = calloc(RPT_BUCKETS, 1);
    if ( !dm->span || !dm->cls_mask || !dm->cls_last || !dm->diff )
    {
        dom_free(dm);
        return NULL;
    }
    span_clear(dm->span, n);
    dm->domid = s->domid;
    memcpy(dm->uuid, s->uuid, sizeof(dm->uuid));
    dm->first_ns = now;
    dm->cls = POLICY_CLASS_NONE;
    dm->cls_from_start = true;
    rpt_csv_name(dm, s->name, sizeof(s->name));
    r->map[s->domid] = ++r->ndom;
    return dm;
}

/* The domain of a sample: known, or new (first sight, or a new UUID). */
static struct rpt_dom *dom_of(struct rpt_run *r, const struct policy_sample *s,
                              uint64_t now)
{
    uint32_t idx = s->domid < POLICY_DOMID_LIMIT ? r->map[s->domid] : 0;

    if ( s->domid >= POLICY_DOMID_LIMIT )
        return NULL;
    if ( idx && !memcmp(r->dom[idx - 1].uuid, s->uuid, 16) )
        return &r->dom[idx - 1];
    return dom_new(r, s, now);
}

static void event(struct rpt_dom *dm, struct rpt_event ev)
{
    struct rpt_event *ne;

    if ( dm->nev == dm->maxev )
    {
        unsigned int nmax = dm->maxev ? dm->maxev * 2 : 16;

        if ( nmax > RPT_EVENTS_MAX )
            nmax = RPT_EVENTS_MAX;
        if ( nmax == dm->maxev ||
             !(ne = realloc(dm->ev, nmax * sizeof(*ne))) )
        {
            dm->ev_cut = true;
            return;
        }
        dm->ev = ne;
        dm->maxev = nmax;
    }
    dm->ev[dm->nev++] = ev;
}

/* The interval since the domain's last poll goes to what it was then. */
static void account(struct rpt_run *r, struct rpt_dom *dm, uint64_t now)
{
    double dt = (double)(now - dm->last_ns) / 1e9;
    double dw = ((double)dm->w - (double)dm->base_w) * dt;

    if ( !dm->seen || now < dm->last_ns )
        return;
    dm->class_ns[dm->cls + 1] += now - dm->last_ns;
    if ( dw > 0 )
    {
        dm->w_given += dw;
        r->w_given += dw;
    }
    else
    {
        dm->w_taken -= dw;
        r->w_taken -= dw;
    }
}

/*
 * A class change.  The first one after first sight is the domain's
 * placement (from "none"): written and drawn, but not counted as a
 * change, and the wait in "none" before it is no flap.  Nor is leaving
 * the placement: a domain placed in the catch-all at its first rates and
 * moved on one dwell later (the shipped policy's spinners: base, then
 * cpu-hog once the server's wait shows) took the policy's normal path.
 */
static void class_change(struct rpt_run *r, struct rpt_dom *dm,
                         const struct policy_sample *s,
                         const struct policy_decision *dc, uint64_t now)
{
    unsigned int dwell = r->d->conf->policy.dwell;

    if ( !dm->cls_from_start )
    {
        /* Left within a dwell window of entering: a flap (not the
         * placement's class: no change counted yet). */
        if ( dm->changes && dm->polls_in_cls <= (dwell ? dwell : 1) )
        {
            dm->flaps++;
            r->flaps++;
        }
        dm->changes++;
        r->changes++;
    }
    event(dm, (struct rpt_event){ .t_ns = now, .from = (int16_t)dc->prev_cls,
                                  .to = (int16_t)dc->cls,
                                  .kind = RPT_EV_CHANGE });
    rpt_csv_decision(r, dm, s, dc, now);
    dm->polls_in_cls = 0;
    dm->cls_from_start = false;
}

static void verdict(struct rpt_run *r, struct rpt_dom *dm,
                    const struct policy_sample *s,
                    const struct policy_decision *dc, uint64_t now)
{
    bool helped = dc->effect == POLICY_EFFECT_HELPED;

    if ( helped )
        dm->helped++, r->helped++;
    else
        dm->undone++, r->undone++;
    event(dm, (struct rpt_event){
        .t_ns = now, .kind = helped ? RPT_EV_HELPED : RPT_EV_UNDONE,
        .from = (int16_t)effects_judged_class(dc),
        .to = (int16_t)dc->cls, .before = (float)dc->effect_before,
        .after = (float)dc->effect_after,
        .measure = (uint8_t)dc->effect_measure,
        .waiter = dc->effect_waiter });
    rpt_csv_effect(r, dm, s, dc, now);
}

static struct rpt_pool *pool_of(struct rpt_run *r,
                                const struct policy_sample *s)
{
    unsigned int i;

    for ( i = 0; i < r->npool; i++ )
        if ( r->pool[i].id == s->cpupool )
            return &r->pool[i];
    if ( r->npool == RPT_POOLS_MAX )
        return NULL;
    r->pool[r->npool] = (struct rpt_pool){ .id = s->cpupool,
                                           .cpus = s->cpupool_cpus,
                                           .sched = s->sched };
    span_clear(r->pool[r->npool].busy, RPT_BUCKETS);
    span_clear(r->pool[r->npool].wait, RPT_BUCKETS);
    return &r->pool[r->npool++];
}

/* pool-busy as any domain sees it; the pool's wait as status reads it. */
static void pool_sample(struct rpt_run *r, unsigned int k,
                        const struct policy_sample *s,
                        const struct policy_decision *dc)
{
    struct rpt_pool *p = pool_of(r, s);

    if ( !p || !dc->rates_valid )
        return;
    if ( dc->metric_valid[M_CPUPOOL_BUSY] )
        span_add(&p->busy[k], dc->metric[M_CPUPOOL_BUSY]);
    if ( dc->metric_valid[M_CPU_WAIT] )
        span_add(&p->wait[k], dc->favoured ? dc->metric[M_CPU_WAIT] : 0);
}

static void timeline(struct rpt_run *r, struct rpt_dom *dm, unsigned int k,
                     const struct policy_sample *s,
                     const struct policy_decision *dc)
{
    unsigned int j;

    for ( j = 0; j < r->nseries; j++ )
        if ( dc->rates_valid && dc->metric_valid[r->series[j]] )
            span_add(&dm->span[j * RPT_BUCKETS + k],
                     dc->metric[r->series[j]]);
    span_add(&dm->span[r->nseries * RPT_BUCKETS + k], s->weight);
    span_add(&dm->span[(r->nseries + 1) * RPT_BUCKETS + k], s->cap);
    if ( dc->cls + 1 <= RPT_CLASSES_MAX )
        dm->cls_mask[k] |= 1u << (dc->cls + 1);
    dm->cls_last[k] = (int8_t)dc->cls;
}

int rpt_run_poll(struct rpt_run *r, unsigned int k, uint64_t now)
{
    const struct daemon *d = r->d;
    unsigned int i;

    for ( i = 0; i < d->ndoms; i++ )
    {
        const struct policy_sample *s = &d->samples[i];
        const struct policy_decision *dc = &d->decisions[i];
        struct rpt_dom *dm = dom_of(r, s, now);

        if ( !dm )
            return -ENOMEM;
        r->signals |= s->signals;
        account(r, dm, now);
        if ( dc->unmanaged == POLICY_MANAGED )
            dm->managed = true;
        dm->pool = s->cpupool;
        if ( dc->class_changed )
            class_change(r, dm, s, dc, now);
        if ( dc->effect_new )
            verdict(r, dm, s, dc, now);
        timeline(r, dm, k, s, dc);
        pool_sample(r, k, s, dc);
        rpt_csv_metrics(r, dm, s, dc, now);
        dm->seen = true;
        dm->cls = dc->cls;
        dm->polls_in_cls++;
        dm->w = s->weight;
        dm->cap = s->cap;
        dm->base_w = s->base_weight;
        dm->last_ns = now;
    }
    return 0;
}

void rpt_run_diff(struct rpt_run *a, const struct rpt_run *b, unsigned int k,
                  uint64_t now, uint64_t dt)
{
    const struct daemon *da = a->d, *db = b->d;
    unsigned int i;

    (void)now;
    for ( i = 0; i < da->ndoms && i < db->ndoms; i++ )
    {
        const struct policy_sample *s = &da->samples[i];
        uint32_t idx = s->domid < POLICY_DOMID_LIMIT ? a->map[s->domid] : 0;
        struct rpt_dom *dm = idx ? &a->dom[idx - 1] : NULL;

        if ( !dm || db->samples[i].domid != s->domid ||
             da->decisions[i].cls == db->decisions[i].cls )
            continue;
        dm->diff[k] = 1;
        dm->diff_polls++;
        dm->diff_ns += dt;
        a->diff_polls++;
    }
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * classify.c - smoothed metrics -> class: conditions with enter and leave
 * levels, first match wins, dwell, pins, stub domains that follow their
 * guest, and the effect check that undoes a class change that did not
 * help and bars that class for a while.
 *
 * Pure logic.  Reasons are formatted (floating point, the costly part of
 * a poll) only when a class is adopted or first settled.
 */
#include <stdio.h>
#include <string.h>

#include "policy_int.h"

enum cond_state { COND_FAILS, COND_HOLDS, COND_SKIPPED };

/* A condition on a smoothed value `v` (valid or not yet known). */
static enum cond_state cond_eval(const struct policy_cond *c, double v,
                                 bool valid, uint32_t signals, bool member)
{
    double lvl = member ? c->leave : c->enter;

    if ( c->skip_missing && policy_metric_missing(c->metric, signals) )
        return COND_SKIPPED;
    if ( !valid )
        return COND_FAILS;
    return (c->below ? v < lvl : v > lvl) ? COND_HOLDS : COND_FAILS;
}

static enum cond_state cond_state(const struct policy_cond *c,
                                  const struct dom_state *st,
                                  uint32_t signals, bool member)
{
    return cond_eval(c, st->ewma[c->metric], st->ewma_valid[c->metric],
                     signals, member);
}

static void describe(char *buf, const struct policy_cond *c,
                     const struct dom_state *st, bool member)
{
    snprintf(buf, POLICY_REASON_MAX, "%s %.1f %s %g",
             policy_metric_name(c->metric), st->ewma[c->metric],
             c->below ? "<" : ">", member ? c->leave : c->enter);
}

/* What decided a classification; turned into text only when shown. */
struct why {
    const struct policy_cond *cond;     /* NULL: catch-all or no match */
    const struct policy_class *all;     /* all-of: every condition held */
    uint32_t signals;
    bool member;
    bool matched;
};

/*
 * An any-of class names the condition that held; an all-of class every
 * condition that counted (a skipped one on a missing metric is left
 * out), so that "cpu-hog" shows the pool-wait that makes it a throttle
 * and not only the demand.  Cut at POLICY_REASON_MAX.
 */
static void why_text(char *buf, const struct why *w,
                     const struct dom_state *st)
{
    size_t len = 0;
    unsigned int i;

    if ( !w->cond )
    {
        snprintf(buf, POLICY_REASON_MAX, "%s",
                 w->matched ? "catch-all" : "no class matched");
        return;
    }
    if ( !w->all )
    {
        describe(buf, w->cond, st, w->member);
        return;
    }
    buf[0] = '\0';
    for ( i = 0; i < w->all->ncond && len < POLICY_REASON_MAX - 1; i++ )
    {
        const struct policy_cond *c = &w->all->cond[i];
        char one[POLICY_REASON_MAX];
        int n;

        if ( c->skip_missing && policy_metric_missing(c->metric, w->signals) )
            continue;
        describe(one, c, st, w->member);
        n = snprintf(buf + len, POLICY_REASON_MAX - len, "%s%s",
                     len ? ", " : "", one);
        if ( n < 0 )
            break;
        len += (size_t)n;
    }
}

/* Does class k match?  `w` gets the condition that decided it. */
static bool class_matches(const struct policy_class *k,
                          const struct dom_state *st, uint32_t signals,
                          bool member, struct why *w)
{
    const struct policy_cond *first = NULL;
    unsigned int i;

    *w = (struct why){ .member = member, .matched = true };
    if ( !k->ncond )
        return true;
    for ( i = 0; i < k->ncond; i++ )
    {
        enum cond_state cs = cond_state(&k->cond[i], st, signals, member);

        if ( cs == COND_SKIPPED )
            continue;
        if ( cs == COND_HOLDS && !k->match_all )
        {
            w->cond = &k->cond[i];
            return true;
        }
        if ( cs == COND_FAILS && k->match_all )
            return false;
        if ( !first )
            first = &k->cond[i];
    }
    /* all-of: every condition that counts held (and one did count). */
    if ( !k->match_all || !first )
        return false;
    w->cond = first;
    w->all = k;
    w->signals = signals;
    return true;
}

static bool barred(const struct dom_state *st, int cls, uint64_t now)
{
    unsigned int b;

    for ( b = 0; b < POLICY_BARS; b++ )
        if ( st->bar[b].cls == cls && st->bar[b].until_ns > now )
            return true;
    return false;
}

static void bar(struct dom_state *st, int cls, uint64_t until)
{
    unsigned int b, pick = 0;

    /* A free or expired slot, else the one that ends first. */
    for ( b = 0; b < POLICY_BARS; b++ )
    {
        if ( st->bar[b].cls == cls || st->bar[b].cls == POLICY_CLASS_NONE )
        {
            pick = b;
            break;
        }
        if ( st->bar[b].until_ns < st->bar[pick].until_ns )
            pick = b;
    }
    st->bar[pick] = (struct bar){ .cls = cls, .until_ns = until };
}

static int classify(const struct policy_config *cfg,
                    const struct dom_state *st, uint32_t signals,
                    uint64_t now, struct why *w)
{
    unsigned int i;

    for ( i = 0; i < cfg->nclass; i++ )
        if ( !barred(st, i, now) &&
             class_matches(&cfg->cls[i], st, signals, st->cls == (int)i, w) )
            return i;
    *w = (struct why){ .matched = false };
    return POLICY_CLASS_NONE;
}

static void adopt(struct dom_state *st, int cls, uint64_t now,
                  struct policy_decision *d)
{
    d->prev_cls = st->cls;
    d->class_changed = true;
    st->cls = cls;
    st->since_ns = now;
    st->pending = cls;
    st->pending_count = 0;
}

/*
 * Move toward the candidate class only once it has held for its dwell:
 * the class's own, else the configuration's (no class: leaving for none).
 */
static void dwell_step(const struct policy_config *cfg, struct dom_state *st,
                       int cand, uint64_t now, struct policy_decision *d)
{
    unsigned int dwell = cand >= 0 && cfg->cls[cand].dwell
                         ? cfg->cls[cand].dwell : cfg->dwell;

    if ( !dwell )
        dwell = 1;
    if ( cand == st->cls )
    {
        st->pending = cand;
        st->pending_count = 0;
        return;
    }
    if ( cand != st->pending )
    {
        st->pending = cand;
        st->pending_count = 0;
    }
    if ( ++st->pending_count < dwell )
        return;
    adopt(st, cand, now, d);
}

const char *policy_measure_name(enum policy_effect_measure m)
{
    switch ( m )
    {
    case POLICY_MEASURE_WAIT:           return "wait";
    case POLICY_MEASURE_WAITER_WAIT:    return "waiter-wait";
    case POLICY_MEASURE_POOL_WAIT:      return "pool-wait";
    case POLICY_MEASURE_NONE:           break;
    }
    return "";
}

char *policy_measure_text(enum policy_effect_measure m, uint32_t waiter,
                          char *buf, size_t len)
{
    if ( m == POLICY_MEASURE_WAITER_WAIT )
        snprintf(buf, len, "d%u's wait", waiter);
    else
        snprintf(buf, len, "%s", policy_measure_name(m));
    return buf;
}

static void fmt_duration(char *buf, size_t len, uint64_t ns)
{
    uint64_t s = ns / 1000000000ull;

    if ( s >= 3600 && !(s % 3600) )
        snprintf(buf, len, "%lluh", (unsigned long long)(s / 3600));
    else if ( s >= 60 && !(s % 60) )
        snprintf(buf, len, "%llum", (unsigned long long)(s / 60));
    else
        snprintf(buf, len, "%llus", (unsigned long long)s);
}

/*
 * The measure a pending check follows, into st->eff_after.  A throttle
 * follows the cpu-wait of its waiter (the domain whose wait made the
 * pool-wait at the move) whether or not that domain is still favoured:
 * pool-wait itself drops to 0 when the waiter's own move is undone, which
 * would pass a throttle that helped no one.  False if the waiter is gone
 * (no verdict is possible).
 */
static bool effect_follow(struct policy_engine *pe, struct dom_state *st)
{
    const struct dom_state *w;

    if ( st->eff_measure == POLICY_MEASURE_WAIT )
    {
        if ( st->ewma_valid[M_CPU_WAIT] )
            st->eff_after = st->ewma[M_CPU_WAIT];
        return true;
    }
    if ( st->eff_measure == POLICY_MEASURE_POOL_WAIT )
    {
        if ( st->ewma_valid[M_CPUPOOL_WAIT] )
            st->eff_after = st->ewma[M_CPUPOOL_WAIT];
        return true;
    }
    w = policy_lookup(pe, st->eff_waiter);
    if ( !w || memcmp(w->uuid, st->eff_waiter_uuid, sizeof(w->uuid)) )
        return false;
    if ( w->ewma_valid[M_CPU_WAIT] )
        st->eff_after = w->ewma[M_CPU_WAIT];
    return true;
}

/*
 * The effect check of the class the domain is in.  Returns true if the
 * change was undone this poll (the domain went back to where it came
 * from, and that class is barred).
 */
static bool effect_judge(struct policy_engine *pe, struct dom_state *st,
                         uint64_t now, struct policy_decision *d)
{
    const struct policy_config *cfg = pe->cfg;
    char hold[24], what[24];
    int tried = st->cls;

    if ( st->eff != POLICY_EFFECT_PENDING )
        return false;
    if ( !effect_follow(pe, st) )
    {
        st->eff = POLICY_EFFECT_NONE;   /* its waiter is gone: no verdict */
        return false;
    }
    if ( ++st->eff_polls < cfg->effect_polls )
        return false;
    if ( st->eff_after < POLICY_EFFECT_FLOOR ||
         st->eff_after <= st->eff_before * (1.0 - cfg->effect_min) )
    {
        st->eff = POLICY_EFFECT_HELPED;
        /* The verdict stays this poll's news even if the class changes. */
        policy_effect_copy(st, d);
        d->effect_new = true;
        return false;
    }
    st->eff = POLICY_EFFECT_UNDONE;
    policy_effect_copy(st, d);
    d->effect_new = true;
    bar(st, tried, now + cfg->holdoff_ns);
    adopt(st, st->eff_from, now, d);
    fmt_duration(hold, sizeof(hold), cfg->holdoff_ns);
    snprintf(st->reason, sizeof(st->reason),
             "%s did not help: %s %.1f%% -> %.1f%% in %u polls; barred %s",
             policy_class_name(cfg, tried),
             policy_measure_text(st->eff_measure, st->eff_waiter, what,
                                 sizeof(what)),
             st->eff_before, st->eff_after, st->eff_polls, hold);
    st->classified = false;
    return true;
}

/*
 * Pass 3: the class of one domain.  `follow` is the class of the guest a
 * stub domain follows, or NO_FOLLOW (< POLICY_CLASS_NONE).
 */
void policy_classify(struct policy_engine *pe, uint64_t now,
                     const struct policy_sample *s, struct policy_decision *d,
                     const struct policy_override *o, int follow)
{
    const struct policy_config *cfg = pe->cfg;
    struct dom_state *st = policy_lookup(pe, s->domid);
    struct why why;
    int cand;

    memset(d, 0, sizeof(*d));
    d->domid = s->domid;
    d->cls = d->prev_cls = POLICY_CLASS_NONE;
    d->weight = s->base_weight;
    d->cap = s->base_cap;
    if ( !st )
    {
        d->unmanaged = POLICY_EXCL_DYING;
        return;
    }
    if ( st->eff == POLICY_EFFECT_UNDONE )
        st->eff = POLICY_EFFECT_NONE;   /* that was last poll's news */
    d->rates_valid = st->ewma_valid[M_CPU] || st->ewma_valid[M_IO];
    memcpy(d->metric, st->ewma, sizeof(d->metric));
    memcpy(d->metric_valid, st->ewma_valid, sizeof(d->metric_valid));
    d->prev_cls = st->cls;
    d->unmanaged = policy_unmanaged_why(cfg, s, o);
    if ( d->unmanaged != POLICY_MANAGED )
    {
        st->cls = st->pending = POLICY_CLASS_NONE;
        st->eff = POLICY_EFFECT_NONE;
        st->classified = false;
        snprintf(st->reason, sizeof(st->reason), "not managed");
    }
    else if ( follow >= POLICY_CLASS_NONE )
    {
        d->class_changed = st->cls != follow;
        if ( d->class_changed )
            st->since_ns = now;
        st->cls = st->pending = follow;
        st->classified = false;
        snprintf(st->reason, sizeof(st->reason), "follows its guest d%d",
                 s->stub_of);
    }
    else if ( st->pin != POLICY_CLASS_NONE || (o && o->pin >= 0) )
    {
        int pin = st->pin != POLICY_CLASS_NONE ? st->pin : o->pin;

        d->pinned = true;
        d->class_changed = st->cls != pin;
        if ( d->class_changed )
            st->since_ns = now;
        st->cls = st->pending = pin;
        st->classified = false;
        snprintf(st->reason, sizeof(st->reason), "pinned");
    }
    else if ( effect_judge(pe, st, now, d) )
        ;                               /* undone: reason says why */
    else if ( d->rates_valid )
    {
        cand = classify(cfg, st, s->signals, now, &why);
        dwell_step(cfg, st, cand, now, d);
        if ( d->class_changed || (!st->classified && cand == st->cls) )
        {
            why_text(st->reason, &why, st);
            st->classified = true;
        }
    }
    else
        snprintf(st->reason, sizeof(st->reason), "first sample");
    memcpy(d->reason, st->reason, sizeof(d->reason));
    d->cls = st->cls;
    d->since_ns = st->since_ns;
}

/*
 * After the targets: a class change made by classification is judged by
 * what it was for.  Pins, stubs that follow and undos are not judged.
 */
void policy_effect_arm(struct policy_engine *pe, struct dom_state *st,
                       const struct policy_sample *s,
                       const struct policy_decision *d,
                       const struct cpupool_acc *pa)
{
    const struct policy_config *cfg = pe->cfg;
    enum policy_effect_measure m = POLICY_MEASURE_NONE;
    enum policy_metric metric;

    /* An undo is not judged again; it shows as undone for this poll. */
    if ( !d->class_changed || st->eff == POLICY_EFFECT_UNDONE )
        return;
    st->eff = POLICY_EFFECT_NONE;
    if ( d->pinned || !cfg->effect_polls ||
         d->unmanaged != POLICY_MANAGED ||
         (s->stub_of >= 0 && cfg->stub_follows_guest) )
        return;
    if ( d->favoured )
        m = POLICY_MEASURE_WAIT;
    else if ( d->throttled )
        m = POLICY_MEASURE_POOL_WAIT;
    metric = m == POLICY_MEASURE_POOL_WAIT ? M_CPUPOOL_WAIT : M_CPU_WAIT;
    if ( m == POLICY_MEASURE_NONE || !st->ewma_valid[metric] )
        return;
    st->eff = POLICY_EFFECT_PENDING;
    st->eff_measure = m;
    st->eff_before = st->eff_after = st->ewma[metric];
    st->eff_polls = 0;
    st->eff_from = d->prev_cls;
    st->eff_waiter = 0;
    if ( m == POLICY_MEASURE_POOL_WAIT && pa )
    {
        uint32_t waiter;
        const struct dom_state *w;

        if ( policy_cpupool_waiter(pa, s->domid, &waiter) > 0 &&
             (w = policy_lookup(pe, waiter)) != NULL )
        {
            st->eff_measure = POLICY_MEASURE_WAITER_WAIT;
            st->eff_waiter = waiter;
            memcpy(st->eff_waiter_uuid, w->uuid, sizeof(st->eff_waiter_uuid));
        }
    }
}

void policy_effect_copy(const struct dom_state *st,
                        struct policy_decision *d)
{
    if ( d->effect_new )
        return;                 /* keeps the verdict copied when judged */
    d->effect = st->eff;
    d->effect_measure = st->eff == POLICY_EFFECT_NONE ? POLICY_MEASURE_NONE
                                                      : st->eff_measure;
    d->effect_waiter = st->eff_waiter;
    d->effect_before = st->eff_before;
    d->effect_after = st->eff_after;
    d->effect_polls = st->eff_polls;
}

/*
 * For display only (coopctl status, the replay report): the conditions
 * of class `cls` on the decision's smoothed metrics, at the level that
 * counts for a member (`leave`) or a newcomer (`enter`).  Costs a
 * formatted double per condition: never called from a poll.
 */
bool policy_explain(const struct policy_config *cfg, int cls,
                    const struct policy_decision *d, uint32_t signals,
                    bool member, char *buf, size_t len)
{
    const struct policy_class *k;
    bool holds, any = false, all = true;
    size_t off = 0;
    unsigned int i;

    if ( !len )
        return false;
    buf[0] = '\0';
    if ( cls < 0 || !cfg || (unsigned int)cls >= cfg->nclass )
    {
        snprintf(buf, len, "no class matched");
        return false;
    }
    k = &cfg->cls[cls];
    if ( !k->ncond )
    {
        snprintf(buf, len, "catch-all");
        return true;
    }
    for ( i = 0; i < k->ncond; i++ )
    {
        const struct policy_cond *c = &k->cond[i];
        double v = d->metric[c->metric];
        bool valid = d->rates_valid && d->metric_valid[c->metric];
        enum cond_state cs = cond_eval(c, v, valid, signals, member);
        const char *op = c->below ? "<" : ">";
        double lvl = member ? c->leave : c->enter;
        int n;

        if ( cs == COND_SKIPPED )
            n = snprintf(buf + off, len - off, "%s%s missing (skipped)",
                         off ? ", " : "", policy_metric_name(c->metric));
        else if ( !valid )
            n = snprintf(buf + off, len - off, "%s%s unknown", off ? ", " : "",
                         policy_metric_name(c->metric));
        else
            n = snprintf(buf + off, len - off, "%s%s %.1f %s%s %g",
                         off ? ", " : "", policy_metric_name(c->metric), v,
                         cs == COND_HOLDS ? "" : "not ", op, lvl);
        if ( n > 0 )
            off = (size_t)n < len - off ? off + (size_t)n : len - 1;
        if ( cs == COND_SKIPPED )
            continue;
        any |= cs == COND_HOLDS;
        all &= cs == COND_HOLDS;
    }
    holds = k->match_all ? all : any;
    /* all-of with every condition skipped does not match (class_matches) */
    if ( k->match_all && !any && all )
        holds = false;
    return holds;
}

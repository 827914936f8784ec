/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * targets.c - class -> target weight and cap, and who is managed at all.
 *
 * Most actions depend on the domain alone (its base values and vCPUs).
 * Two depend on its cpupool: `weight = share N%` (entitled to N % of the
 * pool, given the weights of the pool's other active domains) and
 * `cap = rest` (an even part of what the pool's other domains want
 * leaves), which policy_cpupool_add()/policy_cpupool_finish() prepare.
 *
 * Pure logic.  A throttling cap never loosens the administrator's own
 * (base) cap; only an explicit `cap = none` lifts it.
 */
#include <fnmatch.h>
#include <math.h>
#include <string.h>

#include "policy_int.h"

const struct policy_override *policy_find_override(
    const struct policy_config *cfg, const struct policy_sample *s)
{
    unsigned int i;

    for ( i = 0; i < cfg->noverride; i++ )
    {
        const struct policy_override *o = &cfg->ovr[i];

        if ( o->by_uuid ? !memcmp(o->uuid, s->uuid, sizeof(o->uuid))
                        : !fnmatch(o->pattern, s->name, 0) )
            return o;
    }
    return NULL;
}

enum policy_unmanaged policy_unmanaged_why(const struct policy_config *cfg,
                                           const struct policy_sample *s,
                                           const struct policy_override *o)
{
    if ( s->flags & (POLICY_DOM_DYING | POLICY_DOM_SHUTDOWN) )
        return POLICY_EXCL_DYING;
    if ( s->sched == POLICY_SCHED_OTHER )
        return POLICY_EXCL_SCHED;
    if ( s->domid == 0 && !cfg->manage_dom0 )
        return POLICY_EXCL_DOM0;
    if ( o && o->exclude )
        return POLICY_EXCL_OVERRIDE;
    return POLICY_MANAGED;
}

static uint32_t clamp_u32(uint64_t v, uint32_t lo, uint32_t hi)
{
    return v < lo ? lo : v > hi ? hi : (uint32_t)v;
}

static const struct policy_class *class_of(const struct policy_config *cfg,
                                           int cls)
{
    return cls >= 0 && (unsigned int)cls < cfg->nclass ? &cfg->cls[cls]
                                                       : NULL;
}

/* credit weighs domains, credit2 each vCPU with its domain's weight. */
static double units_per_weight(const struct policy_sample *s)
{
    return s->sched == POLICY_SCHED_CREDIT2 && s->vcpus ? s->vcpus : 1;
}

/* Round up to four significant bits: shares that differ by a few
 * units do not make a new hypercall every poll. */
static uint64_t round_up_coarse(uint64_t w)
{
    unsigned int bits = 0;
    uint64_t step;

    while ( (w >> bits) > 15 )
        bits++;
    step = 1ull << bits;
    return (w + step - 1) / step * step;
}

static uint64_t share_weight(const struct policy_class *k,
                             const struct policy_sample *s,
                             const struct policy_cpupool_view *pv)
{
    double units;

    /* No other active domain: there is nothing to share against. */
    if ( !pv || pv->share_base <= 0 )
        return s->base_weight;
    units = k->weight / 100.0 * pv->share_scale * pv->share_base;
    units /= units_per_weight(s);
    if ( units > POLICY_WEIGHT_MAX )
        units = POLICY_WEIGHT_MAX;
    return round_up_coarse((uint64_t)ceil(units - 1e-6));
}

static uint64_t target_weight(const struct policy_class *k,
                              const struct policy_override *ovr,
                              const struct policy_sample *s,
                              const struct policy_cpupool_view *pv)
{
    uint64_t w = s->base_weight;

    if ( !k )
        return w;
    switch ( k->weight_kind )
    {
    case POLICY_WEIGHT_KEEP:
        break;
    case POLICY_WEIGHT_ABS:
        w = k->weight;
        break;
    case POLICY_WEIGHT_PCT:
        w = ((uint64_t)s->base_weight * k->weight + 50) / 100;
        break;
    case POLICY_WEIGHT_SHARE:
        /* "At least N %": never below what the base already gives. */
        w = share_weight(k, s, pv);
        if ( w < s->base_weight )
            w = s->base_weight;
        break;
    }
    if ( ovr && ovr->weight_min && w < ovr->weight_min )
        w = ovr->weight_min;
    if ( ovr && ovr->weight_max && w > ovr->weight_max )
        w = ovr->weight_max;
    return w;
}

static uint64_t target_cap(const struct policy_class *k,
                           const struct policy_sample *s,
                           const struct policy_cpupool_view *pv)
{
    uint64_t vcpus = s->vcpus ? s->vcpus : 1, c;

    if ( !k )
        return s->base_cap;
    switch ( k->cap_kind )
    {
    case POLICY_CAP_KEEP:
        return s->base_cap;
    case POLICY_CAP_NONE:
        return 0;
    case POLICY_CAP_ABS:
        c = k->cap;
        break;
    case POLICY_CAP_PCT_VCPU:
        /* Never 0 from a percentage: 0 means "no cap". */
        c = (uint64_t)k->cap * vcpus;
        if ( !c )
            c = 1;
        break;
    case POLICY_CAP_REST:
        if ( !pv || !pv->rest_cap || pv->rest_cap >= 100 * vcpus )
            return s->base_cap;         /* it would not bind */
        c = pv->rest_cap;
        break;
    default:
        return s->base_cap;
    }
    /* A throttle never loosens the administrator's cap. */
    if ( s->base_cap && s->base_cap < c )
        c = s->base_cap;
    return c;
}

void policy_target(const struct policy_config *cfg, int cls,
                   const struct policy_override *ovr,
                   const struct policy_sample *s,
                   const struct policy_cpupool_view *pv,
                   uint32_t *weight, uint32_t *cap)
{
    const struct policy_class *k = class_of(cfg, cls);
    uint32_t cap_max = 100 * (s->vcpus ? s->vcpus : 1);

    *weight = clamp_u32(target_weight(k, ovr, s, pv), POLICY_WEIGHT_MIN,
                        POLICY_WEIGHT_MAX);
    *cap = clamp_u32(target_cap(k, s, pv), 0, cap_max);
}

double policy_demand_pcpu(const struct dom_state *st,
                          const struct policy_sample *s)
{
    if ( st->ewma_valid[M_CPU_DEMAND] )
        return st->ewma[M_CPU_DEMAND] * s->vcpus;
    if ( st->ewma_valid[M_CPU] )
        return st->ewma[M_CPU] * s->vcpus;
    return 0;
}

/* One managed domain's part in its pool's share and rest sums. */
void policy_cpupool_add(const struct policy_config *cfg, struct cpupool_acc *pa,
                     const struct dom_state *st,
                     const struct policy_sample *s,
                     const struct policy_override *o, int cls)
{
    const struct policy_class *k = class_of(cfg, cls);
    double demand = policy_demand_pcpu(st, s);
    bool active = demand >= POLICY_ACTIVE_MIN;

    /*
     * A share class's domain asks for its share active or not: its own
     * weight then stays put while it idles between bursts (an idle domain
     * takes no CPU whatever its weight), instead of falling to its base
     * and coming back a poll late when the burst starts.
     */
    if ( k && k->weight_kind == POLICY_WEIGHT_SHARE )
        pa->share_sum += k->weight / 100.0;
    else if ( active )
        pa->share_units += (double)target_weight(k, o, s, NULL) *
                           units_per_weight(s);
    if ( k && k->cap_kind == POLICY_CAP_REST )
        pa->nrest++;
    else
        pa->used += demand;
}

void policy_cpupool_finish(struct cpupool_acc *pa)
{
    double f = pa->share_sum, rest;
    uint32_t each;

    pa->view.share_scale = f > POLICY_SHARE_MAX ? POLICY_SHARE_MAX / f : 1;
    f *= pa->view.share_scale;
    pa->view.share_base = pa->share_units / (1.0 - f);
    pa->view.rest_cap = 0;
    if ( !pa->nrest )
        return;
    rest = pa->cpus * 100.0 - pa->used;
    /* To the nearest multiple of 5: a step of the demand, not noise. */
    each = rest > 0 ? (uint32_t)(rest / pa->nrest / 5.0 + 0.5) * 5 : 0;
    pa->view.rest_cap = each < POLICY_REST_MIN ? POLICY_REST_MIN : each;
}

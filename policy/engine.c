/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * engine.c - the policy engine: per-domain history, configuration swaps,
 * pins, and one poll run as passes over all domains.
 *
 * Pure logic: it must never call Xen, read a clock or do I/O.  Per-domain
 * history lives in a slot table indexed through a domid map, so a poll in
 * the steady state allocates nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

#define NO_FOLLOW       (-2)    /* policy_classify(): not a stub to follow */

static const char *const metric_names[M__COUNT] = {
    [M_CPU] = "cpu",
    [M_IOREQ] = "ioreq",
    [M_IOREQ_PIO] = "ioreq-pio",
    [M_IOREQ_MMIO] = "ioreq-mmio",
    [M_IOREQ_READ] = "ioreq-read",
    [M_IOREQ_WRITE] = "ioreq-write",
    [M_IOREQ_BYTES] = "ioreq-bytes",
    [M_IOREQ_XEN] = "ioreq-xen",
    [M_IOREQ_DM] = "ioreq-dm",
    [M_IOREQ_NONE] = "ioreq-none",
    [M_VBD_IOPS] = "vbd-iops",
    [M_VBD_SECTORS] = "vbd-sectors",
    [M_NET_PKTS] = "net-pkts",
    [M_NET_BYTES] = "net-bytes",
    [M_IO] = "io",
    [M_CPUPOOL_BUSY] = "pool-busy",
    [M_CPU_WAIT] = "cpu-wait",
    [M_CPU_DEMAND] = "cpu-demand",
    [M_CPUPOOL_WAIT] = "pool-wait",
    [M_DM_CPU] = "dm-cpu",
    [M_DM_RUNS] = "dm-runs",
};

const char *policy_sched_name(enum policy_sched s)
{
    switch ( s )
    {
    case POLICY_SCHED_CREDIT: return "credit";
    case POLICY_SCHED_CREDIT2: return "credit2";
    default: return "other";
    }
}

int policy_sched_lookup(const char *name)
{
    if ( !strcmp(name, "credit") )
        return POLICY_SCHED_CREDIT;
    if ( !strcmp(name, "credit2") )
        return POLICY_SCHED_CREDIT2;
    if ( !strcmp(name, "other") )
        return POLICY_SCHED_OTHER;
    return -1;
}

const char *policy_metric_name(enum policy_metric m)
{
    return (unsigned int)m < M__COUNT ? metric_names[m] : "?";
}

int policy_metric_lookup(const char *name)
{
    int i;

    for ( i = 0; i < M__COUNT; i++ )
        if ( !strcmp(name, metric_names[i]) )
            return i;
    return -1;
}

const char *policy_class_name(const struct policy_config *cfg, int cls)
{
    if ( cls < 0 || !cfg || (unsigned int)cls >= cfg->nclass )
        return "none";
    return cfg->cls[cls].name;
}

static int grow(struct policy_engine *pe, unsigned int want)
{
    struct dom_state *ns;
    uint32_t *nf;
    unsigned int i;

    if ( want <= pe->nslot )
        return 0;
    ns = realloc(pe->slot, want * sizeof(*ns));
    if ( !ns )
        return -ENOMEM;
    pe->slot = ns;
    memset(ns + pe->nslot, 0, (want - pe->nslot) * sizeof(*ns));
    nf = realloc(pe->free_slots, want * sizeof(*nf));
    if ( !nf )
        return -ENOMEM;
    pe->free_slots = nf;
    /* Push new slots so that the lowest index is handed out first. */
    for ( i = want; i-- > pe->nslot; )
        pe->free_slots[pe->nfree++] = i;
    pe->nslot = want;
    return 0;
}

struct policy_engine *policy_new(const struct policy_config *cfg,
                                 unsigned int hint)
{
    struct policy_engine *pe = calloc(1, sizeof(*pe));
    unsigned int i;

    if ( !pe )
        return NULL;
    pe->cfg = cfg;
    pe->map = malloc(POLICY_DOMID_LIMIT * sizeof(*pe->map));
    if ( !pe->map || grow(pe, hint ? hint : 64) )
    {
        policy_free(pe);
        return NULL;
    }
    for ( i = 0; i < POLICY_DOMID_LIMIT; i++ )
        pe->map[i] = NO_SLOT;
    return pe;
}

void policy_free(struct policy_engine *pe)
{
    if ( !pe )
        return;
    free(pe->map);
    free(pe->slot);
    free(pe->free_slots);
    free(pe);
}

static int remap_class(const struct policy_config *old,
                       const struct policy_config *new, int cls)
{
    unsigned int i;

    if ( cls < 0 || !old || (unsigned int)cls >= old->nclass )
        return POLICY_CLASS_NONE;
    for ( i = 0; i < new->nclass; i++ )
        if ( !strcmp(new->cls[i].name, old->cls[cls].name) )
            return i;
    return POLICY_CLASS_NONE;
}

void policy_set_config(struct policy_engine *pe,
                       const struct policy_config *cfg)
{
    unsigned int i, b;

    for ( i = 0; i < pe->nslot; i++ )
    {
        struct dom_state *st = &pe->slot[i];

        if ( !st->gen )
            continue;
        st->cls = remap_class(pe->cfg, cfg, st->cls);
        st->pending = remap_class(pe->cfg, cfg, st->pending);
        st->pin = remap_class(pe->cfg, cfg, st->pin);
        st->eff_from = remap_class(pe->cfg, cfg, st->eff_from);
        for ( b = 0; b < POLICY_BARS; b++ )
            st->bar[b].cls = remap_class(pe->cfg, cfg, st->bar[b].cls);
    }
    pe->cfg = cfg;
}

struct dom_state *policy_lookup(struct policy_engine *pe, uint32_t domid)
{
    if ( domid >= POLICY_DOMID_LIMIT || pe->map[domid] == NO_SLOT )
        return NULL;
    return &pe->slot[pe->map[domid]];
}

int policy_pin(struct policy_engine *pe, uint32_t domid, int cls)
{
    struct dom_state *st = policy_lookup(pe, domid);

    if ( !st )
        return -ENOENT;
    if ( cls >= 0 && (unsigned int)cls >= pe->cfg->nclass )
        return -EINVAL;
    st->pin = cls < 0 ? POLICY_CLASS_NONE : cls;
    return 0;
}

static void state_reset(struct dom_state *st, const struct policy_sample *s)
{
    unsigned int b;

    memset(st, 0, sizeof(*st));
    st->domid = s->domid;
    memcpy(st->uuid, s->uuid, sizeof(st->uuid));
    st->cls = st->pending = st->pin = st->eff_from = POLICY_CLASS_NONE;
    for ( b = 0; b < POLICY_BARS; b++ )
        st->bar[b].cls = POLICY_CLASS_NONE;
}

/* The state for a sample: found, fresh for a new domain or a new UUID. */
static struct dom_state *state_for(struct policy_engine *pe,
                                   const struct policy_sample *s)
{
    struct dom_state *st = policy_lookup(pe, s->domid);

    if ( s->domid >= POLICY_DOMID_LIMIT )
        return NULL;
    if ( st )
    {
        if ( memcmp(st->uuid, s->uuid, sizeof(st->uuid)) )
            state_reset(st, s);     /* domid reused by another domain */
        return st;
    }
    if ( !pe->nfree )
        return NULL;
    pe->map[s->domid] = pe->free_slots[--pe->nfree];
    st = &pe->slot[pe->map[s->domid]];
    state_reset(st, s);
    return st;
}

struct cpupool_acc *policy_cpupool_for(struct policy_engine *pe,
                                 const struct policy_sample *s)
{
    unsigned int i;

    for ( i = 0; i < pe->ncpupools; i++ )
        if ( pe->cpupool[i].id == s->cpupool )
            return &pe->cpupool[i];
    if ( pe->ncpupools == MAX_CPUPOOLS )
        return NULL;
    pe->cpupool[pe->ncpupools] = (struct cpupool_acc){ .id = s->cpupool,
                                             .cpus = s->cpupool_cpus,
                                             .sched = s->sched };
    return &pe->cpupool[pe->ncpupools++];
}

/*
 * A domain is gone when its slot was not stamped this poll.  Walking the
 * slots costs O(slots), not O(domid space).
 */
static void forget_vanished(struct policy_engine *pe)
{
    unsigned int i;

    for ( i = 0; i < pe->nslot; i++ )
    {
        struct dom_state *st = &pe->slot[i];

        if ( st->gen == 0 || st->gen == pe->gen )
            continue;
        if ( pe->map[st->domid] == i )
            pe->map[st->domid] = NO_SLOT;
        st->gen = 0;
        pe->free_slots[pe->nfree++] = i;
    }
}

/* The class pass, guests first so that stub domains can follow them. */
static void classify_all(struct policy_engine *pe, uint64_t now,
                         const struct policy_sample *s, unsigned int n,
                         struct policy_decision *out)
{
    bool follow = pe->cfg->stub_follows_guest;
    unsigned int i;

    for ( i = 0; i < n; i++ )
        if ( s[i].stub_of < 0 || !follow )
            policy_classify(pe, now, &s[i], &out[i],
                            policy_find_override(pe->cfg, &s[i]), NO_FOLLOW);
    for ( i = 0; i < n; i++ )
    {
        const struct dom_state *g;

        if ( s[i].stub_of < 0 || !follow )
            continue;
        g = policy_lookup(pe, s[i].stub_of);
        policy_classify(pe, now, &s[i], &out[i],
                        policy_find_override(pe->cfg, &s[i]),
                        g ? g->cls : NO_FOLLOW);
    }
}

/* The targets pass: pool sums first, then each domain's weight and cap. */
static void targets_all(struct policy_engine *pe,
                        const struct policy_sample *s, unsigned int n,
                        struct policy_decision *out)
{
    const struct policy_config *cfg = pe->cfg;
    unsigned int i;

    for ( i = 0; i < n; i++ )
    {
        struct dom_state *st = policy_lookup(pe, s[i].domid);
        struct cpupool_acc *pa = policy_cpupool_for(pe, &s[i]);

        if ( st && pa && out[i].unmanaged == POLICY_MANAGED )
            policy_cpupool_add(cfg, pa, st, &s[i],
                            policy_find_override(cfg, &s[i]), out[i].cls);
    }
    for ( i = 0; i < pe->ncpupools; i++ )
        policy_cpupool_finish(&pe->cpupool[i]);
    for ( i = 0; i < n; i++ )
    {
        struct policy_decision *d = &out[i];
        struct dom_state *st = policy_lookup(pe, s[i].domid);
        struct cpupool_acc *pa = policy_cpupool_for(pe, &s[i]);

        if ( d->unmanaged == POLICY_MANAGED )
            policy_target(cfg, d->cls, policy_find_override(cfg, &s[i]),
                          &s[i], pa ? &pa->view : NULL, &d->weight,
                          &d->cap);
        d->favoured = d->weight > s[i].base_weight;
        d->throttled = d->weight < s[i].base_weight ||
                       (d->cap && (!s[i].base_cap || d->cap < s[i].base_cap));
        if ( st )
        {
            st->favoured = d->favoured;
            st->throttled = d->throttled;
            policy_effect_arm(pe, st, &s[i], d, pa);
            policy_effect_copy(st, d);
        }
        if ( d->unmanaged == POLICY_EXCL_SCHED ||
             d->unmanaged == POLICY_EXCL_DYING )
            continue;
        if ( d->weight != s[i].weight )
            d->set |= POLICY_SET_WEIGHT;
        if ( d->cap != s[i].cap )
            d->set |= POLICY_SET_CAP;
    }
}

int policy_update(struct policy_engine *pe, uint64_t now_ns,
                  const struct policy_sample *s, unsigned int n,
                  struct policy_decision *out)
{
    unsigned int i, in_use = pe->nslot - pe->nfree;
    int rc;

    /* Room for every domain up front: a poll never half-fails. */
    if ( n > pe->nfree )
    {
        unsigned int want = pe->nslot;

        while ( want - in_use < n )
            want *= 2;
        rc = grow(pe, want);
        if ( rc )
            return rc;
    }
    if ( ++pe->gen == 0 )
        pe->gen = 1;
    pe->ncpupools = 0;
    for ( i = 0; i < n; i++ )
    {
        struct dom_state *st = state_for(pe, &s[i]);

        if ( !st )
        {
            if ( s[i].domid < POLICY_DOMID_LIMIT )
                return -ENOMEM;
            continue;
        }
        st->gen = pe->gen;
        policy_observe(pe, st, now_ns, &s[i]);
    }
    for ( i = 0; i < n; i++ )
    {
        struct dom_state *st = policy_lookup(pe, s[i].domid);

        if ( st )
            policy_cpupool_metrics(pe, st, &s[i]);
    }
    classify_all(pe, now_ns, s, n, out);
    targets_all(pe, s, n, out);
    forget_vanished(pe);
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy.c - counters -> rates -> smoothed metrics -> class -> targets.
 *
 * Pure logic: it must never call Xen, read a clock or do I/O.  Per-domain
 * history lives in a slot table indexed through a domid map, so a poll in
 * the steady state allocates nothing.
 */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define NO_SLOT         UINT32_MAX
#define MAX_CPUPOOLS       64
#define NO_FOLLOW       (-2)    /* decide() argument: not a stub to follow */

/* Signal groups, each with its own reset detection. */
enum group { G_CPU, G_IOREQ, G_VBD, G_NET, G__COUNT };

struct dom_state {
    uint32_t domid;
    uint8_t uuid[16];
    uint32_t gen;               /* poll that last saw it */
    bool have_prev;
    uint64_t prev_ns;
    double alpha;               /* this poll's EWMA weight */
    struct policy_counters prev;
    bool ewma_valid[M__COUNT];
    double ewma[M__COUNT];
    double raw[M__COUNT];
    bool raw_valid[M__COUNT];
    int cls, pending;
    unsigned int pending_count;
    uint64_t since_ns;
    int pin;                    /* runtime pin, or POLICY_CLASS_NONE */
    bool classified;            /* `reason` explains the current class */
    char reason[POLICY_REASON_MAX];
};

struct cpupool_acc {
    uint32_t id;
    uint32_t cpus;
    double busy;                /* sum of CPU fractions of its domains */
};

struct policy_engine {
    const struct policy_config *cfg;
    uint32_t *map;              /* domid -> slot */
    struct dom_state *slot;
    uint32_t *free_slots;
    unsigned int nslot, nfree;
    uint32_t gen;
    unsigned int ncpupools;
    struct cpupool_acc cpupool[MAX_CPUPOOLS];
};

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
    unsigned int i;

    for ( i = 0; i < POLICY_DOMID_LIMIT; i++ )
    {
        struct dom_state *st;

        if ( pe->map[i] == NO_SLOT )
            continue;
        st = &pe->slot[pe->map[i]];
        st->cls = remap_class(pe->cfg, cfg, st->cls);
        st->pending = remap_class(pe->cfg, cfg, st->pending);
        st->pin = remap_class(pe->cfg, cfg, st->pin);
    }
    pe->cfg = cfg;
}

static struct dom_state *lookup(struct policy_engine *pe, uint32_t domid)
{
    if ( domid >= POLICY_DOMID_LIMIT || pe->map[domid] == NO_SLOT )
        return NULL;
    return &pe->slot[pe->map[domid]];
}

int policy_pin(struct policy_engine *pe, uint32_t domid, int cls)
{
    struct dom_state *st = lookup(pe, domid);

    if ( !st )
        return -ENOENT;
    if ( cls >= 0 && (unsigned int)cls >= pe->cfg->nclass )
        return -EINVAL;
    st->pin = cls < 0 ? POLICY_CLASS_NONE : cls;
    return 0;
}

static void state_reset(struct dom_state *st, const struct policy_sample *s)
{
    memset(st, 0, sizeof(*st));
    st->domid = s->domid;
    memcpy(st->uuid, s->uuid, sizeof(st->uuid));
    st->cls = st->pending = st->pin = POLICY_CLASS_NONE;
}

/* The state for a sample: found, fresh for a new domain or a new UUID. */
static struct dom_state *state_for(struct policy_engine *pe,
                                   const struct policy_sample *s)
{
    struct dom_state *st = lookup(pe, s->domid);

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

static struct cpupool_acc *cpupool_for(struct policy_engine *pe,
                                       uint32_t id, uint32_t cpus)
{
    unsigned int i;

    for ( i = 0; i < pe->ncpupools; i++ )
        if ( pe->cpupool[i].id == id )
            return &pe->cpupool[i];
    if ( pe->ncpupools == MAX_CPUPOOLS )
        return NULL;
    pe->cpupool[pe->ncpupools] = (struct cpupool_acc){ .id = id,
                                                      .cpus = cpus };
    return &pe->cpupool[pe->ncpupools++];
}

/* Counter delta; false if it went down (a reset). */
static bool delta(uint64_t cur, uint64_t prev, double *d)
{
    if ( cur < prev )
        return false;
    *d = (double)(cur - prev);
    return true;
}

static void set_raw(struct dom_state *st, enum policy_metric m, double v)
{
    st->raw[m] = v;
    st->raw_valid[m] = true;
}

/* Raw per-second rates of one domain since its previous sample. */
static void raw_rates(struct dom_state *st, const struct policy_sample *s,
                      double dt)
{
    const struct policy_counters *c = &s->c, *p = &st->prev;
    double d[20];
    bool ok[G__COUNT];
    double io = 0;
    bool io_ok = false;

    ok[G_CPU] = (s->signals & POLICY_HAS_CPU) &&
                delta(c->cpu_ns, p->cpu_ns, &d[0]);
    ok[G_IOREQ] = (s->signals & POLICY_HAS_IOREQ) &&
                  delta(c->pio_read, p->pio_read, &d[1]) &&
                  delta(c->pio_write, p->pio_write, &d[2]) &&
                  delta(c->mmio_read, p->mmio_read, &d[3]) &&
                  delta(c->mmio_write, p->mmio_write, &d[4]) &&
                  delta(c->ioreq_bytes, p->ioreq_bytes, &d[5]) &&
                  delta(c->ioreq_xen, p->ioreq_xen, &d[6]) &&
                  delta(c->ioreq_dm, p->ioreq_dm, &d[7]) &&
                  delta(c->ioreq_buffered, p->ioreq_buffered, &d[8]) &&
                  delta(c->ioreq_none, p->ioreq_none, &d[9]);
    ok[G_VBD] = (s->signals & POLICY_HAS_VBD) &&
                delta(c->vbd_rd_req, p->vbd_rd_req, &d[10]) &&
                delta(c->vbd_wr_req, p->vbd_wr_req, &d[11]) &&
                delta(c->vbd_rd_sect, p->vbd_rd_sect, &d[12]) &&
                delta(c->vbd_wr_sect, p->vbd_wr_sect, &d[13]);
    ok[G_NET] = (s->signals & POLICY_HAS_NET) &&
                delta(c->net_rx_pkts, p->net_rx_pkts, &d[14]) &&
                delta(c->net_tx_pkts, p->net_tx_pkts, &d[15]) &&
                delta(c->net_rx_bytes, p->net_rx_bytes, &d[16]) &&
                delta(c->net_tx_bytes, p->net_tx_bytes, &d[17]);

    memset(st->raw_valid, 0, sizeof(st->raw_valid));
    if ( ok[G_CPU] && s->vcpus )
        set_raw(st, M_CPU, d[0] / (dt * 1e9) / s->vcpus * 100.0);
    if ( ok[G_IOREQ] )
    {
        set_raw(st, M_IOREQ, (d[1] + d[2] + d[3] + d[4]) / dt);
        set_raw(st, M_IOREQ_PIO, (d[1] + d[2]) / dt);
        set_raw(st, M_IOREQ_MMIO, (d[3] + d[4]) / dt);
        set_raw(st, M_IOREQ_READ, (d[1] + d[3]) / dt);
        set_raw(st, M_IOREQ_WRITE, (d[2] + d[4]) / dt);
        set_raw(st, M_IOREQ_BYTES, d[5] / dt);
        set_raw(st, M_IOREQ_XEN, d[6] / dt);
        set_raw(st, M_IOREQ_DM, (d[7] + d[8]) / dt);
        set_raw(st, M_IOREQ_NONE, d[9] / dt);
        io += st->raw[M_IOREQ];
        io_ok = true;
    }
    if ( ok[G_VBD] )
    {
        set_raw(st, M_VBD_IOPS, (d[10] + d[11]) / dt);
        set_raw(st, M_VBD_SECTORS, (d[12] + d[13]) / dt);
        io += st->raw[M_VBD_IOPS];
        io_ok = true;
    }
    if ( ok[G_NET] )
    {
        set_raw(st, M_NET_PKTS, (d[14] + d[15]) / dt);
        set_raw(st, M_NET_BYTES, (d[16] + d[17]) / dt);
        io += st->raw[M_NET_PKTS];
        io_ok = true;
    }
    if ( io_ok )
        set_raw(st, M_IO, io);
}

/* EWMA whose weight follows the real interval: irregular polls are fine. */
static void smooth_one(struct dom_state *st, int m, double alpha)
{
    if ( !st->raw_valid[m] )
        return;
    if ( !st->ewma_valid[m] )
    {
        st->ewma[m] = st->raw[m];
        st->ewma_valid[m] = true;
    }
    else
        st->ewma[m] += alpha * (st->raw[m] - st->ewma[m]);
}

static void smooth(struct dom_state *st, double alpha)
{
    int m;

    for ( m = 0; m < M__COUNT; m++ )
        smooth_one(st, m, alpha);
}

static bool cond_holds(const struct policy_cond *c,
                       const struct dom_state *st, bool member)
{
    double lvl = member ? c->leave : c->enter;
    double v = st->ewma[c->metric];

    if ( !st->ewma_valid[c->metric] )
        return false;
    return c->below ? v < lvl : v > lvl;
}

static void describe(char *buf, const struct policy_cond *c,
                     const struct dom_state *st, bool member)
{
    snprintf(buf, POLICY_REASON_MAX, "%s %.1f %s %g",
             metric_names[c->metric], st->ewma[c->metric],
             c->below ? "<" : ">", member ? c->leave : c->enter);
}

/* What decided a classification; turned into text only when shown. */
struct why {
    const struct policy_cond *cond;     /* NULL: catch-all or no match */
    bool member;
    bool matched;
};

static void why_text(char *buf, const struct why *w,
                     const struct dom_state *st)
{
    if ( w->cond )
        describe(buf, w->cond, st, w->member);
    else
        snprintf(buf, POLICY_REASON_MAX, "%s",
                 w->matched ? "catch-all" : "no class matched");
}

/* Does class k match?  `w` gets the condition that decided it. */
static bool class_matches(const struct policy_class *k,
                          const struct dom_state *st, bool member,
                          struct why *w)
{
    unsigned int i;

    *w = (struct why){ .member = member, .matched = true };
    if ( !k->ncond )
        return true;
    for ( i = 0; i < k->ncond; i++ )
    {
        bool h = cond_holds(&k->cond[i], st, member);

        if ( h && !k->match_all )
        {
            w->cond = &k->cond[i];
            return true;
        }
        if ( !h && k->match_all )
            return false;
    }
    if ( !k->match_all )
        return false;
    w->cond = &k->cond[0];
    return true;
}

static int classify(const struct policy_config *cfg,
                    const struct dom_state *st, struct why *w)
{
    unsigned int i;

    for ( i = 0; i < cfg->nclass; i++ )
        if ( class_matches(&cfg->cls[i], st, st->cls == (int)i, w) )
            return i;
    *w = (struct why){ .matched = false };
    return POLICY_CLASS_NONE;
}

/* Move toward the candidate class only once it has held for `dwell` polls. */
static void dwell_step(const struct policy_config *cfg, struct dom_state *st,
                       int cand, uint64_t now, struct policy_decision *d)
{
    unsigned int dwell = cfg->dwell ? cfg->dwell : 1;

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
    d->prev_cls = st->cls;
    d->class_changed = true;
    st->cls = cand;
    st->since_ns = now;
    st->pending_count = 0;
}

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

static uint32_t clamp_u32(uint64_t v, uint32_t lo, uint32_t hi)
{
    return v < lo ? lo : v > hi ? hi : (uint32_t)v;
}

void policy_target(const struct policy_config *cfg, int cls,
                   const struct policy_override *ovr,
                   const struct policy_sample *s,
                   uint32_t *weight, uint32_t *cap)
{
    const struct policy_class *k;
    uint64_t w = s->base_weight, c = s->base_cap;
    uint32_t cap_max = 100 * (s->vcpus ? s->vcpus : 1);

    if ( cls >= 0 && (unsigned int)cls < cfg->nclass )
    {
        k = &cfg->cls[cls];
        if ( k->weight_kind == POLICY_WEIGHT_ABS )
            w = k->weight;
        else if ( k->weight_kind == POLICY_WEIGHT_PCT )
            w = ((uint64_t)s->base_weight * k->weight + 50) / 100;
        if ( k->cap_kind == POLICY_CAP_NONE )
            c = 0;
        else if ( k->cap_kind == POLICY_CAP_ABS )
            c = k->cap;
        else if ( k->cap_kind == POLICY_CAP_PCT_VCPU )
        {
            /* Never 0 from a percentage: 0 means "no cap". */
            c = (uint64_t)k->cap * (s->vcpus ? s->vcpus : 1);
            if ( !c )
                c = 1;
        }
        if ( ovr && ovr->weight_min && w < ovr->weight_min )
            w = ovr->weight_min;
        if ( ovr && ovr->weight_max && w > ovr->weight_max )
            w = ovr->weight_max;
    }
    *weight = clamp_u32(w, POLICY_WEIGHT_MIN, POLICY_WEIGHT_MAX);
    *cap = clamp_u32(c, 0, cap_max);
}

static enum policy_unmanaged unmanaged_why(const struct policy_config *cfg,
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

/* First pass: rates and smoothing for one sample; feeds the pool totals. */
static int observe(struct policy_engine *pe, uint64_t now,
                   const struct policy_sample *s)
{
    struct dom_state *st = state_for(pe, s);
    struct cpupool_acc *pa;
    double dt;

    if ( !st )
        return s->domid >= POLICY_DOMID_LIMIT ? 0 : -ENOMEM;
    st->gen = pe->gen;
    memset(st->raw_valid, 0, sizeof(st->raw_valid));
    if ( st->have_prev && now > st->prev_ns )
    {
        dt = (now - st->prev_ns) / 1e9;
        raw_rates(st, s, dt);
        st->alpha = pe->cfg->halflife_ns
                    ? 1.0 - exp2(-(double)(now - st->prev_ns) /
                                 (double)pe->cfg->halflife_ns)
                    : 1.0;
        smooth(st, st->alpha);
    }
    st->have_prev = true;
    st->prev_ns = now;
    st->prev = s->c;
    pa = cpupool_for(pe, s->cpupool, s->cpupool_cpus);
    if ( pa && st->raw_valid[M_CPU] )
        pa->busy += st->raw[M_CPU] / 100.0 * s->vcpus;
    return 0;
}

/* Second pass: pool load, class, targets. */
static void decide(struct policy_engine *pe, uint64_t now,
                   const struct policy_sample *s, struct policy_decision *d,
                   int follow)
{
    const struct policy_config *cfg = pe->cfg;
    struct dom_state *st = lookup(pe, s->domid);
    const struct policy_override *o = policy_find_override(cfg, s);
    struct cpupool_acc *pa = cpupool_for(pe, s->cpupool, s->cpupool_cpus);
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
    if ( pa && pa->cpus && st->raw_valid[M_CPU] )
    {
        set_raw(st, M_CPUPOOL_BUSY, pa->busy / pa->cpus * 100.0);
        smooth_one(st, M_CPUPOOL_BUSY, st->alpha);
    }
    d->rates_valid = st->ewma_valid[M_CPU] || st->ewma_valid[M_IO];
    memcpy(d->metric, st->ewma, sizeof(d->metric));
    d->prev_cls = st->cls;
    d->unmanaged = unmanaged_why(cfg, s, o);
    if ( d->unmanaged != POLICY_MANAGED )
    {
        st->cls = st->pending = POLICY_CLASS_NONE;
        st->classified = false;
        snprintf(st->reason, sizeof(st->reason), "not managed");
        goto targets;
    }
    if ( follow != NO_FOLLOW )
    {
        d->class_changed = st->cls != follow;
        st->cls = follow;
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
    else if ( d->rates_valid )
    {
        /*
         * The reason is formatted (floating point, the costly part of a
         * poll) only when a class is adopted, or first settled.
         */
        cand = classify(cfg, st, &why);
        dwell_step(cfg, st, cand, now, d);
        if ( d->class_changed || (!st->classified && cand == st->cls) )
        {
            why_text(st->reason, &why, st);
            st->classified = true;
        }
    }
    else
        snprintf(st->reason, sizeof(st->reason), "first sample");
 targets:
    memcpy(d->reason, st->reason, sizeof(d->reason));
    d->cls = st->cls;
    d->since_ns = st->since_ns;
    if ( d->unmanaged == POLICY_MANAGED )
        policy_target(cfg, d->cls, o, s, &d->weight, &d->cap);
    if ( d->unmanaged == POLICY_EXCL_SCHED || d->unmanaged == POLICY_EXCL_DYING )
        return;
    if ( d->weight != s->weight )
        d->set |= POLICY_SET_WEIGHT;
    if ( d->cap != s->cap )
        d->set |= POLICY_SET_CAP;
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
        rc = observe(pe, now_ns, &s[i]);
        if ( rc )
            return rc;
    }
    for ( i = 0; i < n; i++ )
        if ( s[i].stub_of < 0 || !pe->cfg->stub_follows_guest )
            decide(pe, now_ns, &s[i], &out[i], NO_FOLLOW);
    for ( i = 0; i < n; i++ )
    {
        const struct dom_state *g;

        if ( s[i].stub_of < 0 || !pe->cfg->stub_follows_guest )
            continue;
        g = lookup(pe, s[i].stub_of);
        decide(pe, now_ns, &s[i], &out[i],
               g ? g->cls : NO_FOLLOW);
    }
    forget_vanished(pe);
    return 0;
}

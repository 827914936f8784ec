/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * state.c - what the state's entries mean: each guest's base values, the
 * values of coopvmm's that may be in force on it, and the rules that
 * tell the three kinds of value apart at every poll (state_bases) and at
 * every read of the actuator (state_observe).
 *
 * A domain that has never run is not given an entry yet: the toolstack
 * builds a domain paused, with Xen's default weight, and sets the
 * configured values (libxl__build_post) before it lets it run; taking
 * the default for the base then would lose it (seen on xl's reboot).
 *
 * The rule for a value seen on a guest, field by field: the base is the
 * base; one of coopvmm's (set, or next: written ahead, or carried away
 * by a guest that left) is coopvmm's, and the actuator puts the base
 * back when it should; anything else was set by the administrator and
 * becomes the new base.  A value is coopvmm's only if the file said so
 * before it could be in force: state_intend + state_sync come before
 * every scheduler call that moves a value away from its base.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "state.h"
#include "state_file.h"

static const char *const field_name[STATE_NFIELDS] = { "weight", "cap" };

enum seen_as { SEEN_BASE, SEEN_OURS, SEEN_MANUAL };

struct state *state_open(const char *path)
{
    struct state *st = calloc(1, sizeof(*st));

    if ( !st )
        return NULL;
    st->dirfd = -1;
    st->map = malloc(POLICY_DOMID_LIMIT * sizeof(*st->map));
    if ( !st->map )
    {
        free(st);
        return NULL;
    }
    state_table_init_map(st);
    if ( state_file_open(st, path) )
    {
        state_close(st);
        return NULL;
    }
    return st;
}

void state_close(struct state *st)
{
    if ( !st )
        return;
    state_file_close(st);
    free(st->ent);
    free(st->map);
    free(st);
}

/* ------------------------------------------------------------ values */

static bool is_ours(const struct state_field *f, uint32_t v)
{
    return (f->has_set && v == f->set) || (f->has_next && v == f->next);
}

static bool has_ours(const struct state_ent *e)
{
    unsigned int i;

    for ( i = 0; i < STATE_NFIELDS; i++ )
        if ( e->f[i].has_set || e->f[i].has_next )
            return true;
    return false;
}

static bool field_eq(const struct state_field *a, const struct state_field *b)
{
    return a->base == b->base && a->has_set == b->has_set &&
           a->has_next == b->has_next && (!a->has_set || a->set == b->set) &&
           (!a->has_next || a->next == b->next);
}

/*
 * A value seen in force.  `keep_next`: a guest on its way out keeps the
 * value it may carry into a new domain.
 */
static enum seen_as see(struct state_field *f, uint32_t v, bool keep_next)
{
    if ( v == f->base )
    {
        f->has_set = false;
        f->has_next = f->has_next && keep_next;
        return SEEN_BASE;
    }
    if ( is_ours(f, v) )
    {
        f->set = v;
        f->has_set = true;
        f->has_next = f->has_next && keep_next && f->next != v;
        return SEEN_OURS;
    }
    f->base = v;
    f->has_set = f->has_next = false;
    return SEEN_MANUAL;
}

/*
 * Both fields of a sample; logs what the administrator changed.  `from`:
 * the domid of the guest's previous domain when this is a new one, else
 * the sample's own.  Returns whether any value is coopvmm's.
 */
static bool see_sample(struct state *st, struct state_ent *e,
                       const struct policy_sample *s, uint32_t from,
                       bool first_poll)
{
    const uint32_t v[STATE_NFIELDS] = { s->weight, s->cap };
    struct state_ent old = *e;
    bool reborn = from != s->domid, ours = false;
    unsigned int i;

    for ( i = 0; i < STATE_NFIELDS; i++ )
    {
        const struct state_field *was = &old.f[i];

        switch ( see(&e->f[i], v[i], e->leaving && !reborn) )
        {
        case SEEN_OURS:
            ours = true;
            break;
        case SEEN_MANUAL:
            if ( reborn )
                log_notice("d%u %s: new domain of the guest (was d%u) "
                           "starts with %s %u: it is the new base (was %u)",
                           s->domid, s->name, from, field_name[i], v[i],
                           was->base);
            else
                log_notice("d%u %s: %s set to %u by hand (was %u): it is "
                           "the new base", s->domid, s->name, field_name[i],
                           v[i], was->has_set ? was->set : was->base);
            break;
        case SEEN_BASE:
            break;
        }
    }
    if ( ours && reborn )
        log_notice("d%u %s: new domain of the guest (was d%u) starts with "
                   "weight %u cap %u, set by coopvmm; base weight %u cap %u "
                   "will be put back", s->domid, s->name, from, s->weight,
                   s->cap, e->f[STATE_WEIGHT].base, e->f[STATE_CAP].base);
    else if ( ours && first_poll )
        log_notice("d%u %s: weight %u cap %u were set by a previous run; "
                   "base weight %u cap %u will be put back", s->domid,
                   s->name, s->weight, s->cap, e->f[STATE_WEIGHT].base,
                   e->f[STATE_CAP].base);
    for ( i = 0; i < STATE_NFIELDS; i++ )
        if ( !field_eq(&old.f[i], &e->f[i]) )
            st->dirty = true;
    return ours;
}

/* ------------------------------------------------------------- bases */

/* A new entry for a sample: a copy of entry `like` (or -1: a new guest). */
static struct state_ent *create(struct state *st,
                                const struct policy_sample *s, int like)
{
    uint32_t i = st->nent;
    struct state_ent *e = state_table_add(st);

    if ( !e )
        return NULL;
    if ( like >= 0 )
    {
        /* The guest's old domain is still there: share its values. */
        *e = st->ent[like];
        st->ent[like].superseded = true;
        e->superseded = e->failed = false;
    }
    else
    {
        memcpy(e->uuid, s->uuid, sizeof(e->uuid));
        e->f[STATE_WEIGHT].base = s->weight;
        e->f[STATE_CAP].base = s->cap;
        log_debug("d%u %s: base weight %u cap %u", s->domid, s->name,
                  s->weight, s->cap);
    }
    e->domid = s->domid;
    st->map[s->domid] = i;
    st->dirty = true;
    return e;
}

/*
 * A sample with no entry of its own domid: a known guest's new domain
 * takes over the entry the guest left (or, while the old domain is
 * still there, a copy of it); an unknown guest gets a new entry.
 */
static struct state_ent *adopt(struct state *st,
                               const struct policy_sample *s, uint32_t *from)
{
    struct state_ent *gone = NULL, *live = NULL;
    unsigned int i;

    *from = s->domid;
    for ( i = 0; i < st->nent && !state_uuid_null(s->uuid); i++ )
    {
        struct state_ent *e = &st->ent[i];

        if ( memcmp(e->uuid, s->uuid, sizeof(e->uuid)) )
            continue;
        if ( !e->seen && (!gone || e->domid == s->domid ||
                          e->last_poll > gone->last_poll) )
            gone = e;
        else if ( e->seen && !live )
            live = e;
    }
    if ( gone )
    {
        *from = gone->domid;
        gone->domid = s->domid;
        st->map[s->domid] = gone - st->ent;
        st->dirty = true;
        return gone;
    }
    if ( live )
        *from = live->domid;
    return create(st, s, live ? (int)(live - st->ent) : -1);
}

static bool keep(const struct state *st, const struct state_ent *e)
{
    (void)st;
    return e->seen || (!e->superseded && !state_uuid_null(e->uuid) &&
                       has_ours(e));
}

/* Forget guests that left with nothing of ours; bound those that did. */
static void sweep(struct state *st)
{
    unsigned int i, ngone = 0;

    if ( state_table_filter(st, keep) )
        st->dirty = true;
    for ( i = 0; i < st->nent; i++ )
        ngone += !st->ent[i].seen;
    while ( ngone > STATE_GONE_MAX )
    {
        unsigned int old = st->nent;

        for ( i = 0; i < st->nent; i++ )
            if ( !st->ent[i].seen &&
                 (old == st->nent ||
                  st->ent[i].last_poll < st->ent[old].last_poll) )
                old = i;
        memmove(&st->ent[old], &st->ent[old + 1],
                (st->nent - old - 1) * sizeof(st->ent[0]));
        st->nent--;
        ngone--;
        st->dirty = true;
    }
    state_table_remap(st, true);
}

int state_bases(struct state *st, struct policy_sample *samples,
                unsigned int n, bool first_poll)
{
    unsigned int i, pass;

    first_poll = first_poll || st->just_loaded;
    st->just_loaded = false;
    st->poll++;
    for ( i = 0; i < st->nent; i++ )
        st->ent[i].seen = false;
    /* Known domains first, so that a new domain can tell its guest left. */
    for ( pass = 0; pass < 2; pass++ )
        for ( i = 0; i < n; i++ )
        {
            struct policy_sample *s = &samples[i];
            uint32_t k, from = s->domid;
            struct state_ent *e;

            if ( s->domid >= POLICY_DOMID_LIMIT )
                continue;
            k = state_table_find(st, s->domid, s->uuid);
            if ( (k == STATE_NO_ENT) != pass ||
                 (k != STATE_NO_ENT && st->ent[k].seen) )
                continue;
            if ( k != STATE_NO_ENT )
                e = &st->ent[k];
            else if ( s->sched == POLICY_SCHED_OTHER || !s->c.cpu_ns )
                continue;       /* no values yet, or not final (below) */
            else if ( !(e = adopt(st, s, &from)) )
                return -ENOMEM;
            e->seen = true;
            e->last_poll = st->poll;
            e->leaving = s->flags & (POLICY_DOM_DYING | POLICY_DOM_SHUTDOWN);
            if ( s->sched != POLICY_SCHED_OTHER )
                see_sample(st, e, s, from, first_poll);
        }
    sweep(st);
    for ( i = 0; i < n; i++ )
    {
        struct state_ent *e = state_entry(st, &samples[i]);

        samples[i].base_weight = e ? e->f[STATE_WEIGHT].base
                                   : samples[i].weight;
        samples[i].base_cap = e ? e->f[STATE_CAP].base : samples[i].cap;
    }
    return 0;
}

struct state_ent *state_entry(struct state *st, const struct policy_sample *s)
{
    uint32_t k = state_table_find(st, s->domid, s->uuid);

    return k == STATE_NO_ENT ? NULL : &st->ent[k];
}

/* ---------------------------------------------------------- actuator */

bool state_intend(struct state *st, struct state_ent *e,
                  const struct policy_sample *s, unsigned int mask,
                  uint32_t w, uint32_t c)
{
    const uint32_t v[STATE_NFIELDS] = { w, c };
    const uint32_t now[STATE_NFIELDS] = { s->weight, s->cap };
    bool away = false;
    unsigned int i;

    for ( i = 0; i < STATE_NFIELDS; i++ )
    {
        struct state_field *f = &e->f[i];

        if ( !(mask & (1u << i)) )
            continue;
        if ( e->leaving && is_ours(f, now[i]) )
        {
            /* Leaving: the value in force may come back with the guest. */
            f->next = now[i];
            f->has_next = true;
            st->dirty = true;
        }
        if ( v[i] == f->base || is_ours(f, v[i]) )
            continue;
        f->next = v[i];
        f->has_next = true;
        st->dirty = st->need_sync = true;
        away = true;
    }
    return away;
}

int state_sync(struct state *st)
{
    return st->need_sync || !st->loaded ? state_file_write(st) : 0;
}

void state_done(struct state *st, struct state_ent *e, unsigned int mask,
                uint32_t w, uint32_t c)
{
    const uint32_t v[STATE_NFIELDS] = { w, c };
    unsigned int i;

    for ( i = 0; i < STATE_NFIELDS; i++ )
    {
        struct state_field *f = &e->f[i];

        if ( !(mask & (1u << i)) )
            continue;
        f->has_set = v[i] != f->base;
        f->set = v[i];
        if ( !e->leaving && f->has_next && f->next == v[i] )
            f->has_next = false;
    }
    st->dirty = true;
}

bool state_observe(struct state *st, struct state_ent *e,
                   struct policy_sample *s, uint32_t w, uint32_t c)
{
    bool changed = w != s->weight || c != s->cap;

    s->weight = w;
    s->cap = c;
    see_sample(st, e, s, s->domid, false);
    s->base_weight = e->f[STATE_WEIGHT].base;
    s->base_cap = e->f[STATE_CAP].base;
    return changed;
}

bool state_writable(const struct state *st)
{
    return st->loaded && !st->err;
}

struct state_ent *state_next(struct state *st, unsigned int *idx)
{
    return *idx < st->nent ? &st->ent[(*idx)++] : NULL;
}

int state_save(struct state *st)
{
    if ( st->loaded && (!st->dirty || st->poll - st->written < STATE_LAZY) )
        return 0;
    return state_file_write(st);
}

int state_flush(struct state *st)
{
    return st->dirty || !st->loaded ? state_file_write(st) : 0;
}

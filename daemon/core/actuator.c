/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * actuator.c - between the policy's targets and the scheduler: what
 * changed is set, dry-run only says so, pause and stop put the base
 * values back, and so does a domain seen shutting down (xl is about to
 * copy its live values into the guest's next domain).
 *
 * The one rule: the administrator's base weight and cap are data.  So,
 * for every poll (or stop, or pause), in three steps:
 *
 *  1. what each domain should have (want()): the decision; its base
 *     while paused, when stopping, and once it is shutting down;
 *  2. every value that moves away from its base is written ahead to the
 *     state file (state_intend, state_sync), so that a crash right after
 *     the scheduler call leaves a value the next start knows is
 *     coopvmm's.  If that write fails, no value moves away from its base
 *     this poll (putting a base back needs no file, and goes ahead);
 *  3. for each domain, the values in force are read again (the backend's
 *     get): if they are not what the sample showed, someone changed them
 *     since (the administrator: state_observe adopts them), and nothing
 *     is set this poll; otherwise the fields that change are set.
 *
 * A failed call is logged once per domain, with its domid and errno,
 * until one works again.
 */
#include <errno.h>
#include <stdio.h>

#include "actuator.h"
#include "log.h"
#include "state.h"

#define BOTH    (POLICY_SET_WEIGHT | POLICY_SET_CAP)

enum act_mode { ACT_DECIDE, ACT_BASE };

/* What domain i should have now: fields (POLICY_SET_*) that change. */
static unsigned int want(const struct daemon *d, unsigned int i,
                         enum act_mode mode, uint32_t *w, uint32_t *c)
{
    const struct policy_sample *s = &d->samples[i];
    const struct policy_decision *dec = &d->decisions[i];
    unsigned int mask;

    /* No values to set: not credit/credit2, or already being destroyed. */
    if ( s->sched == POLICY_SCHED_OTHER || (s->flags & POLICY_DOM_DYING) )
        return 0;
    if ( mode == ACT_BASE || d->paused || (s->flags & POLICY_DOM_SHUTDOWN) )
    {
        mask = BOTH;
        *w = s->base_weight;
        *c = s->base_cap;
    }
    else if ( dec->unmanaged == POLICY_EXCL_SCHED ||
              dec->unmanaged == POLICY_EXCL_DYING )
        return 0;
    else
    {
        mask = dec->set;
        *w = dec->weight;
        *c = dec->cap;
    }
    return mask & ((*w != s->weight ? POLICY_SET_WEIGHT : 0) |
                   (*c != s->cap ? POLICY_SET_CAP : 0));
}

/* The fields of mask that move away from the base. */
static unsigned int away(const struct policy_sample *s, unsigned int mask,
                         uint32_t w, uint32_t c)
{
    return mask & ((w != s->base_weight ? POLICY_SET_WEIGHT : 0) |
                   (c != s->base_cap ? POLICY_SET_CAP : 0));
}

static void failed(struct daemon *d, const struct policy_sample *s,
                   struct state_ent *e, const char *what, int rc)
{
    d->stats.failed_calls++;
    if ( e && e->failed )
        return;
    if ( e )
        e->failed = true;
    errno = -rc;
    log_warn("d%u %s: cannot %s", s->domid, s->name, what);
}

/* After a failed set: what is in force now decides what is coopvmm's. */
static void resolve(struct daemon *d, struct policy_sample *s,
                    struct state_ent *e)
{
    uint32_t w, c;

    if ( e && d->ops->get && !d->ops->get(d->be, s, &w, &c) )
        state_observe(d->state, e, s, w, c);
}

/* Step 3 for one domain.  Returns 0 if the values were set. */
static int apply(struct daemon *d, struct policy_sample *s,
                 unsigned int mask, uint32_t w, uint32_t c)
{
    struct state_ent *e = state_entry(d->state, s);
    uint32_t fw = s->weight, fc = s->cap;
    char what[64];
    int rc;

    if ( d->ops->get )
    {
        rc = d->ops->get(d->be, s, &fw, &fc);
        if ( rc )
        {
            failed(d, s, e, "read weight and cap before setting them", rc);
            return rc;
        }
        if ( fw != s->weight || fc != s->cap )
        {
            /* Changed since the sample: not ours to overwrite. */
            if ( e )
                state_observe(d->state, e, s, fw, fc);
            return -EAGAIN;
        }
    }
    rc = d->ops->set(d->be, s, mask, w, c);
    if ( rc )
    {
        snprintf(what, sizeof(what), "set weight %u cap %u",
                 mask & POLICY_SET_WEIGHT ? w : s->weight,
                 mask & POLICY_SET_CAP ? c : s->cap);
        failed(d, s, e, what, rc);
        resolve(d, s, e);
        return rc;
    }
    d->stats.sets++;
    if ( d->rec )
        record_set(d->rec, s->domid, mask, w, c);
    if ( e )
    {
        state_done(d->state, e, mask, w, c);
        if ( e->failed )
            log_notice("d%u %s: scheduler calls work again", s->domid,
                       s->name);
        e->failed = false;
    }
    if ( mask & POLICY_SET_WEIGHT )
        s->weight = w;
    if ( mask & POLICY_SET_CAP )
        s->cap = c;
    return 0;
}

/*
 * Dry run: say what would be set, once per change of what is wanted (a
 * dry run sets nothing, so the same values are wanted every poll).
 */
static void dry_run(struct daemon *d, const struct policy_sample *s,
                    unsigned int mask, uint32_t w, uint32_t c)
{
    struct state_ent *e = state_entry(d->state, s);

    if ( e && e->dry_said && e->dry_w == w && e->dry_c == c )
        return;
    if ( e )
    {
        e->dry_said = true;
        e->dry_w = w;
        e->dry_c = c;
    }
    log_info("dry-run: d%u %s: would set%s%.0u%s%.0u", s->domid, s->name,
             mask & POLICY_SET_WEIGHT ? " weight " : "",
             mask & POLICY_SET_WEIGHT ? w : 0,
             mask & POLICY_SET_CAP ? " cap " : "",
             mask & POLICY_SET_CAP ? c : 0);
}

/* Steps 1-3 for every domain; the number of domains whose values were set. */
static unsigned int act(struct daemon *d, enum act_mode mode)
{
    unsigned int i, mask, n = 0, held = 0;
    bool durable;
    uint32_t w, c;

    for ( i = 0; i < d->ndoms; i++ )
    {
        struct policy_sample *s = &d->samples[i];
        struct state_ent *e;

        if ( !(mask = want(d, i, mode, &w, &c)) )
        {
            /* Nothing wanted any more: the next want is said again. */
            if ( d->dry_run && (e = state_entry(d->state, s)) )
                e->dry_said = false;
            continue;
        }
        if ( d->dry_run )
            dry_run(d, s, mask, w, c);
        else if ( (e = state_entry(d->state, s)) )
            state_intend(d->state, e, s, mask, w, c);
    }
    if ( d->dry_run )
        return 0;
    durable = !state_sync(d->state);
    for ( i = 0; i < d->ndoms; i++ )
    {
        struct policy_sample *s = &d->samples[i];
        unsigned int hold;

        if ( !(mask = want(d, i, mode, &w, &c)) )
            continue;
        /*
         * Away from the base only if the file knows it first; a domain
         * without an entry (not run yet, or out of memory) has no base
         * to keep yet, and is left as it is.
         */
        hold = durable && state_entry(d->state, s) ? 0 : away(s, mask, w, c);
        if ( hold )
        {
            mask &= ~hold;
            held++;
            if ( !mask )
                continue;
        }
        if ( apply(d, s, mask, w, c) )
            continue;
        n++;
        if ( (s->flags & POLICY_DOM_SHUTDOWN) && mode == ACT_DECIDE &&
             !d->paused )
            log_info("d%u %s: shutting down: base weight %u cap %u put back "
                     "(xl copies the live values into its next domain)",
                     s->domid, s->name, s->base_weight, s->base_cap);
    }
    if ( held )
        log_debug("%u change%s held: no base to keep yet, or the state file "
                  "cannot be written", held, held == 1 ? "" : "s");
    state_save(d->state);
    return n;
}

void act_decisions(struct daemon *d)
{
    act(d, ACT_DECIDE);
}

void act_restore_all(struct daemon *d)
{
    unsigned int n;

    /* A dry run changed nothing, so it has nothing to put back. */
    if ( d->dry_run )
        return;
    n = act(d, ACT_BASE);
    if ( n )
        log_notice("restored the base weight and cap of %u domain%s", n,
                   n == 1 ? "" : "s");
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * actuator.c - between the policy's targets and the scheduler: what
 * changed is set, dry-run only says so, pause and stop put the base
 * values back.
 *
 * The one rule: the administrator's base weight and cap are data.  They
 * are recorded at first sight and kept in the state file (state.c, which
 * also adopts manual changes as the new base); every value set here is
 * noted there, so that it is never taken for the administrator's, and
 * the bases are put back on stop, pause, exclusion and after a crash.
 * A failed set is logged here, once, with the domain and errno.
 */
#include <errno.h>
#include <syslog.h>

#include "actuator.h"
#include "log.h"
#include "state.h"

/* The log_repeat key of a domain's failing scheduler call: domid, UUID. */
static uint64_t act_log_key(const struct policy_sample *s)
{
    uint64_t u = s->uuid[0] | s->uuid[1] << 8 | s->uuid[2] << 16 |
                 (uint64_t)s->uuid[3] << 24;

    return 1ull << 63 | u << 16 | (s->domid & 0xffff);
}

/* Remember what we set; a value back at base needs no restoring. */
static void note_set(struct daemon *d, const struct policy_sample *s,
                     unsigned int mask, uint32_t w, uint32_t c)
{
    bool created;
    struct state_ent *e = state_get(d->state, s->domid, s->uuid, s->weight,
                                    s->cap, &created);

    if ( !e )
        return;
    e->seen = true;
    if ( mask & POLICY_SET_WEIGHT )
    {
        e->set_w = w;
        e->has_set_w = w != e->base_w;
    }
    if ( mask & POLICY_SET_CAP )
    {
        e->set_c = c;
        e->has_set_c = c != e->base_c;
    }
    state_dirty(d->state);
}

int act_apply(struct daemon *d, struct policy_sample *s, unsigned int mask,
              uint32_t w, uint32_t c)
{
    int rc;

    mask &= (w != s->weight ? POLICY_SET_WEIGHT : 0) |
            (c != s->cap ? POLICY_SET_CAP : 0);
    if ( !mask || s->sched == POLICY_SCHED_OTHER )
        return 0;
    if ( d->dry_run )
    {
        log_info("dry-run: d%u %s: would set%s%.0u%s%.0u", s->domid, s->name,
                 mask & POLICY_SET_WEIGHT ? " weight " : "",
                 mask & POLICY_SET_WEIGHT ? w : 0,
                 mask & POLICY_SET_CAP ? " cap " : "",
                 mask & POLICY_SET_CAP ? c : 0);
        return 0;
    }
    rc = d->ops->set(d->be, s, mask, w, c);
    if ( rc )
    {
        /* Once per domain and errno, then hourly: not every poll. */
        d->stats.failed_calls++;
        log_fail(log_repeat_get(act_log_key(s)), LOG_ERR, -rc,
                 "d%u %s: cannot set weight %u cap %u", s->domid, s->name,
                 w, c);
        return rc;
    }
    if ( log_repeat_find(act_log_key(s)) )
        log_ok(log_repeat_find(act_log_key(s)), "d%u %s: setting "
               "weight and cap", s->domid, s->name);
    d->stats.sets++;
    if ( d->rec )
        record_set(d->rec, s->domid, mask, w, c);
    note_set(d, s, mask, w, c);
    if ( mask & POLICY_SET_WEIGHT )
        s->weight = w;
    if ( mask & POLICY_SET_CAP )
        s->cap = c;
    return 0;
}

/* Apply this poll's decisions (or base values while paused). */
void act_decisions(struct daemon *d)
{
    unsigned int i;

    for ( i = 0; i < d->ndoms; i++ )
    {
        struct policy_sample *s = &d->samples[i];
        struct policy_decision *dec = &d->decisions[i];

        if ( dec->unmanaged == POLICY_EXCL_SCHED ||
             dec->unmanaged == POLICY_EXCL_DYING )
            continue;
        if ( d->paused )
            act_apply(d, s, POLICY_SET_WEIGHT | POLICY_SET_CAP,
                      s->base_weight, s->base_cap);
        else if ( dec->set )
            act_apply(d, s, dec->set, dec->weight, dec->cap);
    }
    state_save(d->state);
}

/* Put every base value back (stop, pause). */
void act_restore_all(struct daemon *d)
{
    unsigned int i, n = 0;

    /* A dry run changed nothing, so it has nothing to put back. */
    if ( d->dry_run )
        return;
    for ( i = 0; i < d->ndoms; i++ )
    {
        struct policy_sample *s = &d->samples[i];

        if ( s->weight == s->base_weight && s->cap == s->base_cap )
            continue;
        if ( !act_apply(d, s, POLICY_SET_WEIGHT | POLICY_SET_CAP,
                        s->base_weight, s->base_cap) )
            n++;
    }
    state_save(d->state);
    if ( n )
        log_notice("restored the base weight and cap of %u domain%s", n,
                   n == 1 ? "" : "s");
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * effects.c - the effect checks' verdicts, for display: a log line when
 * a class change helped (an undo is logged as the class change it is),
 * the counts behind the metrics, and each domain's last verdict.
 *
 * It reads decisions only; the checks themselves are policy/'s.  The
 * table holds one entry per domain that ever had a verdict and is still
 * sampled, searched linearly: verdicts are rare, and status is asked
 * for by a person.
 */
#include <stdlib.h>
#include <string.h>

#include "effects.h"
#include "log.h"

int effects_judged_class(const struct policy_decision *dc)
{
    return dc->effect_new && dc->class_changed ? dc->prev_cls : dc->cls;
}

static struct daemon_verdict *slot_for(struct daemon *d,
                                       const struct policy_sample *s)
{
    struct daemon_verdict *nv;
    unsigned int i, nmax;

    for ( i = 0; i < d->nverdicts; i++ )
        if ( d->verdicts[i].domid == s->domid )
            return &d->verdicts[i];
    if ( d->nverdicts == d->verdicts_max )
    {
        nmax = d->verdicts_max ? d->verdicts_max * 2 : 16;
        nv = realloc(d->verdicts, nmax * sizeof(*nv));
        if ( !nv )
            return NULL;
        d->verdicts = nv;
        d->verdicts_max = nmax;
    }
    return &d->verdicts[d->nverdicts++];
}

/* Drop the verdicts of domains gone (or whose domid is now another's). */
static void prune(struct daemon *d)
{
    unsigned int i = 0, j;
    bool alive;

    while ( i < d->nverdicts )
    {
        const struct daemon_verdict *v = &d->verdicts[i];

        alive = false;
        for ( j = 0; j < d->ndoms && !alive; j++ )
            alive = d->samples[j].domid == v->domid &&
                    !memcmp(d->samples[j].uuid, v->uuid, 16);
        if ( alive )
            i++;
        else
            d->verdicts[i] = d->verdicts[--d->nverdicts];
    }
}

void effects_note(struct daemon *d, uint64_t now_ns)
{
    const struct policy_config *p = &d->conf->policy;
    char what[24];
    bool any = false;
    unsigned int i;

    for ( i = 0; i < d->ndoms; i++ )
    {
        const struct policy_decision *dc = &d->decisions[i];
        const struct policy_sample *s = &d->samples[i];
        struct daemon_verdict *v;

        if ( !dc->effect_new )
            continue;
        if ( !any )
            prune(d);
        any = true;
        if ( dc->effect == POLICY_EFFECT_HELPED )
        {
            d->stats.effects_helped++;
            log_info("d%u %s: %s helped: %s %.1f%% -> %.1f%% in %u polls",
                     s->domid, s->name,
                     policy_class_name(p, effects_judged_class(dc)),
                     policy_measure_text(dc->effect_measure,
                                         dc->effect_waiter, what,
                                         sizeof(what)),
                     dc->effect_before, dc->effect_after, dc->effect_polls);
        }
        else
            d->stats.effects_undone++;
        v = slot_for(d, s);
        if ( !v )
            continue;           /* display only: lose it, not the poll */
        *v = (struct daemon_verdict){
            .domid = s->domid, .effect = dc->effect,
            .measure = dc->effect_measure, .waiter = dc->effect_waiter,
            .before = dc->effect_before,
            .after = dc->effect_after, .polls = dc->effect_polls,
            .at_ns = now_ns,
            .cls = effects_judged_class(dc),
        };
        memcpy(v->uuid, s->uuid, sizeof(v->uuid));
    }
}

const struct daemon_verdict *effects_find(const struct daemon *d,
                                          const struct policy_sample *s)
{
    unsigned int i;

    for ( i = 0; i < d->nverdicts; i++ )
        if ( d->verdicts[i].domid == s->domid &&
             !memcmp(d->verdicts[i].uuid, s->uuid, 16) )
            return &d->verdicts[i];
    return NULL;
}

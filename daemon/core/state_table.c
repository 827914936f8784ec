/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * state_table.c - storage of the state's entries: an array grown by
 * doubling (no allocation in the steady state) and a domid map for O(1)
 * look-ups of the live domains.  What an entry means is state.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "state_table.h"

struct state_ent *state_table_add(struct state *st)
{
    if ( st->nent == st->nent_max )
    {
        unsigned int nmax = st->nent_max ? st->nent_max * 2 : 64;
        struct state_ent *ne = realloc(st->ent, nmax * sizeof(*ne));

        if ( !ne )
            return NULL;
        st->ent = ne;
        st->nent_max = nmax;
    }
    memset(&st->ent[st->nent], 0, sizeof(st->ent[0]));
    return &st->ent[st->nent++];
}

void state_table_init_map(struct state *st)
{
    unsigned int i;

    for ( i = 0; i < POLICY_DOMID_LIMIT; i++ )
        st->map[i] = STATE_NO_ENT;
}

void state_table_remap(struct state *st, bool seen_only)
{
    unsigned int i;

    for ( i = 0; i < st->nent; i++ )
        if ( st->ent[i].domid < POLICY_DOMID_LIMIT &&
             (st->ent[i].seen || !seen_only) )
            st->map[st->ent[i].domid] = i;
}

unsigned int state_table_filter(struct state *st,
                                bool (*keep)(const struct state *st,
                                             const struct state_ent *e))
{
    unsigned int i, j;

    for ( i = j = 0; i < st->nent; i++ )
        if ( keep(st, &st->ent[i]) )
            st->ent[j++] = st->ent[i];
    i = st->nent - j;
    st->nent = j;
    if ( i )
        state_table_remap(st, true);
    return i;
}

uint32_t state_table_find(const struct state *st, uint32_t domid,
                          const uint8_t uuid[16])
{
    uint32_t i = domid < POLICY_DOMID_LIMIT ? st->map[domid] : STATE_NO_ENT;

    /* A map slot may be stale (remap does not clear): check it. */
    if ( i < st->nent && st->ent[i].domid == domid &&
         !memcmp(st->ent[i].uuid, uuid, 16) )
        return i;
    return STATE_NO_ENT;
}

bool state_uuid_null(const uint8_t uuid[16])
{
    static const uint8_t zero[16];

    return !memcmp(uuid, zero, sizeof(zero));
}

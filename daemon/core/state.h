/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * state.h - the administrator's base weight and cap of every domain, and
 * what coopvmm last set, kept in a state file that survives crashes.
 */
#ifndef COOPVMM_STATE_H
#define COOPVMM_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

struct state_ent {
    uint8_t uuid[16];
    uint32_t domid;
    uint32_t base_w, base_c;    /* the administrator's values */
    uint32_t set_w, set_c;      /* what coopvmm last set ... */
    bool has_set_w, has_set_c;  /* ... if it differs from base */
    bool seen;                  /* present in the current poll */
};

struct state;

/*
 * Open the state file at `path` ("" or NULL: in memory only) and load it
 * if it exists.  A damaged file is reported with its line and set aside
 * as PATH.bad; the daemon starts from what the hypervisor shows.
 */
struct state *state_open(const char *path);
void state_close(struct state *st);

/*
 * The entry for a domain: found by domid and UUID, else created with the
 * given current values as its base (*created set).  NULL on ENOMEM.
 * The pointer is valid until the next state_get() or state_bases().
 */
struct state_ent *state_get(struct state *st, uint32_t domid,
                            const uint8_t uuid[16], uint32_t weight,
                            uint32_t cap, bool *created);

/*
 * After each sample, before the policy: the base weight and cap of every
 * sampled domain into its sample (base_weight, base_cap).  A domain seen
 * for the first time gets its current values as base; a value that is
 * neither the base nor what coopvmm set was set by the administrator and
 * becomes the new base.  Entries of domains not sampled are dropped.
 * `first_poll`: say which values a previous run left set.  0 or -ENOMEM.
 */
int state_bases(struct state *st, struct policy_sample *samples,
                unsigned int n, bool first_poll);

/* Iterate over entries: idx from 0; NULL at the end. */
struct state_ent *state_next(struct state *st, unsigned int *idx);

/* Mark changed; state_save() writes only when something changed. */
void state_dirty(struct state *st);
int state_save(struct state *st);

#endif /* COOPVMM_STATE_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * state.h - the administrator's base weight and cap of every guest, and
 * the values coopvmm set or is about to set, kept in a state file that
 * survives crashes (state.c; the file is state_file.c's).
 *
 * Bases belong to the guest (its UUID), not to a domid: a reboot, a
 * save/restore or a migration back makes a new domain of the same guest,
 * which xl starts with the values live at the time, possibly coopvmm's.
 * Every value coopvmm moves a guest to is written to the file before the
 * scheduler call (state_intend, state_sync), so that no crash can leave
 * a value of coopvmm's that a restart would take for the
 * administrator's.
 */
#ifndef COOPVMM_STATE_H
#define COOPVMM_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"
#include "state_table.h"

/* Guests that left with a value of coopvmm's, remembered at most. */
#define STATE_GONE_MAX  1024
/* Polls a change that no restart depends on may wait to be written. */
#define STATE_LAZY      10

struct state;

/*
 * Open the state file at `path` ("" or NULL: in memory only) and read it
 * (state_file_load: damaged lines are reported and skipped).  NULL on
 * ENOMEM only; a file that cannot be read yet is retried, and until it
 * is read nothing is moved away from its base.
 */
struct state *state_open(const char *path);
void state_close(struct state *st);

/*
 * After each sample, before the policy: match every sampled domain with
 * its guest's entry and put the base weight and cap into its sample
 * (base_weight, base_cap).  A guest seen for the first time gets its
 * current values as base, once its domain has run (c.cpu_ns > 0): until
 * then the toolstack may still be setting them, and the sample's own
 * values stand in for the base.  A value that is neither the base nor one of
 * coopvmm's was set by the administrator and becomes the new base.  A
 * new domain of a known guest (same UUID, new domid: reboot, restore,
 * migration back) keeps the guest's base, and a value of coopvmm's it
 * started with is recognised as such, so the actuator puts the base
 * back.  Guests that left are forgotten unless they left with a value of
 * coopvmm's (at most STATE_GONE_MAX, the oldest go first).
 * `first_poll`: say which values a previous run left set.  0 or -ENOMEM.
 */
int state_bases(struct state *st, struct policy_sample *samples,
                unsigned int n, bool first_poll);

/* The entry of a sampled domain after state_bases(), or NULL. */
struct state_ent *state_entry(struct state *st, const struct policy_sample *s);

/*
 * The actuator's side, for each scheduler call that moves fields `mask`
 * (POLICY_SET_*) of the sampled domain `s` to weight `w`, cap `c`:
 *
 * state_intend() notes the values before the call; true if one of them
 * is not the base, so that state_sync() must succeed before the call.
 * state_sync() writes what was intended (0 at once if nothing needs
 * it, or in memory only); 0 or -errno, logged once.
 * state_done() after a call that worked: the values are in force.
 * state_observe() after a read of the values in force (w, c): one that is
 * neither the base nor coopvmm's becomes the new base (logged, `s`
 * updated); returns true if anything differed from s->weight, s->cap.
 */
bool state_intend(struct state *st, struct state_ent *e,
                  const struct policy_sample *s, unsigned int mask,
                  uint32_t w, uint32_t c);
int state_sync(struct state *st);
void state_done(struct state *st, struct state_ent *e, unsigned int mask,
                uint32_t w, uint32_t c);
bool state_observe(struct state *st, struct state_ent *e,
                   struct policy_sample *s, uint32_t w, uint32_t c);

/* Whether values away from the base can be made durable now. */
bool state_writable(const struct state *st);

/* Iterate over entries: idx from 0; NULL at the end. */
struct state_ent *state_next(struct state *st, unsigned int *idx);

/*
 * Write the file if anything changed since the last write: state_save()
 * only if that is STATE_LAZY polls ago (nothing a restart needs waits
 * for it: state_sync() writes whatever must be durable), state_flush()
 * now (stop).  0 or -errno.
 */
int state_save(struct state *st);
int state_flush(struct state *st);

#endif /* COOPVMM_STATE_H */

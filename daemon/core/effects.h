/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * effects.h - what the effect checks found, kept for the people who look:
 * the decision log's line when a class change helped, the counts of
 * verdicts, and each domain's last verdict for coopctl status (an undo
 * shows in a decision for one poll only; the hold-off lasts minutes).
 */
#ifndef COOPVMM_EFFECTS_H
#define COOPVMM_EFFECTS_H

#include <stdint.h>

#include "daemon_types.h"

/*
 * After policy_update(): count and log this poll's verdicts
 * (decision.effect_new) and remember each domain's last one.  Entries
 * of domains no longer sampled are dropped.  Allocates only when more
 * domains have verdicts than ever before.
 */
void effects_note(struct daemon *d, uint64_t now_ns);

/* The last verdict on the domain of sample `s` (same domid and UUID), or NULL. */
const struct daemon_verdict *effects_find(const struct daemon *d,
                                          const struct policy_sample *s);

/*
 * The class an effect check judged: the one the domain left if its class
 * changed at the poll of the verdict (an undo, or a move on at that very
 * poll), else its class.
 */
int effects_judged_class(const struct policy_decision *dc);

#endif /* COOPVMM_EFFECTS_H */

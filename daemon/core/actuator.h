/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * actuator.h - applying decisions without ever losing the administrator's
 * base weight and cap.
 */
#ifndef COOPVMM_ACTUATOR_H
#define COOPVMM_ACTUATOR_H

#include "daemon_types.h"
#include "record.h"

/* After the policy: apply what changed (or base values while paused). */
void act_decisions(struct daemon *d);
/* Set weight/cap of one sampled domain (respects dry-run). 0 or -errno. */
int act_apply(struct daemon *d, struct policy_sample *s, unsigned int mask,
              uint32_t weight, uint32_t cap);
/* Put every base value back. */
void act_restore_all(struct daemon *d);

#endif /* COOPVMM_ACTUATOR_H */

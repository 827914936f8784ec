/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * actuator.h - applying decisions without ever losing the administrator's
 * base weight and cap (actuator.c).
 */
#ifndef COOPVMM_ACTUATOR_H
#define COOPVMM_ACTUATOR_H

#include "daemon_types.h"
#include "record.h"

/*
 * After the policy: set what changed (base values while paused, and for
 * a domain shutting down), each value away from its base written ahead
 * to the state file, each domain's values read again right before its
 * call.  Changes that cannot be made durable are held; failures are
 * logged once per domain.
 */
void act_decisions(struct daemon *d);

/* Put every base value back (stop, pause), and say how many. */
void act_restore_all(struct daemon *d);

#endif /* COOPVMM_ACTUATOR_H */

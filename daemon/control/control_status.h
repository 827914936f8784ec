/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control_status.h - the parts of the status reply that explain the
 * policy (control_status.c): contention metrics, the live condition of
 * each domain's class, the effect check, the cpupools.
 */
#ifndef COOPVMM_CONTROL_STATUS_H
#define COOPVMM_CONTROL_STATUS_H

#include <jansson.h>

#include "daemon_types.h"

/* Add to domain i's object: metrics, live condition, effect. */
void status_add_domain(json_t *o, const struct daemon *d, unsigned int i);

/*
 * Add to the reply (`rep`) and its "daemon" object (`dm`): the schema
 * version, the signals the samples carry and the metrics missing
 * without them, the effect check's settings and counts, the cpupools.
 */
void status_add_daemon(json_t *rep, json_t *dm, const struct daemon *d);

#endif /* COOPVMM_CONTROL_STATUS_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * record.h - recordings: what `coopvmmd --record` writes and the replay
 * backend reads.
 *
 * Format "coopvmm-recording 2", line-oriented, one record per line:
 *
 *   coopvmm-recording 2          header; may appear again (a new session:
 *                                every domain is gone).  Version 1 files
 *                                (19 counters) are read too.
 *   # text                       comment
 *   h signals=HEX scheds=LIST    host: live signals, schedulers found
 *   t NS                         a poll, NS nanoseconds after the previous
 *                                one (after the header: since its start)
 *   m DOMID UUID VCPUS POOL POOLCPUS SCHED SIGNALS FLAGS STUBOF NAME
 *                                a domain appears or its metadata changes
 *   w DOMID WEIGHT CAP           scheduler values changed by someone
 *                                other than the recording daemon (and at
 *                                first sight)
 *   c DOMID D1 ... D25           counter deltas since the domain's last
 *                                poll, in the order of struct
 *                                policy_counters; trailing zeros left out;
 *                                no line: nothing changed; a negative
 *                                delta is a counter reset
 *   x DOMID                      the domain is gone
 *
 * A domain is present from its m line to its x line; every poll samples
 * every present domain.  An idle domain costs nothing per poll.
 */
#ifndef COOPVMM_RECORD_H
#define COOPVMM_RECORD_H

#include <stdint.h>

#include "backend.h"
#include "policy.h"

#define RECORD_MAGIC        "coopvmm-recording 2"
#define RECORD_MAGIC_V1     "coopvmm-recording 1"
#define RECORD_NCOUNTERS    25      /* version 2 */
#define RECORD_NCOUNTERS_V1 19

struct recorder;

/* Append to `path` (created if missing).  NULL on failure (logged). */
struct recorder *record_open(const char *path,
                             const struct backend_info *info);
/* One poll's samples, before the actuator changes anything. */
int record_poll(struct recorder *r, uint64_t now_ns,
                const struct policy_sample *s, unsigned int n);
/* What the daemon set, so that it is not mistaken for an outside change. */
void record_set(struct recorder *r, uint32_t domid, unsigned int mask,
                uint32_t weight, uint32_t cap);
void record_close(struct recorder *r);

/*
 * Shared by the writer and the reader: counter i (0..RECORD_NCOUNTERS) of
 * the c line's order.
 */
uint64_t *record_counter(struct policy_counters *c, unsigned int i);

#endif /* COOPVMM_RECORD_H */

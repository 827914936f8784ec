/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report_collect.h - the replay report's collector (report_collect.c):
 * what it keeps of each poll of a run.
 */
#ifndef COOPVMM_REPORT_COLLECT_H
#define COOPVMM_REPORT_COLLECT_H

#include "report_types.h"

/*
 * A run of daemon `d` (configured, its replay open) on the shared clock
 * `tm`.  `label`: "A"/"B" in a comparison, else "".  0 or -ENOMEM.
 */
int rpt_run_init(struct rpt_run *r, struct daemon *d, struct rpt_time *tm,
                 const char *label, const char *conf_path);
void rpt_run_free(struct rpt_run *r);

/*
 * The bucket of a poll at `now` (monotonic ns, nondecreasing).  When the
 * timeline had to double its bucket width, *times says how often, and
 * every run must be compacted (rpt_run_compact, with the number of
 * buckets in use before this call) before its poll is added.
 */
unsigned int rpt_time_at(struct rpt_time *tm, uint64_t now,
                         unsigned int *times);

/*
 * Merge bucket pairs `times` times over, the timeline having held
 * `old_nb` buckets: each extreme is kept.
 */
void rpt_run_compact(struct rpt_run *r, unsigned int old_nb,
                     unsigned int times);

/*
 * The daemon's last poll (samples and decisions) into bucket k: the
 * timelines, the summary, and the decisions, effects and metrics files.
 * 0, or -ENOMEM (the report cannot go on).
 */
int rpt_run_poll(struct rpt_run *r, unsigned int k, uint64_t now);

/*
 * A comparison: where run a's and run b's classes differ at this poll
 * (the same recording, so the same domains in the same order), marked
 * in a's domains; `dt`: the poll's interval, for the time differing.
 */
void rpt_run_diff(struct rpt_run *a, const struct rpt_run *b, unsigned int k,
                  uint64_t now, uint64_t dt);

#endif /* COOPVMM_REPORT_COLLECT_H */

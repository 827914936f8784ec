/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report_csv.h - the replay report's data files (report_csv.c), in the
 * report directory: [a-|b-]decisions.csv, decisions.jsonl, effects.csv
 * and metrics.csv (the prefix in a comparison).  Columns in coopvmmd(8).
 */
#ifndef COOPVMM_REPORT_CSV_H
#define COOPVMM_REPORT_CSV_H

#include <stddef.h>

#include "report_types.h"

/* The domain's name, cleaned (dm->name) and as a CSV field (csv_name). */
void rpt_csv_name(struct rpt_dom *dm, const char *name, size_t len);

/* Create the run's files in `dir` with their header lines.  0 or -errno. */
int rpt_csv_open(struct rpt_run *r, const char *dir);
/* Close them; -EIO if a write failed. */
int rpt_csv_close(struct rpt_run *r);

/* One class change, one effect verdict, one domain's poll. */
void rpt_csv_decision(struct rpt_run *r, const struct rpt_dom *dm,
                      const struct policy_sample *s,
                      const struct policy_decision *dc, uint64_t now);
void rpt_csv_effect(struct rpt_run *r, const struct rpt_dom *dm,
                    const struct policy_sample *s,
                    const struct policy_decision *dc, uint64_t now);
void rpt_csv_metrics(struct rpt_run *r, const struct rpt_dom *dm,
                     const struct policy_sample *s,
                     const struct policy_decision *dc, uint64_t now);

#endif /* COOPVMM_REPORT_CSV_H */

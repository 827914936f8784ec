/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report_svg.h - the replay report's drawings (report_svg.c), and the
 * small text helpers the page shares with them.
 */
#ifndef COOPVMM_REPORT_SVG_H
#define COOPVMM_REPORT_SVG_H

#include <stddef.h>
#include <stdio.h>

#include "report_types.h"

/* The colour of a class in bands and legends (grey for none). */
const char *rpt_class_color(int cls);

/* A duration in seconds as 45s, 3m07s, 26h40m. */
void rpt_fmt_dur(char *b, size_t n, double s);

/* Text with <, >, & and " escaped for HTML. */
void rpt_html_text(FILE *f, const char *s);

/*
 * One domain's timeline as an <svg>: run a's class band (and run b's,
 * with where they differ, in a comparison: b and db non-NULL), a panel
 * per metric a's conditions test with their levels, weight, and cap if
 * one was ever set.
 */
void rpt_svg_domain(FILE *f, const struct rpt_run *a, const struct rpt_run *b,
                    const struct rpt_dom *da, const struct rpt_dom *db);

/* One cpupool's busy and wait as an <svg>. */
void rpt_svg_pool(FILE *f, const struct rpt_run *r, const struct rpt_pool *pl);

#endif /* COOPVMM_REPORT_SVG_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report_html.h - the replay report's page (report_html.c).
 */
#ifndef COOPVMM_REPORT_HTML_H
#define COOPVMM_REPORT_HTML_H

#include <stdint.h>

#include "report_types.h"

/*
 * Write DIR/index.html for run a (and b, a comparison, if not NULL) of
 * `recording`.  *bytes (if not NULL) gets the page's size.  0 or -errno.
 */
int rpt_html_write(const char *dir, const char *recording,
                   const struct rpt_run *a, const struct rpt_run *b,
                   uint64_t *bytes);

#endif /* COOPVMM_REPORT_HTML_H */

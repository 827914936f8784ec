/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report.h - the replay report: `coopvmmd --replay FILE --report DIR
 * [--compare OTHER.conf]` plays a recording as fast as it can through a
 * policy (or two, side by side) and writes what they did into DIR: a
 * page, index.html, and the data as CSV and JSON lines (report.c).
 */
#ifndef COOPVMM_REPORT_H
#define COOPVMM_REPORT_H

struct report_args {
    const char *conf_path;      /* the policy (-f) */
    const char *compare_path;   /* --compare: a second policy, or NULL */
    const char *replay_path;    /* the recording */
    const char *dir;            /* created if missing */
    int verbose;                /* -v: log the decisions on stderr */
};

/*
 * Run the report.  It touches no live state: the base values live in
 * memory, no socket, pid file or metrics file is made.  A terminal on
 * stderr gets a progress line.  Returns the exit status (0 or 1, with
 * the reason on stderr).
 */
int report_run(const struct report_args *a);

#endif /* COOPVMM_REPORT_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl_status.h - `coopctl status` as text, and the cells it shares with
 * `top` (ctl_status.c).  Every formatter writes at most n bytes into b.
 */
#ifndef COOPVMM_CTL_STATUS_H
#define COOPVMM_CTL_STATUS_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "ctl_names.h"

/* A string member, or "" if absent. */
const char *ctl_jstr(json_t *o, const char *k);
/* An integer member, or 0 if absent. */
long long ctl_jint(json_t *o, const char *k);

/* A duration in seconds as 45s, 3m07s, 2h05m, 1d03h. */
void ctl_fmt_age(char *b, size_t n, double s);
/* A number with one decimal below 1000, none above; "-" if not a number. */
void ctl_fmt_num(char *b, size_t n, json_t *v);
/*
 * A domain's effect check: "wait 38% -> 4% helped", "wait 38% -> 20%
 * measuring (4/10)", "undone io-bound: wait 40% -> 38%, barred 4m10s", or
 * "-"; a throttle's measure is its waiter's wait ("d3's wait 38% -> 4%
 * helped").
 */
void ctl_fmt_effect(char *b, size_t n, json_t *dom);
/* "256->1024" and "0->80": the base value and the one in force. */
void ctl_fmt_weight(char *b, size_t n, json_t *dom);
void ctl_fmt_cap(char *b, size_t n, json_t *dom);
/* "io-bound" ("*" if pinned, " (40s)" with age) or "(dom0)" if not managed. */
void ctl_fmt_class(char *b, size_t n, json_t *dom, bool age);
/*
 * "ioreq MISSING, runstate MISSING: ..." for the daemon object, or "";
 * `brief`: worded for 80 columns.
 */
void ctl_fmt_missing(char *b, size_t n, json_t *dm, bool brief);

/* The whole status reply as text (see coopctl(8)). */
void ctl_status_print(FILE *f, json_t *rep);

#endif /* COOPVMM_CTL_STATUS_H */

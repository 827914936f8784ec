/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report_types.h - what the replay report keeps of a run, shared by its
 * collector (report_collect.c), its files (report_csv.c) and its page
 * (report_html.c, report_svg.c).  Types only.
 *
 * Memory is bounded by the number of domains, not by the recording's
 * length: each timeline is RPT_BUCKETS buckets of min and max, whose
 * width doubles (pairs merged) whenever the recording outgrows them, so
 * every extreme is kept; each class change is kept exactly (as an event,
 * up to RPT_EVENTS_MAX a domain, and always in the decisions files).
 */
#ifndef COOPVMM_REPORT_TYPES_H
#define COOPVMM_REPORT_TYPES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "daemon_types.h"

#define RPT_BUCKETS     800     /* timeline width, one pixel a bucket */
#define RPT_SERIES_MAX  12      /* metrics a policy's conditions test, and cpu */
#define RPT_EVENTS_MAX  2000    /* class changes and verdicts drawn a domain */
#define RPT_POOLS_MAX   64
#define RPT_CLASSES_MAX 31      /* classes a band tells apart (bit 0: none) */

/* The timeline's clock, shared by the runs of a comparison. */
struct rpt_time {
    bool started;
    uint64_t t0_ns, last_ns;
    uint64_t bucket_ns;         /* 0 until the second poll */
    unsigned int nb;            /* buckets in use */
    uint64_t polls;
};

/* min and max of a series over one bucket; NAN if nothing fell in it. */
struct rpt_span {
    float lo, hi;
};

enum rpt_event_kind { RPT_EV_CHANGE, RPT_EV_HELPED, RPT_EV_UNDONE };

struct rpt_event {
    uint64_t t_ns;
    int16_t from, to;           /* classes (change), or the class judged */
    uint8_t kind;
    float before, after;        /* verdicts: the measure, % */
    uint8_t measure;            /* verdicts: enum policy_effect_measure */
    uint32_t waiter;            /* verdicts: WAITER_WAIT's domid */
};

/* Per domain (a domid reused by another UUID is another domain). */
struct rpt_dom {
    uint32_t domid;
    uint8_t uuid[16];
    char name[POLICY_NAME_MAX * 4];     /* cleaned UTF-8 */
    char csv_name[POLICY_NAME_MAX * 8]; /* quoted for CSV if need be */
    uint32_t pool;
    bool managed;               /* at some poll */
    uint64_t first_ns, last_ns;
    /* Timeline: series[s * RPT_BUCKETS + k]; weight and cap after them. */
    struct rpt_span *span;
    uint32_t *cls_mask;         /* classes present in bucket k (bit cls+1) */
    int8_t *cls_last;           /* class at the end of bucket k */
    uint8_t *diff;              /* comparison: classes differed in k */
    struct rpt_event *ev;
    unsigned int nev, maxev;
    bool ev_cut;                /* more than RPT_EVENTS_MAX */
    /* Summary. */
    uint64_t class_ns[RPT_CLASSES_MAX + 1];     /* [cls + 1] */
    unsigned int changes, flaps, helped, undone;
    double w_given, w_taken;    /* weight x seconds above / below base */
    uint64_t diff_polls, diff_ns;
    /* The last poll, for the next one's intervals. */
    bool seen;
    int cls;
    unsigned int polls_in_cls;
    bool cls_from_start;        /* in its first class since first sight */
    uint32_t w, cap, base_w;
};

struct rpt_pool {
    uint32_t id;
    uint32_t cpus;
    enum policy_sched sched;
    struct rpt_span busy[RPT_BUCKETS], wait[RPT_BUCKETS];
};

/* One policy's run over the recording. */
struct rpt_run {
    const char *label;          /* "A", "B" or "" */
    const char *conf_path;
    struct daemon *d;
    struct rpt_time *tm;
    enum policy_metric series[RPT_SERIES_MAX];
    unsigned int nseries;
    struct rpt_dom *dom;
    unsigned int ndom, maxdom;
    uint32_t *map;              /* domid -> index + 1 (0: none) */
    struct rpt_pool *pool;
    unsigned int npool;
    /* Totals. */
    uint64_t changes, flaps, helped, undone, diff_polls;
    double w_given, w_taken;
    uint32_t signals;           /* any sample's */
    /* Files. */
    FILE *dec_csv, *dec_jsonl, *eff_csv, *met_csv;
    char *met_buf;              /* setvbuf buffer of met_csv */
};

#endif /* COOPVMM_REPORT_TYPES_H */

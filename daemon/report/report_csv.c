/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report_csv.c - the replay report's data files, written as the replay
 * goes: every class change as CSV and as JSON lines (when, which domain,
 * from and to, why it entered the new class and why it left the old,
 * weight and cap before and after), every effect verdict, and every
 * domain's metrics at every poll (CSV, for plots of one's own).
 *
 * metrics.csv has a line per domain and poll, 8.6 million for a day of
 * 100 domains at 1 s: its numbers are formatted here by hand (printf's
 * %f would be most of the report's time).  Text from the recording
 * (names) is cleaned to UTF-8 without control characters and quoted.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "effects.h"
#include "metrics.h"
#include "report_csv.h"
#include "uuid.h"

#define MET_BUF     (1 << 20)

void rpt_csv_name(struct rpt_dom *dm, const char *name, size_t len)
{
    const char *p;
    size_t o = 0;

    metrics_clean_text(dm->name, sizeof(dm->name), name, len);
    if ( !strpbrk(dm->name, ",\"") && dm->name[0] != ' ' )
    {
        snprintf(dm->csv_name, sizeof(dm->csv_name), "%s", dm->name);
        return;
    }
    dm->csv_name[o++] = '"';
    for ( p = dm->name; *p && o + 3 < sizeof(dm->csv_name); p++ )
    {
        if ( *p == '"' )
            dm->csv_name[o++] = '"';
        dm->csv_name[o++] = *p;
    }
    dm->csv_name[o++] = '"';
    dm->csv_name[o] = '\0';
}

/* A CSV field: quoted, quotes doubled (reasons hold commas). */
static void put_field(FILE *f, const char *s)
{
    fputc('"', f);
    for ( ; *s; s++ )
    {
        if ( *s == '"' )
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static FILE *open_in(const char *dir, const char *label, const char *name,
                     const char *header)
{
    char path[PATH_MAX];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s%s%s", dir, label,
             *label ? "-" : "", name);
    f = fopen(path, "w");
    if ( f && header )
        fputs(header, f);
    return f;
}

int rpt_csv_open(struct rpt_run *r, const char *dir)
{
    char head[512];
    size_t off;
    unsigned int i;
    char lab[4] = "";

    if ( *r->label )
        lab[0] = (char)(r->label[0] | 0x20);    /* "a", "b" */
    r->dec_csv = open_in(dir, lab, "decisions.csv", "time_s,domid,uuid,name,"
                         "old_class,new_class,reason_enter,reason_leave,"
                         "weight_old,weight_new,cap_old,cap_new\n");
    r->dec_jsonl = open_in(dir, lab, "decisions.jsonl", NULL);
    r->eff_csv = open_in(dir, lab, "effects.csv", "time_s,domid,uuid,name,"
                         "class,verdict,measure,waiter,before_pct,"
                         "after_pct,polls\n");
    off = (size_t)snprintf(head, sizeof(head),
                           "time_s,domid,name,class,weight,cap");
    for ( i = 0; i < r->nseries; i++ )
        off += (size_t)snprintf(head + off, sizeof(head) - off, ",%s",
                                policy_metric_name(r->series[i]));
    snprintf(head + off, sizeof(head) - off, "\n");
    r->met_csv = open_in(dir, lab, "metrics.csv", head);
    r->met_buf = malloc(MET_BUF);
    if ( r->met_csv && r->met_buf )
        setvbuf(r->met_csv, r->met_buf, _IOFBF, MET_BUF);
    if ( !r->dec_csv || !r->dec_jsonl || !r->eff_csv || !r->met_csv )
        return errno ? -errno : -EIO;
    return 0;
}

static int close_one(FILE **f)
{
    int rc = 0;

    if ( *f && (ferror(*f) | fclose(*f)) )
        rc = -EIO;
    *f = NULL;
    return rc;
}

int rpt_csv_close(struct rpt_run *r)
{
    int rc = close_one(&r->dec_csv);

    rc = close_one(&r->dec_jsonl) ?: rc;
    rc = close_one(&r->eff_csv) ?: rc;
    rc = close_one(&r->met_csv) ?: rc;
    free(r->met_buf);
    r->met_buf = NULL;
    return rc;
}

static double rel_s(const struct rpt_run *r, uint64_t now)
{
    return (double)(now - r->tm->t0_ns) / 1e9;
}

/* Why the old class was left (the new one's reason says why it came). */
static void leave_reason(const struct rpt_run *r, const struct policy_sample *s,
                         const struct policy_decision *dc, char *b, size_t n)
{
    const struct policy_config *p = &r->d->conf->policy;
    char live[POLICY_REASON_MAX * 3];

    b[0] = '\0';
    if ( dc->prev_cls < 0 )
        return;
    if ( dc->effect == POLICY_EFFECT_UNDONE )
        snprintf(b, n, "effect check: did not help");
    else if ( dc->pinned )
        snprintf(b, n, "pinned elsewhere");
    else if ( !policy_explain(p, dc->prev_cls, dc, s->signals, true, live,
                              sizeof(live)) )
        snprintf(b, n, "%s", live);
    else
        snprintf(b, n, "still held (%s), but %s came first", live,
                 policy_class_name(p, dc->cls));
}

void rpt_csv_decision(struct rpt_run *r, const struct rpt_dom *dm,
                      const struct policy_sample *s,
                      const struct policy_decision *dc, uint64_t now)
{
    const struct policy_config *p = &r->d->conf->policy;
    const char *from = policy_class_name(p, dc->prev_cls);
    const char *to = policy_class_name(p, dc->cls);
    char uuid[UUID_TEXT_LEN + 1], left[POLICY_REASON_MAX * 4];
    char reason[POLICY_REASON_MAX * 2];
    uint32_t w0 = dm->seen ? dm->w : s->base_weight;
    uint32_t c0 = dm->seen ? dm->cap : s->base_cap;
    json_t *j;
    char *txt;

    uuid_to_text(s->uuid, uuid);
    metrics_clean_text(reason, sizeof(reason), dc->reason,
                       sizeof(dc->reason));
    leave_reason(r, s, dc, left, sizeof(left));
    fprintf(r->dec_csv, "%.3f,%u,%s,%s,%s,%s,", rel_s(r, now), s->domid,
            uuid, dm->csv_name, from, to);
    put_field(r->dec_csv, reason);
    fputc(',', r->dec_csv);
    put_field(r->dec_csv, left);
    fprintf(r->dec_csv, ",%u,%u,%u,%u\n", w0, dc->weight, c0, dc->cap);
    j = json_pack("{s:f, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:[i,i], "
                  "s:[i,i]}", "time_s", rel_s(r, now), "domid",
                  (int)s->domid, "uuid", uuid, "name", dm->name, "from", from,
                  "to", to, "reason_enter", reason, "reason_leave", left,
                  "weight", (int)w0, (int)dc->weight, "cap", (int)c0,
                  (int)dc->cap);
    txt = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    if ( txt )
        fprintf(r->dec_jsonl, "%s\n", txt);
    free(txt);
    json_decref(j);
}

void rpt_csv_effect(struct rpt_run *r, const struct rpt_dom *dm,
                    const struct policy_sample *s,
                    const struct policy_decision *dc, uint64_t now)
{
    const struct policy_config *p = &r->d->conf->policy;
    char uuid[UUID_TEXT_LEN + 1];
    bool helped = dc->effect == POLICY_EFFECT_HELPED;
    char waiter[16] = "";

    uuid_to_text(s->uuid, uuid);
    if ( dc->effect_measure == POLICY_MEASURE_WAITER_WAIT )
        snprintf(waiter, sizeof(waiter), "%u", dc->effect_waiter);
    fprintf(r->eff_csv, "%.3f,%u,%s,%s,%s,%s,%s,%s,%.1f,%.1f,%u\n",
            rel_s(r, now), s->domid, uuid, dm->csv_name,
            policy_class_name(p, effects_judged_class(dc)),
            helped ? "helped" : "undone",
            policy_measure_name(dc->effect_measure), waiter,
            dc->effect_before, dc->effect_after, dc->effect_polls);
}

static char *put_u64(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;

    do
        tmp[n++] = (char)('0' + v % 10);
    while ( (v /= 10) );
    while ( n )
        *p++ = tmp[--n];
    return p;
}

/* v with `dec` decimals (1 or 3), rounded; nothing if not finite. */
static char *put_fixed(char *p, double v, unsigned int dec)
{
    uint64_t scale = dec == 3 ? 1000 : 10, x;
    uint64_t frac;

    if ( !isfinite(v) || fabs(v) > 1e15 )
        return p;
    if ( v < 0 )
    {
        *p++ = '-';
        v = -v;
    }
    x = (uint64_t)(v * (double)scale + 0.5);
    p = put_u64(p, x / scale);
    *p++ = '.';
    frac = x % scale;
    if ( dec == 3 )
    {
        *p++ = (char)('0' + frac / 100);
        *p++ = (char)('0' + frac / 10 % 10);
    }
    *p++ = (char)('0' + frac % 10);
    return p;
}

void rpt_csv_metrics(struct rpt_run *r, const struct rpt_dom *dm,
                     const struct policy_sample *s,
                     const struct policy_decision *dc, uint64_t now)
{
    const char *cls = policy_class_name(&r->d->conf->policy, dc->cls);
    char line[1024], *p = line;
    size_t n;
    unsigned int i;

    p = put_fixed(p, rel_s(r, now), 3);
    *p++ = ',';
    p = put_u64(p, s->domid);
    *p++ = ',';
    n = strlen(dm->csv_name);
    memcpy(p, dm->csv_name, n);
    p += n;
    *p++ = ',';
    n = strnlen(cls, POLICY_CLASS_MAX);
    memcpy(p, cls, n);
    p += n;
    *p++ = ',';
    p = put_u64(p, s->weight);
    *p++ = ',';
    p = put_u64(p, s->cap);
    for ( i = 0; i < r->nseries; i++ )
    {
        *p++ = ',';
        if ( dc->rates_valid && dc->metric_valid[r->series[i]] )
            p = put_fixed(p, dc->metric[r->series[i]], 1);
    }
    *p++ = '\n';
    fwrite(line, 1, (size_t)(p - line), r->met_csv);
}

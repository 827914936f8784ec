/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report_html.c - the replay report's page, index.html: one file that
 * opens offline (no script, font or style from anywhere else), with the
 * summary (time in each class, changes, flaps, effect verdicts, weight x
 * seconds given and taken, per managed domain), in a comparison where
 * and how long the two policies decided differently, the host's
 * cpupools, and one timeline per managed domain (report_svg.c).
 *
 * Sections off screen are not laid out until scrolled to
 * (content-visibility), so a page of a hundred timelines opens at once.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "report_html.h"
#include "report_svg.h"
#include "version.h"

static const char css[] =
"body{font:13px/1.4 system-ui,sans-serif;margin:16px 24px;color:#222}"
"h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:22px 0 6px}"
"h3{font-size:14px;margin:14px 0 2px}.meta,.sub{color:#555}"
".note{background:#fff3cd;padding:4px 8px;display:inline-block}"
"table{border-collapse:collapse}td,th{padding:2px 6px;text-align:right;"
"border-bottom:1px solid #e4e4e4;white-space:nowrap}"
"th{background:#f2f2f2}td.l,th.l{text-align:left}tr.total td{font-weight:600}"
".sw{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;"
"vertical-align:-2px}section.timeline,section.pool{content-visibility:auto;"
"contain-intrinsic-size:1034px 420px}"
"svg.tl{display:block}svg .frame{fill:#fafafa;stroke:#ccc}"
"svg text{font:10px system-ui,sans-serif}svg .lab{text-anchor:end;"
"fill:#555}svg .ttl{fill:#333;font-weight:600}svg .ax{fill:#555;"
"text-anchor:middle}svg .lvl{font-size:9px}svg .enter{stroke-dasharray:5 3}"
"svg .leave{stroke-dasharray:1 3}svg .tick{stroke:#000;stroke-width:1}"
"svg .helped{fill:#1a9641;text-anchor:middle}svg .undone{fill:#d7191c;"
"text-anchor:middle}svg .diff{fill:#d7191c}";

struct page {
    FILE *f;
    const struct rpt_run *a, *b;
    const struct rpt_time *tm;
};

static double duration_s(const struct rpt_time *tm)
{
    return (double)(tm->last_ns - tm->t0_ns) / 1e9;
}

/* The other run's record of the same domain (same order of first sight). */
static const struct rpt_dom *twin(const struct rpt_run *b, unsigned int i,
                                  const struct rpt_dom *da)
{
    if ( !b || i >= b->ndom || b->dom[i].domid != da->domid ||
         memcmp(b->dom[i].uuid, da->uuid, 16) )
        return NULL;
    return &b->dom[i];
}

static bool shown(const struct page *pg, unsigned int i)
{
    const struct rpt_dom *db = twin(pg->b, i, &pg->a->dom[i]);

    return pg->a->dom[i].managed || (db && db->managed);
}

static void head(struct page *pg, const char *recording)
{
    FILE *f = pg->f;
    const struct rpt_run *a = pg->a;
    unsigned int i, managed = 0;
    char dur[32];

    for ( i = 0; i < a->ndom; i++ )
        managed += shown(pg, i);
    rpt_fmt_dur(dur, sizeof(dur), duration_s(pg->tm));
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\""
            "utf-8\">\n<title>coopvmm replay report: ");
    rpt_html_text(f, recording);
    fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n<h1>coopvmm "
            "replay report</h1>\n<p class=\"meta\">Recording <b>", css);
    rpt_html_text(f, recording);
    fprintf(f, "</b>: %llu polls over %s, %u domains, %u managed.  "
            "Made by coopvmmd %s; each timeline shows the smallest and "
            "largest value of each of its %.3g s buckets.</p>\n",
            (unsigned long long)pg->tm->polls, dur, a->ndom, managed,
            daemon_version, pg->tm->bucket_ns / 1e9);
    fprintf(f, "<p class=\"meta\">Policy%s: ", pg->b ? " A" : "");
    rpt_html_text(f, a->d->conf->name ? a->d->conf->name : "-");
    fputs(" (", f);
    rpt_html_text(f, a->conf_path);
    fputs(")", f);
    if ( pg->b )
    {
        fputs("; policy B: ", f);
        rpt_html_text(f, pg->b->d->conf->name ? pg->b->d->conf->name : "-");
        fputs(" (", f);
        rpt_html_text(f, pg->b->conf_path);
        fputs(")", f);
    }
    fputs(".  The loads are the recording's: weights set in a replay "
          "change its model of the host, not what the guests did, so an "
          "effect verdict here says what the recorded load did after a "
          "class change.</p>\n", f);
    if ( !(a->signals & POLICY_HAS_RUNSTATE) )
        fputs("<p class=\"note\">runstate MISSING in this recording: "
              "cpu-wait, cpu-demand and pool-wait are unavailable; "
              "conditions on them follow their <code>missing</code> rule."
              "</p>\n", f);
}

static void legend(struct page *pg)
{
    const struct policy_config *p = &pg->a->d->conf->policy;
    unsigned int i;

    fputs("<p class=\"legend\">Classes:", pg->f);
    for ( i = 0; i <= p->nclass; i++ )
    {
        int c = i < p->nclass ? (int)i : POLICY_CLASS_NONE;

        fprintf(pg->f, "<span class=\"sw\" style=\"background:%s\"></span>",
                rpt_class_color(c));
        rpt_html_text(pg->f, policy_class_name(p, c));
    }
    fputs(".  A tick marks each class change; &#x25B2; a change the effect "
          "check found helped, &#x2716; one it undid.  Dashed lines: a class's "
          "enter level; dotted: its leave level.</p>\n", pg->f);
}

static void summary_row(FILE *f, const struct rpt_run *r,
                        const struct rpt_dom *dm, bool total)
{
    const struct policy_config *p = &r->d->conf->policy;
    uint64_t all = 0;
    unsigned int c;

    for ( c = 0; c <= p->nclass && c <= RPT_CLASSES_MAX; c++ )
        all += dm->class_ns[c];
    for ( c = 0; c < p->nclass && c + 1 <= RPT_CLASSES_MAX; c++ )
        fprintf(f, "<td>%.1f%%</td>", all ? 100.0 * dm->class_ns[c + 1] /
                                            all : 0.0);
    fprintf(f, "<td>%.1f%%</td>", all ? 100.0 * dm->class_ns[0] / all : 0.0);
    if ( total )
        return;
    fprintf(f, "<td>%u</td><td>%u</td><td>%u</td><td>%u</td><td>%.0f</td>"
            "<td>%.0f</td>", dm->changes, dm->flaps, dm->helped, dm->undone,
            dm->w_given, dm->w_taken);
}

static void summary(struct page *pg, const struct rpt_run *r, const char *id)
{
    const struct policy_config *p = &r->d->conf->policy;
    FILE *f = pg->f;
    unsigned int i, c;

    fprintf(f, "<h2>Summary%s%s</h2>\n<table id=\"%s\"><thead><tr>"
            "<th>domid</th><th class=\"l\">name</th><th>pool</th>",
            *r->label ? ", policy " : "", r->label, id);
    for ( c = 0; c < p->nclass; c++ )
    {
        fputs("<th>", f);
        rpt_html_text(f, p->cls[c].name);
        fputs("</th>", f);
    }
    fputs("<th>none</th><th>changes</th><th>flaps</th><th>helped</th>"
          "<th>undone</th><th>weight&middot;s given</th><th>weight&middot;s "
          "taken</th></tr></thead><tbody>\n", f);
    for ( i = 0; i < r->ndom; i++ )
    {
        const struct rpt_dom *dm = &r->dom[i];

        if ( !shown(pg, i) )
            continue;
        fprintf(f, "<tr class=\"dom-row\"><td>%u</td><td class=\"l\">"
                "<a href=\"#dom-%u\">", dm->domid, i);
        rpt_html_text(f, dm->name);
        fprintf(f, "</a></td><td>%u</td>", dm->pool);
        summary_row(f, r, dm, false);
        fputs("</tr>\n", f);
    }
    fprintf(f, "<tr class=\"total\"><td></td><td class=\"l\">all</td><td>"
            "</td>");
    for ( c = 0; c <= p->nclass; c++ )
        fputs("<td></td>", f);
    fprintf(f, "<td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td>"
            "<td>%.0f</td><td>%.0f</td></tr>\n</tbody></table>\n",
            (unsigned long long)r->changes, (unsigned long long)r->flaps,
            (unsigned long long)r->helped, (unsigned long long)r->undone,
            r->w_given, r->w_taken);
    fputs("<p class=\"sub\">Time in each class as a share of the time the "
          "domain was seen.  A flap: a class left within the dwell of "
          "entering it (leaving the first class a domain was placed in "
          "is not one).  Weight&middot;s: the weight above (given) or below "
          "(taken) the administrator's, times the seconds it was in "
          "force.</p>\n", f);
}

static void comparison(struct page *pg)
{
    FILE *f = pg->f;
    const struct rpt_run *a = pg->a, *b = pg->b;
    unsigned int i;
    char t[32];

    fprintf(f, "<h2>Where the policies decide differently</h2>\n<p>In all: "
            "%llu domain-polls with different classes; class changes A %llu, "
            "B %llu; weight&middot;s given A %.0f, B %.0f; taken A %.0f, "
            "B %.0f; helped/undone A %llu/%llu, B %llu/%llu.</p>\n"
            "<table id=\"compare\"><thead><tr><th>domid</th><th class=\"l\">"
            "name</th><th>polls differing</th><th>time differing</th>"
            "<th>changes A</th><th>changes B</th><th>given A</th>"
            "<th>given B</th><th>taken A</th><th>taken B</th></tr></thead>"
            "<tbody>\n", (unsigned long long)a->diff_polls,
            (unsigned long long)a->changes, (unsigned long long)b->changes,
            a->w_given, b->w_given, a->w_taken, b->w_taken,
            (unsigned long long)a->helped, (unsigned long long)a->undone,
            (unsigned long long)b->helped, (unsigned long long)b->undone);
    for ( i = 0; i < a->ndom; i++ )
    {
        const struct rpt_dom *da = &a->dom[i], *db = twin(b, i, da);

        if ( !shown(pg, i) || !db )
            continue;
        rpt_fmt_dur(t, sizeof(t), da->diff_ns / 1e9);
        fprintf(f, "<tr class=\"cmp-row\"><td>%u</td><td class=\"l\">",
                da->domid);
        rpt_html_text(f, da->name);
        fprintf(f, "</td><td>%llu</td><td>%s</td><td>%u</td><td>%u</td>"
                "<td>%.0f</td><td>%.0f</td><td>%.0f</td><td>%.0f</td></tr>\n",
                (unsigned long long)da->diff_polls, t, da->changes,
                db->changes, da->w_given, db->w_given, da->w_taken,
                db->w_taken);
    }
    fputs("</tbody></table>\n", f);
}

static void pools(struct page *pg)
{
    const struct rpt_run *r = pg->a;
    unsigned int i;

    fputs("<h2>Host cpupools</h2>\n", pg->f);
    for ( i = 0; i < r->npool; i++ )
    {
        fprintf(pg->f, "<section class=\"pool\"><h3>cpupool %u: %s, %u pCPU%s"
                "</h3>\n", r->pool[i].id, policy_sched_name(r->pool[i].sched),
                r->pool[i].cpus, r->pool[i].cpus == 1 ? "" : "s");
        rpt_svg_pool(pg->f, r, &r->pool[i]);
        fputs("</section>\n", pg->f);
    }
}

static void timelines(struct page *pg)
{
    const struct rpt_run *a = pg->a;
    unsigned int i;
    char t[32];

    fputs("<h2>Domains</h2>\n", pg->f);
    for ( i = 0; i < a->ndom; i++ )
    {
        const struct rpt_dom *dm = &a->dom[i];

        if ( !shown(pg, i) )
            continue;
        rpt_fmt_dur(t, sizeof(t), (dm->last_ns - dm->first_ns) / 1e9);
        fprintf(pg->f, "<section class=\"timeline\" id=\"dom-%u\" "
                "data-domid=\"%u\"><h3>d%u ", i, dm->domid, dm->domid);
        rpt_html_text(pg->f, dm->name);
        fprintf(pg->f, "</h3><p class=\"sub\">cpupool %u, seen for %s; %u "
                "class changes, %u flaps, %u helped, %u undone%s</p>\n",
                dm->pool, t, dm->changes, dm->flaps, dm->helped, dm->undone,
                dm->ev_cut ? "; too many changes to mark each: see "
                             "decisions.csv" : "");
        rpt_svg_domain(pg->f, a, pg->b, dm, twin(pg->b, i, dm));
        fputs("</section>\n", pg->f);
    }
}

static void files(struct page *pg)
{
    static const char *const names[] = { "decisions.csv", "decisions.jsonl",
                                         "effects.csv", "metrics.csv" };
    unsigned int i, r;

    fputs("<h2>Files</h2>\n<p>", pg->f);
    for ( r = 0; r < (pg->b ? 2u : 1u); r++ )
        for ( i = 0; i < 4; i++ )
            fprintf(pg->f, "<a href=\"%s%s\">%s%s</a> ", pg->b ?
                    (r ? "b-" : "a-") : "", names[i], pg->b ?
                    (r ? "b-" : "a-") : "", names[i]);
    fputs("(columns in coopvmmd(8))</p>\n</body></html>\n", pg->f);
}

int rpt_html_write(const char *dir, const char *recording,
                   const struct rpt_run *a, const struct rpt_run *b,
                   uint64_t *bytes)
{
    char path[PATH_MAX];
    struct page pg = { .a = a, .b = b, .tm = a->tm };
    struct stat st;
    int rc = 0;

    snprintf(path, sizeof(path), "%s/index.html", dir);
    pg.f = fopen(path, "w");
    if ( !pg.f )
        return -errno;
    head(&pg, recording);
    legend(&pg);
    summary(&pg, a, "summary");
    if ( b )
    {
        summary(&pg, b, "summary-b");
        comparison(&pg);
    }
    pools(&pg);
    timelines(&pg);
    files(&pg);
    if ( ferror(pg.f) )
        rc = -EIO;
    if ( fclose(pg.f) && !rc )
        rc = -errno;
    if ( !rc && bytes && !stat(path, &st) )
        *bytes = (uint64_t)st.st_size;
    return rc;
}

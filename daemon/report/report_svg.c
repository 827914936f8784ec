/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report_svg.c - the replay report's timelines as inline SVG, written by
 * hand: a class band per run (a tick at every class change, a mark at
 * every effect verdict), one panel per metric the policy's conditions
 * test with each class's enter and leave levels drawn, weight and cap as
 * steps, and the host's cpupools.  Each bucket is drawn as its min..max
 * span, so a downsampled timeline still shows every extreme; a run of
 * equal buckets costs one path command, which keeps a day's page small.
 *
 * Why not a plotting library: the page must open offline (no CDN), be
 * one file, and be written by a daemon in C in a stream; the drawing is
 * a few hundred lines of rectangles and step paths.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_svg.h"

#define PLOT_X      64          /* left margin: the y labels */
#define PLOT_W      RPT_BUCKETS
#define LABEL_W     170         /* right margin: the level labels */
#define SVG_W       (PLOT_X + PLOT_W + LABEL_W)
#define BAND_H      12
#define MARK_H      10
#define PANEL_H     58
#define GAP         8
#define AXIS_H      16

static const char *const palette[] = {
    "#2b7bba", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e",
    "#a6761d", "#e6ab02",
};

const char *rpt_class_color(int cls)
{
    if ( cls < 0 )
        return "#bdbdbd";
    return palette[cls % (int)(sizeof(palette) / sizeof(palette[0]))];
}

static double xk(const struct rpt_time *tm, double k)
{
    return PLOT_X + k * PLOT_W / (tm->nb ? tm->nb : 1);
}

static double x_at(const struct rpt_time *tm, uint64_t t)
{
    double k = tm->bucket_ns ? (double)(t - tm->t0_ns) / tm->bucket_ns : 0;

    return xk(tm, k);
}

void rpt_fmt_dur(char *b, size_t n, double s)
{
    unsigned long long t = s > 0 ? (unsigned long long)(s + 0.5) : 0;

    if ( t < 60 )
        snprintf(b, n, "%llus", t);
    else if ( t < 3600 )
        snprintf(b, n, "%llum%02llus", t / 60, t % 60);
    else
        snprintf(b, n, "%lluh%02llum", t / 3600, t % 3600 / 60);
}

void rpt_html_text(FILE *f, const char *s)
{
    for ( ; *s; s++ )
        switch ( *s )
        {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

struct yscale {
    double top, h, lo, hi;
};

static double ys(const struct yscale *y, double v)
{
    double f = (v - y->lo) / (y->hi - y->lo);

    f = f < 0 ? 0 : f > 1 ? 1 : f;
    return y->top + y->h - f * y->h;
}

/*
 * The min..max spans of n buckets as one filled step path: the upper
 * edge left to right, the lower edge back, a subpath per stretch with
 * data; a vertical move only where the pixel row changes.
 */
static void envelope(FILE *f, const struct rpt_time *tm,
                     const struct rpt_span *sp, const struct yscale *y,
                     const char *color)
{
    unsigned int k = 0, a, b, j;
    double cur;

    fprintf(f, "<path fill=\"%s\" fill-opacity=\"0.3\" stroke=\"%s\" "
            "stroke-width=\"1\" d=\"", color, color);
    while ( k < tm->nb )
    {
        for ( ; k < tm->nb && isnan(sp[k].lo); k++ )
            ;
        if ( k == tm->nb )
            break;
        for ( a = b = k; b < tm->nb && !isnan(sp[b].lo); b++ )
            ;
        cur = round(ys(y, sp[a].hi));
        fprintf(f, "M%.1f %.0f", xk(tm, a), cur);
        for ( j = a + 1; j < b; j++ )
            if ( round(ys(y, sp[j].hi)) != cur )
            {
                cur = round(ys(y, sp[j].hi));
                fprintf(f, "H%.1fV%.0f", xk(tm, j), cur);
            }
        fprintf(f, "H%.1f", xk(tm, b));
        cur = round(ys(y, sp[b - 1].lo));
        fprintf(f, "V%.0f", cur);
        for ( j = b - 1; j-- > a; )
            if ( round(ys(y, sp[j].lo)) != cur )
            {
                cur = round(ys(y, sp[j].lo));
                fprintf(f, "H%.1fV%.0f", xk(tm, j + 1), cur);
            }
        fprintf(f, "H%.1fZ", xk(tm, a));
        k = b;
    }
    fputs("\"/>\n", f);
}

static bool percent_metric(enum policy_metric m)
{
    return m == M_CPU || m == M_CPU_WAIT || m == M_CPU_DEMAND ||
           m == M_CPUPOOL_BUSY || m == M_CPUPOOL_WAIT;
}

static double span_max(const struct rpt_span *sp, unsigned int nb)
{
    double mx = 0;
    unsigned int k;

    for ( k = 0; k < nb; k++ )
        if ( !isnan(sp[k].hi) && sp[k].hi > mx )
            mx = sp[k].hi;
    return mx;
}

static void panel_frame(FILE *f, const struct yscale *y, const char *title,
                        const char *fmt_hi)
{
    fprintf(f, "<rect class=\"frame\" x=\"%d\" y=\"%.0f\" width=\"%d\" "
            "height=\"%.0f\"/>\n", PLOT_X, y->top, PLOT_W, y->h);
    fprintf(f, "<text class=\"lab\" x=\"%d\" y=\"%.0f\">%s</text>\n",
            PLOT_X - 4, y->top + 9, fmt_hi);
    fprintf(f, "<text class=\"lab\" x=\"%d\" y=\"%.0f\">0</text>\n",
            PLOT_X - 4, y->top + y->h);
    fprintf(f, "<text class=\"ttl\" x=\"%d\" y=\"%.0f\">%s</text>\n",
            PLOT_X + 4, y->top + 11, title);
}

/* Each class's enter and leave levels on metric m, labelled at right. */
static void levels(FILE *f, const struct policy_config *p,
                   enum policy_metric m, const struct yscale *y)
{
    double last_y = -100, ly;
    unsigned int i, c;

    for ( i = 0; i < p->nclass; i++ )
        for ( c = 0; c < p->cls[i].ncond; c++ )
        {
            const struct policy_cond *pc = &p->cls[i].cond[c];

            if ( pc->metric != m )
                continue;
            fprintf(f, "<line class=\"enter\" stroke=\"%s\" x1=\"%d\" "
                    "x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
                    rpt_class_color((int)i), PLOT_X, PLOT_X + PLOT_W,
                    ys(y, pc->enter), ys(y, pc->enter));
            if ( pc->leave != pc->enter )
                fprintf(f, "<line class=\"leave\" stroke=\"%s\" x1=\"%d\" "
                        "x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
                        rpt_class_color((int)i), PLOT_X, PLOT_X + PLOT_W,
                        ys(y, pc->leave), ys(y, pc->leave));
            ly = ys(y, pc->enter) + 3;
            if ( fabs(ly - last_y) < 9 )
                ly = last_y + 9;
            last_y = ly;
            fprintf(f, "<text class=\"lvl\" fill=\"%s\" x=\"%d\" y=\"%.0f\">"
                    "%s %s %g, leave %g</text>\n", rpt_class_color((int)i),
                    PLOT_X + PLOT_W + 4, ly, p->cls[i].name,
                    pc->below ? "&lt;" : "&gt;", pc->enter, pc->leave);
        }
}

/* The class band of one run; ticks at class changes; verdict marks. */
static double band(FILE *f, const struct rpt_run *r, const struct rpt_dom *dm,
                   double top, const char *label)
{
    const struct policy_config *p = &r->d->conf->policy;
    const struct rpt_time *tm = r->tm;
    unsigned int k = 0, a, e;
    char when[32], what[24];

    fprintf(f, "<text class=\"lab\" x=\"%d\" y=\"%.0f\">%s</text>\n",
            PLOT_X - 4, top + 10, *label ? label : "class");
    while ( k < tm->nb )
    {
        for ( ; k < tm->nb && !dm->cls_mask[k]; k++ )
            ;
        if ( k == tm->nb )
            break;
        for ( a = k++; k < tm->nb && dm->cls_mask[k] &&
                       dm->cls_last[k] == dm->cls_last[a] &&
                       !(dm->cls_mask[k] & (dm->cls_mask[k] - 1)); k++ )
            ;
        fprintf(f, "<rect class=\"band\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" "
                "height=\"%d\" fill=\"%s\"><title>%s</title></rect>\n",
                xk(tm, a), top, xk(tm, k) - xk(tm, a), BAND_H,
                rpt_class_color(dm->cls_last[a]),
                policy_class_name(p, dm->cls_last[a]));
    }
    for ( e = 0; e < dm->nev; e++ )
    {
        const struct rpt_event *ev = &dm->ev[e];
        double x = x_at(tm, ev->t_ns);

        rpt_fmt_dur(when, sizeof(when), (ev->t_ns - tm->t0_ns) / 1e9);
        if ( ev->kind == RPT_EV_CHANGE )
            fprintf(f, "<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" "
                    "y1=\"%.0f\" y2=\"%.0f\"><title>%s: %s -&gt; %s</title>"
                    "</line>\n", x, x, top - 2, top + BAND_H + 1, when,
                    policy_class_name(p, ev->from),
                    policy_class_name(p, ev->to));
        else
            fprintf(f, "<text class=\"%s\" x=\"%.1f\" y=\"%.0f\">%s<title>"
                    "%s: %s %s: %s %.1f%% -&gt; %.1f%%</title></text>\n",
                    ev->kind == RPT_EV_HELPED ? "helped" : "undone", x,
                    top + BAND_H + MARK_H, ev->kind == RPT_EV_HELPED ?
                    "&#x25B2;" : "&#x2716;", when,
                    policy_class_name(p, ev->from),
                    ev->kind == RPT_EV_HELPED ? "helped" : "undone",
                    policy_measure_text((enum policy_effect_measure)
                                        ev->measure, ev->waiter, what,
                                        sizeof(what)),
                    ev->before, ev->after);
    }
    return top + BAND_H + MARK_H + 2;
}

static void time_axis(FILE *f, const struct rpt_time *tm, double top)
{
    static const double steps[] = { 1, 5, 10, 30, 60, 300, 600, 1800, 3600,
                                    7200, 10800, 21600, 43200, 86400 };
    double dur = tm->nb * (tm->bucket_ns / 1e9), step = steps[0], t;
    unsigned int i;
    char b[32];

    for ( i = 0; i < sizeof(steps) / sizeof(steps[0]); i++ )
        if ( dur / steps[i] <= 10 )
        {
            step = steps[i];
            break;
        }
    if ( i == sizeof(steps) / sizeof(steps[0]) )
        step = dur / 10;
    for ( t = 0; t <= dur && dur > 0; t += step )
    {
        double x = PLOT_X + t / dur * PLOT_W;

        rpt_fmt_dur(b, sizeof(b), t);
        fprintf(f, "<text class=\"ax\" x=\"%.1f\" y=\"%.0f\">%s</text>\n", x,
                top + 11, b);
    }
}

void rpt_svg_domain(FILE *f, const struct rpt_run *a, const struct rpt_run *b,
                    const struct rpt_dom *da, const struct rpt_dom *db)
{
    const struct rpt_time *tm = a->tm;
    const struct policy_config *p = &a->d->conf->policy;
    unsigned int j, panels = a->nseries + 1 + (span_max(da->span +
                        (a->nseries + 1) * RPT_BUCKETS, tm->nb) > 0);
    double top = 4, h;
    char hi[32];
    struct yscale y;

    h = top + (b ? 2 : 1) * (BAND_H + MARK_H + 2) + (b ? BAND_H + 2 : 0) +
        panels * (PANEL_H + GAP) + AXIS_H;
    fprintf(f, "<svg class=\"tl\" width=\"%d\" height=\"%.0f\" "
            "viewBox=\"0 0 %d %.0f\">\n", SVG_W, h, SVG_W, h);
    top = band(f, a, da, top, b ? a->label : "");
    if ( b && db )
    {
        top = band(f, b, db, top, b->label);
        fprintf(f, "<text class=\"lab\" x=\"%d\" y=\"%.0f\">differ</text>\n",
                PLOT_X - 4, top + 9);
        for ( j = 0; j < tm->nb; j++ )
            if ( da->diff[j] )
                fprintf(f, "<rect class=\"diff\" x=\"%.1f\" y=\"%.0f\" "
                        "width=\"%.1f\" height=\"%d\"/>\n", xk(tm, j), top,
                        xk(tm, j + 1) - xk(tm, j), BAND_H);
        top += BAND_H + 2;
    }
    for ( j = 0; j < a->nseries; j++ )
    {
        const struct rpt_span *sp = da->span + j * RPT_BUCKETS;
        enum policy_metric m = a->series[j];

        y = (struct yscale){ .top = top, .h = PANEL_H, .lo = 0, .hi = 100 };
        if ( !percent_metric(m) )
        {
            unsigned int i, c;

            y.hi = span_max(sp, tm->nb);
            for ( i = 0; i < p->nclass; i++ )
                for ( c = 0; c < p->cls[i].ncond; c++ )
                    if ( p->cls[i].cond[c].metric == m )
                        y.hi = fmax(y.hi, fmax(p->cls[i].cond[c].enter,
                                               p->cls[i].cond[c].leave));
            y.hi = y.hi > 0 ? y.hi * 1.1 : 1;
        }
        snprintf(hi, sizeof(hi), "%.4g", y.hi);
        panel_frame(f, &y, policy_metric_name(m), hi);
        envelope(f, tm, sp, &y, "#444");
        levels(f, p, m, &y);
        top += PANEL_H + GAP;
    }
    /* Weight (and cap, if any was set): A dark, B orange. */
    for ( j = 0; j < panels - a->nseries; j++ )
    {
        unsigned int s = a->nseries + j;
        double mx = span_max(da->span + s * RPT_BUCKETS, tm->nb);

        if ( db )
            mx = fmax(mx, span_max(db->span + s * RPT_BUCKETS, tm->nb));
        y = (struct yscale){ .top = top, .h = PANEL_H, .lo = 0,
                             .hi = mx > 0 ? mx * 1.1 : 1 };
        snprintf(hi, sizeof(hi), "%.4g", y.hi);
        panel_frame(f, &y, j ? "cap (% of a pCPU)" : "weight", hi);
        envelope(f, tm, da->span + s * RPT_BUCKETS, &y, "#2b7bba");
        if ( db )
            envelope(f, tm, db->span + s * RPT_BUCKETS, &y, "#d95f02");
        top += PANEL_H + GAP;
    }
    time_axis(f, tm, top - GAP);
    fputs("</svg>\n", f);
}

void rpt_svg_pool(FILE *f, const struct rpt_run *r, const struct rpt_pool *pl)
{
    const struct rpt_time *tm = r->tm;
    double h = 2 * (PANEL_H + GAP) + AXIS_H;
    struct yscale y = { .top = 2, .h = PANEL_H, .lo = 0, .hi = 100 };

    fprintf(f, "<svg class=\"tl\" width=\"%d\" height=\"%.0f\" "
            "viewBox=\"0 0 %d %.0f\">\n", SVG_W, h, SVG_W, h);
    panel_frame(f, &y, "pool-busy (% of its pCPUs)", "100");
    envelope(f, tm, pl->busy, &y, "#444");
    y.top += PANEL_H + GAP;
    panel_frame(f, &y, "pool-wait (largest wait of a favoured domain)", "100");
    envelope(f, tm, pl->wait, &y, "#c0392b");
    time_axis(f, tm, y.top + PANEL_H);
    fputs("</svg>\n", f);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * metrics.c - the text exposition of the daemon's state, for Prometheus.
 *
 * The consumers are a node exporter's textfile collector and promtool,
 * which parse the Prometheus text format (0.0.4), and that is the format:
 * # HELP and # TYPE before each family, named as its samples (counters
 * *_total), units spelled in the names (seconds, ratio, per_second),
 * info-like series as gauges of value 1 named *_info, and "# EOF" last, a
 * comment to the 0.0.4 parser that lets a reader see the text is whole.
 * It is not OpenMetrics, whose TYPE line names a counter without its
 * _total: one file cannot satisfy both parsers, and the textfile
 * collector reads 0.0.4.  A rate that is not known yet (first poll,
 * missing signal) is left out rather than written as 0.
 *
 * Reads struct daemon only; never changes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon_types.h"
#include "effects.h"
#include "log.h"
#include "metrics.h"
#include "version.h"

/* Length of the valid UTF-8 sequence at s[0..n), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    size_t len, i;
    unsigned char lo = 0x80, hi = 0xbf;

    if ( s[0] < 0x80 )
        return 1;
    if ( s[0] >= 0xc2 && s[0] <= 0xdf )
        len = 2;
    else if ( s[0] >= 0xe0 && s[0] <= 0xef )
    {
        len = 3;
        if ( s[0] == 0xe0 )
            lo = 0xa0;              /* overlong */
        else if ( s[0] == 0xed )
            hi = 0x9f;              /* surrogates */
    }
    else if ( s[0] >= 0xf0 && s[0] <= 0xf4 )
    {
        len = 4;
        if ( s[0] == 0xf0 )
            lo = 0x90;
        else if ( s[0] == 0xf4 )
            hi = 0x8f;              /* above U+10FFFF */
    }
    else
        return 0;
    if ( len > n )
        return 0;
    for ( i = 1; i < len; i++ )
    {
        if ( s[i] < lo || s[i] > hi )
            return 0;
        lo = 0x80;
        hi = 0xbf;
    }
    return len;
}

void metrics_clean_text(char *dst, size_t dstlen, const char *src,
                        size_t srclen)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0, o = 0, n, k;

    if ( !dstlen )
        return;
    srclen = strnlen(src, srclen);
    while ( i < srclen )
    {
        n = utf8_seq(s + i, srclen - i);
        if ( n == 1 && (s[i] < 0x20 || s[i] == 0x7f) )
            n = 0;
        if ( o + (n ? n : 1) >= dstlen )
            break;
        if ( !n )
        {
            dst[o++] = '?';
            i++;
            continue;
        }
        for ( k = 0; k < n; k++ )
            dst[o++] = (char)s[i + k];
        i += n;
    }
    dst[o] = '\0';
}

/* A label value: clean UTF-8 with \, " and newline escaped. */
static void put_label(FILE *f, const char *v, size_t vlen)
{
    char clean[POLICY_NAME_MAX * 4];
    const char *p;

    metrics_clean_text(clean, sizeof(clean), v, vlen);
    for ( p = clean; *p; p++ )
    {
        if ( *p == '\\' || *p == '"' )
            fputc('\\', f);
        fputc(*p, f);
    }
}

static void family(FILE *f, const char *name, const char *type,
                   const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_double(FILE *f, double v)
{
    if ( isnan(v) )
        fputs("NaN", f);
    else if ( isinf(v) )
        fputs(v > 0 ? "+Inf" : "-Inf", f);
    else
        fprintf(f, "%.9g", v);
}

/* ------------------------------------------------------------ domains */

/* One per-domain gauge: returns false if there is no value to write. */
struct dom_gauge {
    const char *name, *help;
    bool (*get)(const struct policy_sample *s,
                const struct policy_decision *dc, double *v);
    /* Without `get`: the smoothed metric m times scale, when known. */
    enum policy_metric m;
    double scale;
};

static bool rate_ok(const struct policy_sample *s,
                    const struct policy_decision *dc, uint32_t sig)
{
    return dc->rates_valid && (s->signals & sig);
}

static bool g_managed(const struct policy_sample *s,
                      const struct policy_decision *dc, double *v)
{
    (void)s;
    *v = dc->unmanaged == POLICY_MANAGED;
    return true;
}

static bool g_pinned(const struct policy_sample *s,
                     const struct policy_decision *dc, double *v)
{
    (void)s;
    *v = dc->pinned;
    return true;
}

static bool g_ioreq(const struct policy_sample *s,
                    const struct policy_decision *dc, double *v)
{
    *v = dc->metric[M_IOREQ];
    return rate_ok(s, dc, POLICY_HAS_IOREQ);
}

static bool g_ioreq_dm(const struct policy_sample *s,
                       const struct policy_decision *dc, double *v)
{
    if ( !rate_ok(s, dc, POLICY_HAS_IOREQ) || dc->metric[M_IOREQ] <= 0 )
        return false;
    *v = dc->metric[M_IOREQ_DM] / dc->metric[M_IOREQ];
    return true;
}

static bool g_vbd(const struct policy_sample *s,
                  const struct policy_decision *dc, double *v)
{
    *v = dc->metric[M_VBD_IOPS];
    return rate_ok(s, dc, POLICY_HAS_VBD);
}

static bool g_net(const struct policy_sample *s,
                  const struct policy_decision *dc, double *v)
{
    *v = dc->metric[M_NET_PKTS];
    return rate_ok(s, dc, POLICY_HAS_NET);
}

static bool g_cpu(const struct policy_sample *s,
                  const struct policy_decision *dc, double *v)
{
    *v = dc->metric[M_CPU] / 100.0;
    return rate_ok(s, dc, POLICY_HAS_CPU);
}

static bool g_weight(const struct policy_sample *s,
                     const struct policy_decision *dc, double *v)
{
    (void)dc;
    *v = s->weight;
    return true;
}

static bool g_base_weight(const struct policy_sample *s,
                          const struct policy_decision *dc, double *v)
{
    (void)dc;
    *v = s->base_weight;
    return true;
}

static bool g_target_weight(const struct policy_sample *s,
                            const struct policy_decision *dc, double *v)
{
    (void)s;
    *v = dc->weight;
    return true;
}

static bool g_cap(const struct policy_sample *s,
                  const struct policy_decision *dc, double *v)
{
    (void)dc;
    *v = s->cap;
    return true;
}

static bool g_base_cap(const struct policy_sample *s,
                       const struct policy_decision *dc, double *v)
{
    (void)dc;
    *v = s->base_cap;
    return true;
}

static bool g_target_cap(const struct policy_sample *s,
                         const struct policy_decision *dc, double *v)
{
    (void)s;
    *v = dc->cap;
    return true;
}

static bool g_effect_before(const struct policy_sample *s,
                            const struct policy_decision *dc, double *v)
{
    (void)s;
    *v = dc->effect_before / 100.0;
    return dc->effect != POLICY_EFFECT_NONE;
}

static bool g_effect_after(const struct policy_sample *s,
                           const struct policy_decision *dc, double *v)
{
    (void)s;
    *v = dc->effect_after / 100.0;
    return dc->effect != POLICY_EFFECT_NONE;
}

static const struct dom_gauge dom_gauges[] = {
    { .name = "coopvmm_domain_managed",
      .help = "1 if coopvmm manages the domain's scheduler parameters.",
      .get = g_managed },
    { .name = "coopvmm_domain_pinned",
      .help = "1 if the domain's class is pinned (coopctl pin or config).",
      .get = g_pinned },
    { .name = "coopvmm_domain_ioreqs_per_second",
      .help = "Emulated I/O requests per second (smoothed).",
      .get = g_ioreq },
    { .name = "coopvmm_domain_ioreq_dm_ratio",
      .help = "Share of emulated I/O requests sent to a device model.",
      .get = g_ioreq_dm },
    { .name = "coopvmm_domain_vbd_requests_per_second",
      .help = "PV block read and write requests per second (smoothed).",
      .get = g_vbd },
    { .name = "coopvmm_domain_net_packets_per_second",
      .help = "PV network packets per second, rx and tx (smoothed).",
      .get = g_net },
    { .name = "coopvmm_domain_cpu_ratio",
      .help = "CPU use as a share of the domain's online vCPUs (smoothed).",
      .get = g_cpu },
    { .name = "coopvmm_domain_weight",
      .help = "Current scheduler weight.",
      .get = g_weight },
    { .name = "coopvmm_domain_base_weight",
      .help = "The administrator's scheduler weight.",
      .get = g_base_weight },
    { .name = "coopvmm_domain_target_weight",
      .help = "Scheduler weight the domain's class asks for.",
      .get = g_target_weight },
    { .name = "coopvmm_domain_cap_percent",
      .help = "Current scheduler cap, percent of one pCPU (0: none).",
      .get = g_cap },
    { .name = "coopvmm_domain_base_cap_percent",
      .help = "The administrator's scheduler cap, percent of one pCPU.",
      .get = g_base_cap },
    { .name = "coopvmm_domain_target_cap_percent",
      .help = "Scheduler cap the domain's class asks for.",
      .get = g_target_cap },
    { .name = "coopvmm_domain_io_per_second",
      .help = "I/O intensity the classes test: ioreq (or dm-runs) + vbd + net "
      "per second (smoothed).",
      .m = M_IO, .scale = 1 },
    { .name = "coopvmm_domain_cpu_wait_ratio",
      .help = "Time runnable but not running, share of the online vCPUs' time "
      "(runstate, smoothed).",
      .m = M_CPU_WAIT, .scale = 0.01 },
    { .name = "coopvmm_domain_cpu_demand_ratio",
      .help = "Running + runnable time, share of the online vCPUs' time "
      "(runstate, smoothed).",
      .m = M_CPU_DEMAND, .scale = 0.01 },
    { .name = "coopvmm_domain_cpupool_busy_ratio",
      .help = "CPU use of the domain's cpupool, share of its pCPUs (smoothed).",
      .m = M_CPUPOOL_BUSY, .scale = 0.01 },
    { .name = "coopvmm_domain_cpupool_wait_ratio",
      .help = "Largest cpu-wait among the other favoured domains of its cpupool.",
      .m = M_CPUPOOL_WAIT, .scale = 0.01 },
    { .name = "coopvmm_domain_dm_cpu_ratio",
      .help = "CPU use of its device model in dom0, share of one pCPU (smoothed).",
      .m = M_DM_CPU, .scale = 0.01 },
    { .name = "coopvmm_domain_dm_runs_per_second",
      .help = "Times its device model's main thread ran, per second (smoothed).",
      .m = M_DM_RUNS, .scale = 1 },
    { .name = "coopvmm_domain_effect_before_ratio",
      .help = "Effect check of the last class change: the measure at the "
              "change.",
      .get = g_effect_before },
    { .name = "coopvmm_domain_effect_after_ratio",
      .help = "Effect check of the last class change: the measure now "
              "(pending) or at the verdict.",
      .get = g_effect_after },
};

static bool gauge_value(const struct dom_gauge *g,
                        const struct policy_sample *s,
                        const struct policy_decision *dc, double *v)
{
    if ( g->get )
        return g->get(s, dc, v);
    *v = dc->metric[g->m] * g->scale;
    return dc->rates_valid && dc->metric_valid[g->m];
}

static void dom_labels(FILE *f, const struct policy_sample *s)
{
    fprintf(f, "{domid=\"%" PRIu32 "\",name=\"", s->domid);
    put_label(f, s->name, sizeof(s->name));
    fputs("\"", f);
}

static const char *cls_name(const struct daemon *d, int cls)
{
    return policy_class_name(d->conf ? &d->conf->policy : NULL, cls);
}

static const char *effect_name(enum policy_effect e)
{
    switch ( e )
    {
    case POLICY_EFFECT_PENDING: return "pending";
    case POLICY_EFFECT_HELPED: return "helped";
    case POLICY_EFFECT_UNDONE: return "undone";
    default: return "none";
    }
}

/* One domain's effect check line, if its last class change has one. */
static void format_effect(const struct daemon *d, FILE *f, unsigned int i)
{
    const struct policy_decision *dc = &d->decisions[i];
    const char *cn;

    if ( dc->effect == POLICY_EFFECT_NONE )
        return;
    fputs("coopvmm_domain_effect_info", f);
    dom_labels(f, &d->samples[i]);
    cn = cls_name(d, effects_judged_class(dc));
    fprintf(f, ",state=\"%s\",measure=\"%s\",",
            effect_name(dc->effect),
            policy_measure_name(dc->effect_measure));
    if ( dc->effect_measure == POLICY_MEASURE_WAITER_WAIT )
        fprintf(f, "waiter=\"%u\",", dc->effect_waiter);
    fputs("class=\"", f);
    put_label(f, cn, strlen(cn));
    fputs("\"} 1\n", f);
}

#define NGAUGES (sizeof(dom_gauges) / sizeof(dom_gauges[0]))
/* The domain families: the class, the effect check, then dom_gauges. */
#define PART_CLASS  0
#define PART_EFFECT 1
#define NDOMPARTS   (2 + NGAUGES)

/*
 * Part `part` (< NDOMPARTS) of the domain families, from domain *i on, at
 * most `max` domains.  True when the part is done.
 */
static bool format_domain_part(const struct daemon *d, FILE *f,
                               unsigned int part, unsigned int *i,
                               unsigned int max)
{
    const struct dom_gauge *g = part > PART_EFFECT ? &dom_gauges[part - 2]
                                                   : NULL;
    unsigned int end = *i + max < *i || *i + max > d->ndoms ? d->ndoms
                                                            : *i + max;
    const char *cn;
    double v;

    if ( !*i && part == PART_CLASS )
        family(f, "coopvmm_domain_class_info", "gauge",
               "The domain's current class (value always 1).");
    else if ( !*i && part == PART_EFFECT )
        family(f, "coopvmm_domain_effect_info", "gauge",
               "Effect check of the domain's last class change: state "
               "(pending, helped, undone), measure (wait, waiter-wait, "
               "pool-wait), waiter (for waiter-wait: its domid) and the "
               "class judged (value always 1).");
    else if ( !*i )
        family(f, g->name, "gauge", g->help);
    for ( ; *i < end; (*i)++ )
    {
        if ( part == PART_CLASS )
        {
            fputs("coopvmm_domain_class_info", f);
            dom_labels(f, &d->samples[*i]);
            cn = cls_name(d, d->decisions[*i].cls);
            fputs(",class=\"", f);
            put_label(f, cn, strlen(cn));
            fputs("\"} 1\n", f);
            continue;
        }
        if ( part == PART_EFFECT )
        {
            format_effect(d, f, *i);
            continue;
        }
        if ( !gauge_value(g, &d->samples[*i], &d->decisions[*i], &v) )
            continue;
        fputs(g->name, f);
        dom_labels(f, &d->samples[*i]);
        fputs("} ", f);
        put_double(f, v);
        fputc('\n', f);
    }
    return *i >= d->ndoms;
}

/* ------------------------------------------------------------- daemon */

static void counter(FILE *f, const char *name, const char *help,
                    uint64_t v)
{
    family(f, name, "counter", help);
    fprintf(f, "%s %" PRIu64 "\n", name, v);
}

static void gauge(FILE *f, const char *name, const char *help, double v)
{
    family(f, name, "gauge", help);
    fprintf(f, "%s ", name);
    put_double(f, v);
    fputc('\n', f);
}

static void format_daemon(const struct daemon *d, FILE *f)
{
    static const struct { uint32_t bit; const char *name; } sig[] = {
        { POLICY_HAS_CPU, "cpu" }, { POLICY_HAS_IOREQ, "ioreq" },
        { POLICY_HAS_VBD, "vbd" }, { POLICY_HAS_NET, "net" },
        { POLICY_HAS_RUNSTATE, "runstate" }, { POLICY_HAS_DM, "dm" },
    };
    uint32_t live = d->stats.polls ? d->sample_signals : d->info.signals;
    unsigned int i, managed = 0;
    const char *be = d->ops && d->ops->name ? d->ops->name : "none";

    family(f, "coopvmm_build_info", "gauge",
           "coopvmmd's version, backend and the schema version of its "
           "metrics and status fields (value always 1).");
    fputs("coopvmm_build_info{version=\"", f);
    put_label(f, daemon_version, strlen(daemon_version));
    fputs("\",backend=\"", f);
    put_label(f, be, strlen(be));
    fprintf(f, "\",schema=\"%d\"} 1\n", DAEMON_SCHEMA_VERSION);

    counter(f, "coopvmm_polls_total", "Polls done since start.",
            d->stats.polls);
    counter(f, "coopvmm_decisions_total",
            "Class changes adopted since start.", d->stats.decisions);
    counter(f, "coopvmm_scheduler_changes_total",
            "Scheduler weight/cap changes applied since start.",
            d->stats.sets);
    counter(f, "coopvmm_failed_calls_total",
            "Failed hypercalls and backend calls since start.",
            d->stats.failed_calls);
    family(f, "coopvmm_effect_verdicts_total", "counter",
           "Effect checks since start, by verdict: the class change helped "
           "(kept) or did not (undone).");
    fprintf(f, "coopvmm_effect_verdicts_total{verdict=\"helped\"} %" PRIu64
            "\ncoopvmm_effect_verdicts_total{verdict=\"undone\"} %" PRIu64
            "\n", d->stats.effects_helped, d->stats.effects_undone);
    gauge(f, "coopvmm_poll_duration_seconds",
          "How long the last poll took.", d->stats.last_poll_dur_ns / 1e9);
    gauge(f, "coopvmm_paused", "1 if coopctl pause is in force.", d->paused);
    gauge(f, "coopvmm_dry_run", "1 if coopvmmd only logs what it would do.",
          d->dry_run);

    family(f, "coopvmm_signal_live", "gauge",
           "1 if the last poll's samples carry this signal.");
    for ( i = 0; i < sizeof(sig) / sizeof(sig[0]); i++ )
        fprintf(f, "coopvmm_signal_live{signal=\"%s\"} %d\n", sig[i].name,
                !!(live & sig[i].bit));

    for ( i = 0; i < d->ndoms; i++ )
        managed += d->decisions[i].unmanaged == POLICY_MANAGED;
    gauge(f, "coopvmm_domains", "Domains seen at the last poll.", d->ndoms);
    gauge(f, "coopvmm_domains_managed",
          "Domains whose scheduler parameters coopvmm manages.", managed);
}

int metrics_format_step(const struct daemon *d, FILE *f,
                        struct metrics_cursor *c, unsigned int max)
{
    if ( c->part == 0 )
    {
        format_daemon(d, f);
        c->part = 1;
        c->i = 0;
    }
    else if ( c->part <= NDOMPARTS )
    {
        if ( format_domain_part(d, f, c->part - 1, &c->i, max) )
        {
            c->part++;
            c->i = 0;
        }
    }
    if ( c->part == 1 + NDOMPARTS )
    {
        fputs("# EOF\n", f);
        c->part++;
    }
    errno = 0;
    if ( fflush(f) || ferror(f) )
        return errno ? -errno : -EIO;
    return c->part <= 1 + NDOMPARTS;
}

int metrics_format(const struct daemon *d, FILE *f)
{
    struct metrics_cursor c = { 0, 0 };
    int rc;

    while ( (rc = metrics_format_step(d, f, &c, UINT_MAX)) > 0 )
        ;
    return rc;
}

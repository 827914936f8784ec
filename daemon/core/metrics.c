/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * metrics.c - the text exposition of the daemon's state, for Prometheus.
 *
 * The consumers are a node exporter's textfile collector and promtool,
 * which parse the Prometheus text format (0.0.4), so the output stays in
 * what that format and OpenMetrics share: # HELP and # TYPE before each
 * family, counters named *_total, units spelled in the names (seconds,
 * ratio, per_second), info-like series as gauges of value 1 named *_info,
 * and "# EOF" last (a comment to the 0.0.4 parser, the end marker to an
 * OpenMetrics one).  A rate that is not known yet (first poll, missing
 * signal) is left out rather than written as 0.
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

static bool g_dm_cpu(const struct policy_sample *s,
                     const struct policy_decision *dc, double *v)
{
    *v = dc->metric[M_DM_CPU] / 100.0;
    return rate_ok(s, dc, POLICY_HAS_DM);
}

static bool g_dm_runs(const struct policy_sample *s,
                      const struct policy_decision *dc, double *v)
{
    *v = dc->metric[M_DM_RUNS];
    return rate_ok(s, dc, POLICY_HAS_DM);
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

static const struct dom_gauge dom_gauges[] = {
    { "coopvmm_domain_managed",
      "1 if coopvmm manages the domain's scheduler parameters.", g_managed },
    { "coopvmm_domain_pinned",
      "1 if the domain's class is pinned (coopctl pin or config).", g_pinned },
    { "coopvmm_domain_ioreqs_per_second",
      "Emulated I/O requests per second (smoothed).", g_ioreq },
    { "coopvmm_domain_ioreq_dm_ratio",
      "Share of emulated I/O requests sent to a device model.", g_ioreq_dm },
    { "coopvmm_domain_vbd_requests_per_second",
      "PV block read and write requests per second (smoothed).", g_vbd },
    { "coopvmm_domain_net_packets_per_second",
      "PV network packets per second, rx and tx (smoothed).", g_net },
    { "coopvmm_domain_cpu_ratio",
      "CPU use as a share of the domain's online vCPUs (smoothed).", g_cpu },
    { "coopvmm_domain_dm_cpu_ratio",
      "CPU use of its device model in dom0, share of one pCPU (smoothed).",
      g_dm_cpu },
    { "coopvmm_domain_dm_runs_per_second",
      "Times its device model's main thread ran, per second (smoothed).",
      g_dm_runs },
    { "coopvmm_domain_weight",
      "Current scheduler weight.", g_weight },
    { "coopvmm_domain_base_weight",
      "The administrator's scheduler weight.", g_base_weight },
    { "coopvmm_domain_target_weight",
      "Scheduler weight the domain's class asks for.", g_target_weight },
    { "coopvmm_domain_cap_percent",
      "Current scheduler cap, percent of one pCPU (0: none).", g_cap },
    { "coopvmm_domain_base_cap_percent",
      "The administrator's scheduler cap, percent of one pCPU.", g_base_cap },
    { "coopvmm_domain_target_cap_percent",
      "Scheduler cap the domain's class asks for.", g_target_cap },
};

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

static void format_domains(const struct daemon *d, FILE *f)
{
    const struct dom_gauge *g;
    unsigned int i;
    double v;
    const char *cn;

    family(f, "coopvmm_domain_class_info", "gauge",
           "The domain's current class (value always 1).");
    for ( i = 0; i < d->ndoms; i++ )
    {
        fputs("coopvmm_domain_class_info", f);
        dom_labels(f, &d->samples[i]);
        cn = cls_name(d, d->decisions[i].cls);
        fputs(",class=\"", f);
        put_label(f, cn, strlen(cn));
        fputs("\"} 1\n", f);
    }

    for ( g = dom_gauges; g < dom_gauges + sizeof(dom_gauges) /
                                          sizeof(dom_gauges[0]); g++ )
    {
        family(f, g->name, "gauge", g->help);
        for ( i = 0; i < d->ndoms; i++ )
        {
            if ( !g->get(&d->samples[i], &d->decisions[i], &v) )
                continue;
            fputs(g->name, f);
            dom_labels(f, &d->samples[i]);
            fputs("} ", f);
            put_double(f, v);
            fputc('\n', f);
        }
    }
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
        { POLICY_HAS_DM, "dm" },
    };
    unsigned int i, managed = 0;
    const char *be = d->ops && d->ops->name ? d->ops->name : "none";

    family(f, "coopvmm_build_info", "gauge",
           "coopvmmd's version and backend (value always 1).");
    fputs("coopvmm_build_info{version=\"", f);
    put_label(f, daemon_version, strlen(daemon_version));
    fputs("\",backend=\"", f);
    put_label(f, be, strlen(be));
    fputs("\"} 1\n", f);

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
    gauge(f, "coopvmm_poll_duration_seconds",
          "How long the last poll took.", d->stats.last_poll_dur_ns / 1e9);
    gauge(f, "coopvmm_paused", "1 if coopctl pause is in force.", d->paused);
    gauge(f, "coopvmm_dry_run", "1 if coopvmmd only logs what it would do.",
          d->dry_run);

    family(f, "coopvmm_signal_live", "gauge",
           "1 if the backend delivers this signal.");
    for ( i = 0; i < sizeof(sig) / sizeof(sig[0]); i++ )
        fprintf(f, "coopvmm_signal_live{signal=\"%s\"} %d\n", sig[i].name,
                !!(d->info.signals & sig[i].bit));

    for ( i = 0; i < d->ndoms; i++ )
        managed += d->decisions[i].unmanaged == POLICY_MANAGED;
    gauge(f, "coopvmm_domains", "Domains seen at the last poll.", d->ndoms);
    gauge(f, "coopvmm_domains_managed",
          "Domains whose scheduler parameters coopvmm manages.", managed);
}

int metrics_format(const struct daemon *d, FILE *f)
{
    format_daemon(d, f);
    format_domains(d, f);
    fputs("# EOF\n", f);
    errno = 0;
    if ( fflush(f) || ferror(f) )
        return errno ? -errno : -EIO;
    return 0;
}

int metrics_write_file(const struct daemon *d, const char *path)
{
    char tmp[PATH_MAX];
    FILE *f = NULL;
    int fd, rc;

    if ( snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp) )
    {
        log_warnx("metrics file %s: name too long", path);
        return -ENAMETOOLONG;
    }
    fd = mkstemp(tmp);
    if ( fd < 0 )
    {
        rc = -errno;
        log_warn("metrics file %s: cannot create a temporary file", path);
        return rc;
    }
    /* mkstemp makes it 0600; the exporter may run as another user. */
    if ( fchmod(fd, 0644) < 0 || !(f = fdopen(fd, "w")) )
    {
        rc = -errno;
        log_warn("metrics file %s", tmp);
        close(fd);
        goto out;
    }
    rc = metrics_format(d, f);
    if ( !rc && fsync(fileno(f)) < 0 )
        rc = -errno;
    if ( fclose(f) && !rc )
        rc = errno ? -errno : -EIO;
    if ( rc )
    {
        log_warnx("metrics file %s: write failed: %s", tmp, strerror(-rc));
        goto out;
    }
    if ( rename(tmp, path) < 0 )
    {
        rc = -errno;
        log_warn("metrics file: rename %s to %s", tmp, path);
        goto out;
    }
    return 0;

 out:
    unlink(tmp);
    return rc;
}

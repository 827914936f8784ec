/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl_status.c - `coopctl status` as text: the daemon's summary, the
 * cpupools, one row per domain, and one line per managed domain that
 * says why it is in its class now and what the class change did (the
 * effect check).  The cells are shared with `top` (ctl_top.c).
 *
 * Reads the status reply only (fields in coopctl(8)); a field missing
 * from an older daemon shows as "-".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_status.h"

const char *ctl_jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));

    return s ? s : "";
}

long long ctl_jint(json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

void ctl_fmt_age(char *b, size_t n, double s)
{
    unsigned long long t = s > 0 ? (unsigned long long)s : 0;

    if ( t < 60 )
        snprintf(b, n, "%llus", t);
    else if ( t < 3600 )
        snprintf(b, n, "%llum%02llus", t / 60, t % 60);
    else if ( t < 86400 )
        snprintf(b, n, "%lluh%02llum", t / 3600, t % 3600 / 60);
    else
        snprintf(b, n, "%llud%02lluh", t / 86400, t % 86400 / 3600);
}

void ctl_fmt_num(char *b, size_t n, json_t *v)
{
    double x;

    if ( !json_is_number(v) )
    {
        snprintf(b, n, "-");
        return;
    }
    x = json_number_value(v);
    snprintf(b, n, fabs(x) < 1000 ? "%.1f" : "%.0f", x);
}

/* A percentage without decimals, for the effect's before -> after. */
static void pct(char *b, size_t n, json_t *v)
{
    if ( json_is_number(v) )
        snprintf(b, n, "%.0f%%", json_number_value(v));
    else
        snprintf(b, n, "-");
}

void ctl_fmt_effect(char *b, size_t n, json_t *dom)
{
    json_t *e = json_object_get(dom, "effect");
    const char *st = ctl_jstr(e, "state");
    char before[16], after[16], left[32], what[32];

    if ( !json_is_object(e) )
    {
        snprintf(b, n, "-");
        return;
    }
    /* A throttle is judged by its waiter's wait: name the waiter. */
    if ( !strcmp(ctl_jstr(e, "measure"), "waiter-wait") &&
         json_is_integer(json_object_get(e, "waiter")) )
        snprintf(what, sizeof(what), "d%lld's wait", ctl_jint(e, "waiter"));
    else
        snprintf(what, sizeof(what), "%s", ctl_jstr(e, "measure"));
    pct(before, sizeof(before), json_object_get(e, "before_pct"));
    pct(after, sizeof(after), json_object_get(e, "after_pct"));
    if ( !strcmp(st, "pending") )
        snprintf(b, n, "%s %s -> %s measuring (%lld/%lld)",
                 what, before, after, ctl_jint(e, "polls"),
                 ctl_jint(e, "polls_needed"));
    else if ( !strcmp(st, "undone") )
    {
        ctl_fmt_age(left, sizeof(left), json_number_value(
                        json_object_get(e, "hold_off_left_s")));
        snprintf(b, n, "undone %s: %s %s -> %s, barred %s",
                 ctl_jstr(e, "class"), what, before, after,
                 left);
    }
    else
        snprintf(b, n, "%s %s -> %s %s", what, before,
                 after, st);
}

void ctl_fmt_weight(char *b, size_t n, json_t *dom)
{
    snprintf(b, n, "%lld->%lld", ctl_jint(dom, "base_weight"),
             ctl_jint(dom, "weight"));
}

void ctl_fmt_cap(char *b, size_t n, json_t *dom)
{
    snprintf(b, n, "%lld->%lld", ctl_jint(dom, "base_cap"),
             ctl_jint(dom, "cap"));
}

void ctl_fmt_class(char *b, size_t n, json_t *dom, bool age)
{
    char a[32];

    if ( !json_is_true(json_object_get(dom, "managed")) )
    {
        snprintf(b, n, "(%s)", ctl_jstr(dom, "unmanaged"));
        return;
    }
    ctl_fmt_age(a, sizeof(a), json_number_value(json_object_get(dom,
                                                   "class_age_s")));
    snprintf(b, n, "%s%s%s%s%s", ctl_jstr(dom, "class"),
             json_is_true(json_object_get(dom, "pinned")) ? "*" : "",
             age ? " (" : "", age ? a : "", age ? ")" : "");
}

/* Is `sig` in the daemon's list of signals the samples carry? */
static bool has_signal(json_t *dm, const char *sig)
{
    json_t *e;
    size_t i;

    json_array_foreach(json_object_get(dm, "signals"), i, e)
        if ( !strcmp(json_string_value(e), sig) )
            return true;
    return false;
}

static void join_list(char *b, size_t n, json_t *a, const char *sep)
{
    size_t i, off = 0;
    json_t *e;

    b[0] = '\0';
    json_array_foreach(a, i, e)
        if ( off < n )
            off += (size_t)snprintf(b + off, n - off, "%s%s", i ? sep : "",
                                    json_string_value(e));
    if ( !b[0] )
        snprintf(b, n, "none");
}

void ctl_fmt_missing(char *b, size_t n, json_t *dm, bool brief)
{
    size_t off = 0;

    b[0] = '\0';
    if ( !has_signal(dm, "ioreq") )
        off += (size_t)snprintf(b, n, "ioreq MISSING");
    if ( !has_signal(dm, "runstate") && off < n )
        snprintf(b + off, n - off, brief ? "%srunstate MISSING: no "
                 "cpu-wait, cpu-demand, pool-wait" : "%srunstate MISSING: "
                 "cpu-wait, cpu-demand, pool-wait unavailable",
                 off ? ", " : "");
}

static void print_summary(FILE *f, json_t *dm)
{
    char sig[128], miss[128];
    const char *detail = ctl_jstr(dm, "detail");
    json_t *ec = json_object_get(dm, "effect_check");

    join_list(sig, sizeof(sig), json_object_get(dm, "signals"), ",");
    ctl_fmt_missing(miss, sizeof(miss), dm, false);
    /* The list is followed by a space: scripts cut it at the first one. */
    fprintf(f, "coopvmmd %s: backend %s, schedulers %s, interval %lld ms, "
            "%s%s, %lld/%lld domains managed, signals %s%s%s%s%s%s\n",
            ctl_jstr(dm, "version"), ctl_jstr(dm, "backend"),
            *ctl_jstr(dm, "schedulers") ? ctl_jstr(dm, "schedulers") : "-",
            ctl_jint(dm, "interval_ms"),
            json_is_true(json_object_get(dm, "paused")) ? "paused" : "active",
            json_is_true(json_object_get(dm, "dry_run")) ? ", dry-run" : "",
            ctl_jint(dm, "managed"), ctl_jint(dm, "domains"), sig,
            *miss || *detail ? " (" : "", miss, *miss && *detail ? "; " : "",
            detail, *miss || *detail ? ")" : "");
    if ( json_is_object(ec) )
        fprintf(f, "effect check: judged after %lld polls, kept if the wait "
                "it was for fell by %.0f%%, else undone and barred for "
                "%.0f s; %lld helped, %lld undone%s\n", ctl_jint(ec, "polls"),
                json_number_value(json_object_get(ec, "min_pct")),
                json_number_value(json_object_get(ec, "hold_off_s")),
                ctl_jint(dm, "effects_helped"), ctl_jint(dm, "effects_undone"),
                /* It judges by the wait, which needs the runstate sums. */
                has_signal(dm, "runstate") ? "" : " (nothing is judged "
                "without the runstate signal)");
    else
        fprintf(f, "effect check: off\n");
}

/* An integer member with its unit ("30ms"), or "-" if absent or null. */
static void int_unit(char *b, size_t n, json_t *o, const char *k,
                     const char *unit)
{
    json_t *v = json_object_get(o, k);

    if ( json_is_integer(v) )
        snprintf(b, n, "%lld%s", (long long)json_integer_value(v), unit);
    else
        snprintf(b, n, "-");
}

static void print_pools(FILE *f, json_t *pools)
{
    char busy[24], wait[24], tslice[32], rlimit[32];
    json_t *p;
    size_t i;

    if ( !json_array_size(pools) )
        return;
    fprintf(f, "%4s %-7s %5s %7s %7s %5s %5s %6s %9s\n", "POOL", "SCHED",
            "PCPUS", "DOMAINS", "MANAGED", "BUSY%", "WAIT%", "TSLICE",
            "RATELIMIT");
    json_array_foreach(pools, i, p)
    {
        ctl_fmt_num(busy, sizeof(busy), json_object_get(p, "busy_pct"));
        ctl_fmt_num(wait, sizeof(wait), json_object_get(p, "wait_pct"));
        int_unit(tslice, sizeof(tslice), p, "tslice_ms", "ms");
        int_unit(rlimit, sizeof(rlimit), p, "ratelimit_us", "us");
        fprintf(f, "%4lld %-7s %5lld %7lld %7lld %5s %5s %6s %9s\n",
                ctl_jint(p, "id"), ctl_jstr(p, "sched"), ctl_jint(p, "cpus"),
                ctl_jint(p, "domains"), ctl_jint(p, "managed"), busy, wait,
                tslice, rlimit);
    }
}

#define ROW_FMT "%4s %-18s %6s %5s %7s %8s %14s %8s %9s %16s %13s\n"

/* The id and the name, padded to `namew` columns of the terminal. */
static void row_start(FILE *f, const char *id, const char *name, int namew)
{
    fprintf(f, "%5s %s%*s ", id, name,
            namew - (int)ctl_display_width(name), "");
}

static void print_row(FILE *f, int namew, json_t *o)
{
    char id[24], pool[24], cls[96], cpu[24], wait[24], dmd[24], io[24];
    char ioreq[48], share[24], vbd[24], net[24], w[48], cap[48];
    json_t *sh = json_object_get(o, "ioreq_dm_share");

    snprintf(id, sizeof(id), "%lld", ctl_jint(o, "domid"));
    snprintf(pool, sizeof(pool), "%lld", ctl_jint(o, "pool"));
    ctl_fmt_class(cls, sizeof(cls), o, true);
    ctl_fmt_num(cpu, sizeof(cpu), json_object_get(o, "cpu_pcpu_pct"));
    ctl_fmt_num(wait, sizeof(wait), json_object_get(o, "cpu_wait_pct"));
    ctl_fmt_num(dmd, sizeof(dmd), json_object_get(o, "cpu_demand_pct"));
    ctl_fmt_num(io, sizeof(io), json_object_get(o, "io_per_s"));
    ctl_fmt_num(ioreq, sizeof(ioreq), json_object_get(o, "ioreq_per_s"));
    if ( json_is_number(sh) )
    {
        snprintf(share, sizeof(share), " (%.0f%%)",
                 json_number_value(sh) * 100);
        strncat(ioreq, share, sizeof(ioreq) - strlen(ioreq) - 1);
    }
    ctl_fmt_num(vbd, sizeof(vbd), json_object_get(o, "vbd_iops"));
    ctl_fmt_num(net, sizeof(net), json_object_get(o, "net_pkts_per_s"));
    ctl_fmt_weight(w, sizeof(w), o);
    ctl_fmt_cap(cap, sizeof(cap), o);
    row_start(f, id, ctl_jstr(o, "name"), namew);
    fprintf(f, ROW_FMT, pool, cls, cpu, wait, dmd, io, ioreq, vbd, net, w,
            cap);
}

/* "d1 web: io-bound 40s: wait 38% -> 4% helped; entered: ...; now: ..." */
static void print_why(FILE *f, json_t *o)
{
    char cls[96], age[32], eff[160];
    json_t *live = json_object_get(o, "live_reason");

    if ( !json_is_true(json_object_get(o, "managed")) )
        return;
    ctl_fmt_class(cls, sizeof(cls), o, false);
    ctl_fmt_age(age, sizeof(age), json_number_value(json_object_get(o,
                                                       "class_age_s")));
    ctl_fmt_effect(eff, sizeof(eff), o);
    fprintf(f, "  d%lld %s: %s %s%s%s; entered: %s", ctl_jint(o, "domid"),
            ctl_jstr(o, "name"), cls, age, strcmp(eff, "-") ? ": " : "",
            strcmp(eff, "-") ? eff : "", ctl_jstr(o, "reason"));
    if ( json_is_string(live) )
        fprintf(f, "; now: %s%s", json_string_value(live),
                json_is_true(json_object_get(o, "pinned")) ? " (pinned: it "
                "stays)" : json_is_false(json_object_get(o, "live_holds")) ?
                " (no longer holds: leaving after the dwell)" : "");
    /* Why a weight may not act (credit ignores it for such a domain);
     * a replay knows that it is pinned, not to how many pCPUs. */
    if ( json_is_true(json_object_get(o, "hard_pinned")) )
    {
        if ( json_is_integer(json_object_get(o, "affinity_cpus")) )
            fprintf(f, "; weights may not act: hard affinity %lld of its "
                    "pool's %lld pCPUs", ctl_jint(o, "affinity_cpus"),
                    ctl_jint(o, "pool_cpus"));
        else
            fprintf(f, "; weights may not act: hard affinity narrower than "
                    "its pool's %lld pCPUs", ctl_jint(o, "pool_cpus"));
    }
    fputc('\n', f);
}

void ctl_status_print(FILE *f, json_t *rep)
{
    json_t *doms = json_object_get(rep, "domains"), *o;
    int namew = 4, len;
    size_t i;

    /* Full names: the column is as wide as the longest. */
    json_array_foreach(doms, i, o)
    {
        len = (int)ctl_display_width(ctl_jstr(o, "name"));
        if ( len > namew )
            namew = len;
    }
    print_summary(f, json_object_get(rep, "daemon"));
    print_pools(f, json_object_get(rep, "cpupools"));
    row_start(f, "DOMID", "NAME", namew);
    fprintf(f, ROW_FMT, "POOL", "CLASS (since)",
            "CPU%", "WAIT%", "DEMAND%", "IO/s", "IOREQ/s (DM)", "VBD IOPS",
            "NET pkt/s", "WEIGHT base->now", "CAP base->now");
    json_array_foreach(doms, i, o)
        print_row(f, namew, o);
    fprintf(f, "Why each managed domain is in its class:\n");
    json_array_foreach(doms, i, o)
        print_why(f, o);
}

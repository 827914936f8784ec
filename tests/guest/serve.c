/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `serve` phase (see serve.h and README.md).  Arrivals are implicit:
 * request k arrives at base + k * period, so the queue is just the
 * requests with k >= next whose arrival has passed; nothing is allocated
 * and a server that falls behind never loses a request.  Between arrivals
 * the server blocks in Xen (SCHEDOP_poll with a timeout), like `idle`.
 * The only emulated I/O is the requests' port reads and the report lines.
 */
#include "console.h"
#include "lib.h"
#include "serve.h"
#include "xen.h"

#define SERVE_MAX_SAMPLES   16384       /* percentiles over the first ones */
#define CAL_ITERS           (1U << 18)  /* ~1 ms under QEMU TCG */
#define CAL_TRIALS          8
#define CAL_GAP_NS          12000000ULL /* between two trials */

static uint32_t lat_samples[SERVE_MAX_SAMPLES];
static uint32_t svc_samples[SERVE_MAX_SAMPLES];
static uint32_t nsamples;

/* The schedule, carried from one window (repetition) to the next. */
static uint64_t base_ns;        /* arrival of request 0 */
static uint64_t next_req;       /* the next request to serve */
static uint32_t iters_per_ms;

/* The work: an empty counted loop, with no exit inside. */
static void __attribute__((noinline)) serve_spin(uint32_t iters)
{
    volatile uint32_t k;

    for ( k = 0; k < iters; k++ )
        ;
}

/*
 * Iterations of serve_spin per ms of Xen time.  The fastest of a few short
 * trials spread over ~100 ms: a trial preempted by another domain, or run
 * while the emulating host was briefly slower (QEMU TCG on a shared host),
 * does not count.
 */
static uint32_t serve_calibrate(void)
{
    uint64_t best = ~(uint64_t)0, ipms;
    uint32_t i;

    for ( i = 0; i < CAL_TRIALS; i++ )
    {
        uint64_t t0, t;

        if ( i )
            xen_sleep_until(xen_now_ns() + CAL_GAP_NS, NULL);
        t0 = xen_now_ns();
        serve_spin(CAL_ITERS);
        t = xen_now_ns() - t0;
        if ( t < best )
            best = t;
    }
    ipms = mul_div64(CAL_ITERS, 1000000, best ? best : 1);
    return ipms > ~0U ? ~0U : (uint32_t)ipms;
}

/* Requests that arrived strictly before t. */
static uint64_t serve_arrived_before(uint64_t t, uint64_t period_ns)
{
    if ( t <= base_ns )
        return 0;
    return udivmod64(t - base_ns - 1, period_ns, NULL) + 1;
}

static uint32_t ns_to_us(uint64_t ns)
{
    uint64_t us = udivmod64(ns, 1000, NULL);

    return us > ~0U ? ~0U : (uint32_t)us;
}

static void serve_io(const struct serve_params *sp)
{
    uint32_t i;

    for ( i = 0; i < sp->io; i++ )
    {
        if ( sp->size == 1 )
            (void)inb(sp->port);
        else if ( sp->size == 2 )
            (void)inw(sp->port);
        else
            (void)inl(sp->port);
    }
}

/*
 * Serve requests in arrival order until `end` (checked between requests,
 * so the last one may run past it).  record: keep the samples.
 */
static void serve_until(const struct serve_params *sp, uint64_t end,
                        int record, struct serve_result *res)
{
    uint64_t period_ns = sp->period_us * 1000ULL;
    uint32_t iters = (uint32_t)mul_div64(sp->work_us, iters_per_ms, 1000);

    for ( ;; )
    {
        uint64_t now = xen_now_ns(), due = base_ns + next_req * period_ns, t1;

        if ( now >= end )
            break;
        if ( due > now )
        {
            xen_sleep_until(due < end ? due : end, &res->wakeups);
            continue;
        }
        serve_io(sp);
        serve_spin(iters);
        t1 = xen_now_ns();
        next_req++;
        if ( !record )
            continue;
        res->done++;
        res->busy_ns += t1 - now;
        if ( nsamples < SERVE_MAX_SAMPLES )
        {
            lat_samples[nsamples] = ns_to_us(t1 - due);
            svc_samples[nsamples++] = ns_to_us(t1 - now);
        }
    }
}

void serve_run(const struct serve_params *sp, int first,
               struct serve_result *res)
{
    uint64_t period_ns = sp->period_us * 1000ULL, start, end;

    if ( first )
    {
        struct serve_result scratch = { 0 };

        /* A calibration given (ipms=): the same work in every guest. */
        iters_per_ms = sp->ipms ? sp->ipms : serve_calibrate();
        base_ns = xen_now_ns();
        next_req = 0;
        if ( sp->warmup_ns )
            serve_until(sp, base_ns + sp->warmup_ns, 0, &scratch);
    }
    nsamples = 0;
    /* The first window opens with request 0's arrival. */
    start = first && !sp->warmup_ns ? base_ns : xen_now_ns();
    end = start + (sp->requests ? sp->requests * period_ns : sp->window_ns);
    serve_until(sp, end, 1, res);
    res->ns = xen_now_ns() - start;
    /*
     * Arrivals in [start, end), the window as planned: `requests=R` gives
     * exactly R.  Every request served arrived before end, so the backlog
     * (those of them not served) cannot be negative.
     */
    res->arrived = (uint32_t)(serve_arrived_before(end, period_ns) -
                              serve_arrived_before(start, period_ns));
    res->backlog = (uint32_t)(serve_arrived_before(end, period_ns) - next_req);
    res->iters_per_ms = iters_per_ms;
    sort_u32(lat_samples, nsamples);
    sort_u32(svc_samples, nsamples);
    res->lat_p50_us = percentile_u32(lat_samples, nsamples, 50);
    res->lat_p90_us = percentile_u32(lat_samples, nsamples, 90);
    res->lat_p99_us = percentile_u32(lat_samples, nsamples, 99);
    res->lat_max_us = nsamples ? lat_samples[nsamples - 1] : 0;
    res->svc_p50_us = percentile_u32(svc_samples, nsamples, 50);
    res->svc_p99_us = percentile_u32(svc_samples, nsamples, 99);
    res->svc_max_us = nsamples ? svc_samples[nsamples - 1] : 0;
}

void serve_report_fields(const struct serve_result *res)
{
    con_kv("arrived", res->arrived);
    con_kv("backlog", res->backlog);
    con_kv("p50_us", res->lat_p50_us);
    con_kv("p90_us", res->lat_p90_us);
    con_kv("p99_us", res->lat_p99_us);
    con_kv("max_us", res->lat_max_us);
}

void serve_report(uint32_t idx, uint32_t rep, const struct serve_params *sp,
                  const struct serve_result *res)
{
    con_begin("COOPGUEST serve phase=");
    con_u64(idx);
    con_kv("rep", rep);
    con_kv("work_us", sp->work_us);
    con_kv("io", sp->io);
    con_kv("ipms", res->iters_per_ms);
    con_kv("svc_p50_us", res->svc_p50_us);
    con_kv("svc_p99_us", res->svc_p99_us);
    con_kv("svc_max_us", res->svc_max_us);
    con_kv("busy_ns", res->busy_ns);
    con_kv("wakeups", res->wakeups);
    con_end();
}

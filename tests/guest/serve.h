/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `serve` phase: an open-loop request server.  Requests arrive on a
 * fixed schedule of Xen system time, one every period, whatever the
 * server's progress; each is `io` port reads plus a fixed amount of CPU
 * work, served first come first served.  A server that gets less CPU than
 * its requests need builds a queue, and the latency of each request (from
 * its scheduled arrival to its completion) shows it.  See README.md.
 */
#ifndef COOPVMM_GUEST_SERVE_H
#define COOPVMM_GUEST_SERVE_H

#include <stdint.h>

/* The phase's keys; times in Xen system time. */
struct serve_params {
    uint32_t period_us;         /* one arrival every period_us (>= 1) */
    uint32_t work_us;           /* CPU work per request, as calibrated */
    uint32_t io;                /* port reads per request */
    uint32_t port, size;        /* the port read and its width (1, 2, 4) */
    uint64_t requests;          /* window = requests periods, if non-zero */
    uint64_t window_ns;         /* else the window's length */
    uint64_t warmup_ns;         /* before the first window, not reported */
    uint32_t ipms;              /* work-loop iterations per ms; 0: calibrate */
};

/* What one window measured. */
struct serve_result {
    uint64_t ns;                /* the window's length (ends between requests) */
    uint64_t busy_ns;           /* sum of the service times below */
    uint32_t done;              /* requests completed in the window */
    uint32_t arrived;           /* requests whose arrival fell in the window */
    uint32_t backlog;           /* arrived but not completed at its end */
    uint32_t wakeups;           /* returns from SCHEDOP_poll */
    uint32_t lat_p50_us, lat_p90_us, lat_p99_us, lat_max_us;
    uint32_t svc_p50_us, svc_p99_us, svc_max_us;
    uint32_t iters_per_ms;      /* the work loop's calibration */
};

/*
 * Run one window.  first != 0 starts a new schedule (calibration, then
 * request 0 arrives at once, then the warm-up); otherwise the schedule and
 * the queue of the previous window go on.
 */
void serve_run(const struct serve_params *sp, int first,
               struct serve_result *res);

/* The serve fields of the phase's report line (which is left open). */
void serve_report_fields(const struct serve_result *res);

/* The phase's second report line (service times, calibration). */
void serve_report(uint32_t idx, uint32_t rep, const struct serve_params *sp,
                  const struct serve_result *res);

#endif /* COOPVMM_GUEST_SERVE_H */

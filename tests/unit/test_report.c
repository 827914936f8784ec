/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_report.c - unit tests of the replay report's collector and files
 * (daemon/report/report_collect.c, report_csv.c): the timeline keeps
 * every extreme however often its buckets are merged, time per class,
 * changes, flaps and weight x seconds add up, and the files say what
 * the decisions said.
 *
 * The daemon's polls are scripted: samples and decisions as
 * daemon_poll() leaves them.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"
#include "report_collect.h"
#include "report_csv.h"

#define SEC 1000000000ull

static struct policy_cond io_c[] = {
    { .metric = M_IO, .enter = 100, .leave = 50 },
};
static struct policy_class cls[] = {
    { .name = "io-bound", .match_all = true, .ncond = 1, .cond = io_c },
    { .name = "base" },
};
static struct conf cf = { .name = "t", .interval_ns = SEC,
                          .policy = { .dwell = 3, .nclass = 2, .cls = cls } };
static struct policy_sample s[1];
static struct policy_decision dc[1];
static struct daemon d = { .conf = &cf, .ndoms = 1, .samples = s,
                           .decisions = dc };
static char dir[] = "/tmp/coopvmm-report-test.XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd);
}

/* One poll of domain 1 at t seconds: io, class, weight. */
static void poll_at(struct rpt_run *r, unsigned int t, double io, int c,
                    bool changed, uint32_t w)
{
    unsigned int times, old = r->tm->nb, k;

    memset(&dc[0], 0, sizeof(dc[0]));
    s[0].domid = 1;
    s[0].uuid[0] = 0xc0;
    snprintf(s[0].name, sizeof(s[0].name), "web,1");
    s[0].weight = w;
    s[0].base_weight = 256;
    dc[0].rates_valid = true;
    dc[0].metric[M_IO] = io;
    dc[0].metric_valid[M_IO] = true;
    dc[0].prev_cls = r->ndom ? r->dom[0].cls : POLICY_CLASS_NONE;
    dc[0].cls = c;
    dc[0].class_changed = changed;
    dc[0].weight = w;
    snprintf(dc[0].reason, sizeof(dc[0].reason), "io %.1f > 100", io);
    k = rpt_time_at(r->tm, t * SEC, &times);
    if ( times )
        rpt_run_compact(r, old, times);
    assert_int_equal(rpt_run_poll(r, k, t * SEC), 0);
}

static void test_extremes_kept(void **state)
{
    struct rpt_time tm = { 0 };
    struct rpt_run r;
    const struct rpt_span *io;
    unsigned int t, k, spikes = 0, lows = 0;
    double hi = 0;

    (void)state;
    assert_int_equal(rpt_run_init(&r, &d, &tm, "", "t.conf"), 0);
    assert_int_equal(rpt_csv_open(&r, dir), 0);
    /* 10 000 polls, 1 s: buckets merged to 16 s; one spike, one dip. */
    for ( t = 0; t < 10000; t++ )
        poll_at(&r, t, t == 4321 ? 9999 : t == 777 ? 1 : 500,
                t >= 2 ? 1 : POLICY_CLASS_NONE, t == 2, 256);
    assert_int_equal(tm.bucket_ns, 16 * SEC);
    assert_int_equal(tm.nb, 625);
    assert_int_equal(r.series[0], M_IO);      /* tested first, then cpu */
    assert_int_equal(r.series[1], M_CPU);
    io = r.dom[0].span;
    for ( k = 0; k < tm.nb; k++ )
    {
        hi = fmax(hi, io[k].hi);
        spikes += io[k].hi == 9999;
        lows += io[k].lo == 1;
        assert_false(isnan(io[k].lo));  /* no gap: one poll a second */
    }
    assert_true(hi == 9999 && spikes == 1 && lows == 1);
    assert_int_equal(4321 * SEC / tm.bucket_ns, 270);
    assert_true(io[270].hi == 9999);
    /* The bucket the class began in holds both none and base. */
    assert_int_equal(r.dom[0].cls_mask[0], (1u << 0) | (1u << 2));
    rpt_run_free(&r);
}

/*
 * The shipped policy's spinner: placed in the catch-all at its first
 * rates, moved on (to cpu-hog there) within a dwell: no flap.  Back to
 * the catch-all within the dwell: that one is.
 */
static void test_placement_left_no_flap(void **state)
{
    struct rpt_time tm = { 0 };
    struct rpt_run r;

    (void)state;
    assert_int_equal(rpt_run_init(&r, &d, &tm, "", "t.conf"), 0);
    assert_int_equal(rpt_csv_open(&r, dir), 0);
    poll_at(&r, 0, 0, POLICY_CLASS_NONE, false, 256);
    poll_at(&r, 1, 0, 1, true, 256);            /* placement: base */
    poll_at(&r, 2, 0, 1, false, 256);
    poll_at(&r, 3, 0, 0, true, 256);            /* moved on, 2 polls on */
    assert_int_equal(r.dom[0].changes, 1);
    assert_int_equal(r.dom[0].flaps, 0);
    poll_at(&r, 4, 0, 1, true, 256);            /* back after 1 poll */
    assert_int_equal(r.dom[0].changes, 2);
    assert_int_equal(r.dom[0].flaps, 1);
    assert_int_equal(rpt_csv_close(&r), 0);
    rpt_run_free(&r);
}

static void test_summary(void **state)
{
    struct rpt_time tm = { 0 };
    struct rpt_run r;
    const struct rpt_dom *dm;
    unsigned int t;

    (void)state;
    assert_int_equal(rpt_run_init(&r, &d, &tm, "", "t.conf"), 0);
    assert_int_equal(rpt_csv_open(&r, dir), 0);
    poll_at(&r, 0, 0, POLICY_CLASS_NONE, false, 256);
    poll_at(&r, 1, 0, 1, true, 256);            /* placement: base */
    for ( t = 2; t <= 10; t++ )
        poll_at(&r, t, 0, 1, false, 256);
    poll_at(&r, 11, 500, 0, true, 1024);        /* io-bound after 10 s */
    poll_at(&r, 12, 500, 0, false, 1024);
    poll_at(&r, 13, 10, 1, true, 256);          /* left after 2 polls */
    for ( t = 14; t <= 20; t++ )
        poll_at(&r, t, 10, 1, false, 256);
    dm = &r.dom[0];
    assert_int_equal(dm->changes, 2);           /* placement not counted */
    assert_int_equal(dm->flaps, 1);             /* 2 polls <= dwell 3 */
    assert_int_equal(dm->class_ns[0], 1 * SEC);          /* none */
    assert_int_equal(dm->class_ns[1], 2 * SEC);          /* io-bound */
    assert_int_equal(dm->class_ns[2], 17 * SEC);         /* base */
    /* 1024 - 256 for the 2 s from poll 11 to poll 13. */
    assert_true(dm->w_given == 768.0 * 2 && dm->w_taken == 0);
    assert_int_equal(rpt_csv_close(&r), 0);
    rpt_run_free(&r);
}

static void test_files(void **state)
{
    char path[256], line[512];
    FILE *f;
    unsigned int n = 0;

    (void)state;
    /* test_summary's run: header, placement, two changes. */
    snprintf(path, sizeof(path), "%s/decisions.csv", dir);
    f = fopen(path, "r");
    assert_non_null(f);
    while ( fgets(line, sizeof(line), f) )
    {
        if ( n == 2 )
            assert_string_equal(line, "11.000,1,c0000000-0000-0000-0000-"
                                "000000000000,\"web,1\",base,io-bound,"
                                "\"io 500.0 > 100\",\"still held (catch-all),"
                                " but io-bound came first\",256,1024,0,0\n");
        if ( n == 3 )
            assert_string_equal(line, "13.000,1,c0000000-0000-0000-0000-"
                                "000000000000,\"web,1\",io-bound,base,"
                                "\"io 10.0 > 100\",\"io 10.0 not > 50\","
                                "1024,256,0,0\n");
        n++;
    }
    fclose(f);
    assert_int_equal(n, 4);
    snprintf(path, sizeof(path), "%s/metrics.csv", dir);
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof(line), f));
    assert_string_equal(line, "time_s,domid,name,class,weight,cap,io,cpu\n");
    assert_non_null(fgets(line, sizeof(line), f));
    assert_string_equal(line, "0.000,1,\"web,1\",none,256,0,0.0,\n");
    fclose(f);
}

/* A domain that changes class every poll: marks stop at the cap. */
static void test_events_capped(void **state)
{
    struct rpt_time tm = { 0 };
    struct rpt_run r;
    unsigned int t;

    (void)state;
    assert_int_equal(rpt_run_init(&r, &d, &tm, "", "t.conf"), 0);
    assert_int_equal(rpt_csv_open(&r, dir), 0);
    for ( t = 0; t < 2500; t++ )
        poll_at(&r, t, 0, t % 2, t > 0, 256);
    assert_int_equal(r.dom[0].nev, RPT_EVENTS_MAX);
    assert_true(r.dom[0].ev_cut);
    assert_int_equal(r.dom[0].changes, 2498);   /* still all counted */
    assert_int_equal(r.dom[0].flaps, 2497);   /* not the placement's */
    rpt_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extremes_kept),
        cmocka_unit_test(test_placement_left_no_flap),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_events_capped),
    };

    log_init(true, 3);
    return cmocka_run_group_tests_name("report", tests, setup, teardown);
}

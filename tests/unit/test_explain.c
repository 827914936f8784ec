/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_explain.c - unit tests of what policy/ hands the displays:
 * policy_explain() (the live condition of a class, for coopctl status
 * and the replay report) and the decision's effect_new flag (the poll at
 * which the effect check reached its verdict, for the decision log).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "policy.h"

#define SEC     1000000000ull
#define MS      1000000ull

static struct policy_cond io_c[] = {
    { .metric = M_IO, .enter = 100, .leave = 50 },
    { .metric = M_CPU_WAIT, .enter = 5, .leave = 1, .skip_missing = true },
};
static struct policy_cond any_c[] = {
    { .metric = M_IOREQ, .enter = 1000, .leave = 500 },
    { .metric = M_CPU, .below = true, .enter = 10, .leave = 20 },
};
static struct policy_class cls[] = {
    { .name = "io-bound", .match_all = true, .ncond = 2, .cond = io_c,
      .weight_kind = POLICY_WEIGHT_PCT, .weight = 400,
      .cap_kind = POLICY_CAP_KEEP },
    { .name = "either", .match_all = false, .ncond = 2, .cond = any_c },
    { .name = "base" },
};

static struct policy_decision dec(double io, double wait)
{
    struct policy_decision d;

    memset(&d, 0, sizeof(d));
    d.rates_valid = true;
    d.metric[M_IO] = io;
    d.metric_valid[M_IO] = true;
    d.metric[M_CPU_WAIT] = wait;
    d.metric_valid[M_CPU_WAIT] = true;
    return d;
}

static void test_explain_levels(void **state)
{
    struct policy_config cfg = { .nclass = 3, .cls = cls };
    uint32_t sig = POLICY_HAS_IOREQ | POLICY_HAS_RUNSTATE;
    struct policy_decision d = dec(70, 3);
    char b[160];

    (void)state;
    /* A member is judged at the leave levels: 70 > 50 and 3 > 1 hold. */
    assert_true(policy_explain(&cfg, 0, &d, sig, true, b, sizeof(b)));
    assert_string_equal(b, "io 70.0 > 50, cpu-wait 3.0 > 1");
    /* A newcomer at the enter levels: neither holds. */
    assert_false(policy_explain(&cfg, 0, &d, sig, false, b, sizeof(b)));
    assert_string_equal(b, "io 70.0 not > 100, cpu-wait 3.0 not > 5");
    /* all-of: one failing condition is enough to leave. */
    d.metric[M_IO] = 40;
    assert_false(policy_explain(&cfg, 0, &d, sig, true, b, sizeof(b)));
    assert_string_equal(b, "io 40.0 not > 50, cpu-wait 3.0 > 1");
}

static void test_explain_missing(void **state)
{
    struct policy_config cfg = { .nclass = 3, .cls = cls };
    struct policy_decision d = dec(300, 0);
    char b[160];

    (void)state;
    /* Without runstate, cpu-wait is skipped and io alone decides. */
    d.metric_valid[M_CPU_WAIT] = false;
    assert_true(policy_explain(&cfg, 0, &d, POLICY_HAS_IOREQ, true, b,
                               sizeof(b)));
    assert_string_equal(b, "io 300.0 > 50, cpu-wait missing (skipped)");
    /* A metric not known yet (first poll) does not hold. */
    d.rates_valid = false;
    assert_false(policy_explain(&cfg, 0, &d, POLICY_HAS_IOREQ, true, b,
                                sizeof(b)));
    assert_string_equal(b, "io unknown, cpu-wait missing (skipped)");
}

static void test_explain_any_and_plain(void **state)
{
    struct policy_config cfg = { .nclass = 3, .cls = cls };
    struct policy_decision d = dec(0, 0);
    char b[160];

    (void)state;
    d.metric[M_IOREQ] = 700;
    d.metric_valid[M_IOREQ] = true;
    d.metric[M_CPU] = 50;
    d.metric_valid[M_CPU] = true;
    /* any-of: 700 > 500 holds for a member, though cpu is not below 20. */
    assert_true(policy_explain(&cfg, 1, &d, POLICY_HAS_CPU, true, b,
                               sizeof(b)));
    assert_string_equal(b, "ioreq 700.0 > 500, cpu 50.0 not < 20");
    assert_false(policy_explain(&cfg, 1, &d, POLICY_HAS_CPU, false, b,
                                sizeof(b)));
    assert_true(policy_explain(&cfg, 2, &d, 0, true, b, sizeof(b)));
    assert_string_equal(b, "catch-all");
    assert_false(policy_explain(&cfg, POLICY_CLASS_NONE, &d, 0, true, b,
                                sizeof(b)));
    assert_string_equal(b, "no class matched");
    /* A short buffer is cut, never overrun. */
    assert_true(policy_explain(&cfg, 1, &d, POLICY_HAS_CPU, true, b, 8));
    assert_string_equal(b, "ioreq 7");
}

/* One second of a domain: run and wait times in ms, ioreqs. */
static void tick(struct policy_sample *s, unsigned int run_ms,
                 unsigned int wait_ms, unsigned int ioreq)
{
    s->c.cpu_ns += run_ms * MS;
    s->c.rs_running_ns += run_ms * MS;
    s->c.rs_runnable_ns += wait_ms * MS;
    s->c.rs_blocked_ns += (1000 - run_ms - wait_ms) * MS;
    s->c.pio_write += ioreq;
}

/*
 * effect_new marks the one poll at which the verdict came: HELPED stays
 * in later decisions, effect_new does not.  The wait falls once the
 * weight is raised (helped) or never (undone).
 */
static void run_effect(bool works, unsigned int *judged_at,
                       enum policy_effect *verdict, unsigned int *flags)
{
    struct policy_config cfg = { .dwell = 1, .nclass = 1, .cls = cls,
                                 .effect_polls = 4, .effect_min = 0.3,
                                 .holdoff_ns = 60 * SEC };
    struct policy_engine *pe = policy_new(&cfg, 4);
    struct policy_sample s;
    struct policy_decision d;
    unsigned int t;

    memset(&s, 0, sizeof(s));
    s.domid = 1;
    s.vcpus = s.cpupool_cpus = 1;
    s.signals = POLICY_HAS_CPU | POLICY_HAS_IOREQ | POLICY_HAS_RUNSTATE;
    s.stub_of = -1;
    s.weight = s.base_weight = 256;
    *judged_at = *flags = 0;
    for ( t = 0; t <= 12; t++ )
    {
        if ( t )
            tick(&s, 400, works && s.weight > 256 ? 20 : 400, 300);
        assert_int_equal(policy_update(pe, t * SEC, &s, 1, &d), 0);
        s.weight = d.weight;
        if ( d.effect_new )
        {
            (*flags)++;
            *judged_at = t;
            *verdict = d.effect;
        }
    }
    policy_free(pe);
}

static void test_effect_new(void **state)
{
    enum policy_effect v = POLICY_EFFECT_NONE;
    unsigned int at, n;

    (void)state;
    /* Adopted at poll 1, judged 4 polls later; once. */
    run_effect(true, &at, &v, &n);
    assert_int_equal(n, 1);
    assert_int_equal(at, 5);
    assert_int_equal(v, POLICY_EFFECT_HELPED);
    run_effect(false, &at, &v, &n);
    assert_int_equal(n, 1);
    assert_int_equal(at, 5);
    assert_int_equal(v, POLICY_EFFECT_UNDONE);
}

/*
 * A verdict and a class change at the same poll: the server waits
 * whatever its weight, so its move is undone, and the hog's, judged on
 * the server's wait (not on pool-wait, which falls to 0 once the server
 * is no longer favoured), is undone too: it leaves its class at the poll
 * of its verdict.  The decision must still carry the verdict.
 */
static struct policy_cond srv_c[] = {
    { .metric = M_IO, .enter = 100, .leave = 50 },
};
static struct policy_cond hog_c[] = {
    { .metric = M_CPU_DEMAND, .enter = 90, .leave = 70 },
    { .metric = M_CPUPOOL_WAIT, .enter = 5, .leave = 0 },
};
static struct policy_class pair[] = {
    { .name = "srv", .match_all = true, .ncond = 1, .cond = srv_c,
      .weight_kind = POLICY_WEIGHT_PCT, .weight = 400 },
    { .name = "hog", .match_all = true, .ncond = 2, .cond = hog_c,
      .weight_kind = POLICY_WEIGHT_PCT, .weight = 50 },
};

static void test_verdict_and_change(void **state)
{
    struct policy_config cfg = { .dwell = 1, .nclass = 2, .cls = pair,
                                 .effect_polls = 4, .effect_min = 0.3,
                                 .holdoff_ns = 600 * SEC };
    struct policy_engine *pe = policy_new(&cfg, 4);
    struct policy_sample s[2];
    struct policy_decision d[2];
    unsigned int t, i, seen = 0;

    (void)state;
    memset(s, 0, sizeof(s));
    for ( i = 0; i < 2; i++ )
    {
        s[i].domid = i + 1;
        s[i].uuid[0] = (uint8_t)(i + 1);
        s[i].vcpus = s[i].cpupool_cpus = 1;
        s[i].signals = POLICY_HAS_CPU | POLICY_HAS_IOREQ |
                       POLICY_HAS_RUNSTATE;
        s[i].stub_of = -1;
        s[i].weight = s[i].base_weight = 256;
    }
    for ( t = 0; t <= 12; t++ )
    {
        if ( t )
        {
            tick(&s[0], 400, 400, 300);     /* waits whatever its weight */
            tick(&s[1], 600, 400, 0);
        }
        assert_int_equal(policy_update(pe, t * SEC, s, 2, d), 0);
        for ( i = 0; i < 2; i++ )
            s[i].weight = d[i].weight;
        if ( !d[1].effect_new )
            continue;
        seen++;
        assert_true(d[1].class_changed);        /* left hog this poll */
        assert_int_equal(d[1].prev_cls, 1);
        assert_int_equal(d[1].effect, POLICY_EFFECT_UNDONE);
        assert_int_equal(d[1].effect_measure, POLICY_MEASURE_WAITER_WAIT);
        assert_int_equal(d[1].effect_waiter, s[0].domid);
        /* The undo's reason names the waiter, not "pool-wait". */
        assert_non_null(strstr(d[1].reason, "hog did not help: d1's wait "
                               "40.0% -> 40.0% in 4 polls; barred 10m"));
        assert_float_equal(d[1].effect_before, 40, 1e-9);
        assert_float_equal(d[1].effect_after, 40, 1e-9);
    }
    assert_int_equal(seen, 1);
    policy_free(pe);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain_levels),
        cmocka_unit_test(test_explain_missing),
        cmocka_unit_test(test_explain_any_and_plain),
        cmocka_unit_test(test_effect_new),
        cmocka_unit_test(test_verdict_and_change),
    };

    return cmocka_run_group_tests_name("explain", tests, NULL, NULL);
}

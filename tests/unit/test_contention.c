/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_contention.c - unit tests of the policy's contention signals and
 * actions: cpu-wait and cpu-demand from runstate times, pool-wait,
 * conditions on missing metrics, `weight = share N%`, `cap = rest`, a
 * throttle that never loosens the administrator's cap, the device-model
 * metrics, and the effect check that undoes a change that did not help.
 *
 * The samples are scripted the way Xen would report them: runstate times
 * summed over a domain's vCPUs, cumulative.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include <cmocka.h>

#include "policy.h"

#define SEC     1000000000ull
#define MS      1000000ull

static struct policy_sample dom(uint32_t domid, uint32_t pool)
{
    struct policy_sample s;

    memset(&s, 0, sizeof(s));
    s.domid = domid;
    s.uuid[0] = (uint8_t)domid;
    snprintf(s.name, sizeof(s.name), "d%u", domid);
    s.vcpus = 1;
    s.cpupool = pool;
    s.cpupool_cpus = 1;
    s.sched = POLICY_SCHED_CREDIT;
    s.signals = POLICY_HAS_CPU | POLICY_HAS_IOREQ | POLICY_HAS_RUNSTATE;
    s.stub_of = -1;
    s.weight = s.base_weight = 256;
    return s;
}

/* One second of a domain: run, wait and block times in ms, ioreqs. */
static void tick(struct policy_sample *s, unsigned int run_ms,
                 unsigned int wait_ms, unsigned int ioreq)
{
    unsigned int blk = 1000 * s->vcpus - run_ms - wait_ms;

    s->c.cpu_ns += run_ms * MS;
    s->c.rs_running_ns += run_ms * MS;
    s->c.rs_runnable_ns += wait_ms * MS;
    s->c.rs_blocked_ns += blk * MS;
    s->c.pio_write += ioreq;
}

/* Run a poll; the decisions are applied as Xen would (current = target). */
static void poll(struct policy_engine *pe, uint64_t t,
                 struct policy_sample *s, unsigned int n,
                 struct policy_decision *d)
{
    unsigned int i;

    assert_int_equal(policy_update(pe, t, s, n, d), 0);
    for ( i = 0; i < n; i++ )
    {
        s[i].weight = d[i].weight;
        s[i].cap = d[i].cap;
    }
}

static void test_runstate_metrics(void **state)
{
    struct policy_config cfg = { .dwell = 1 };
    struct policy_engine *pe = policy_new(&cfg, 4);
    struct policy_sample s = dom(1, 0);
    struct policy_decision d;

    (void)state;
    s.vcpus = 2;
    poll(pe, 0, &s, 1, &d);
    /* 2 vCPUs over 1 s: 500 ms running, 300 runnable, 1200 blocked. */
    tick(&s, 500, 300, 0);
    poll(pe, SEC, &s, 1, &d);
    assert_true(d.metric_valid[M_CPU_WAIT]);
    assert_float_equal(d.metric[M_CPU_WAIT], 15, 1e-9);
    assert_float_equal(d.metric[M_CPU_DEMAND], 40, 1e-9);
    assert_float_equal(d.metric[M_CPU], 25, 1e-9);
    /* One vCPU offline for the whole next second: shares of online time. */
    s.c.rs_running_ns += 400 * MS;
    s.c.rs_runnable_ns += 400 * MS;
    s.c.rs_blocked_ns += 200 * MS;
    s.c.rs_offline_ns += 1000 * MS;
    poll(pe, 2 * SEC, &s, 1, &d);
    assert_float_equal(d.metric[M_CPU_WAIT], 40, 1e-9);
    assert_float_equal(d.metric[M_CPU_DEMAND], 80, 1e-9);
    /* A runstate counter that goes down gives no new value. */
    s.c.rs_runnable_ns = 0;
    poll(pe, 3 * SEC, &s, 1, &d);
    assert_float_equal(d.metric[M_CPU_WAIT], 40, 1e-9);
    policy_free(pe);
}

/* reports row 03: vCPUs 4 -> 1 mid-interval must not give cpu 350 %. */
static void test_vcpu_unplug(void **state)
{
    struct policy_config cfg = { .dwell = 1 };
    struct policy_engine *pe = policy_new(&cfg, 4);
    struct policy_sample s = dom(1, 0);
    struct policy_decision d;

    (void)state;
    s.vcpus = 4;
    s.cpupool_cpus = 4;
    s.signals = POLICY_HAS_CPU;
    poll(pe, 0, &s, 1, &d);
    s.c.cpu_ns += 35 * SEC / 10;    /* 3.5 CPU-seconds in 1 s ... */
    s.vcpus = 1;                    /* ... then three vCPUs went away */
    poll(pe, SEC, &s, 1, &d);
    assert_true(d.metric[M_CPU] <= 100);
    assert_float_equal(d.metric[M_CPU], 87.5, 1e-9);
    assert_true(d.metric[M_CPUPOOL_BUSY] <= 100);
    /* Steady at one vCPU: 100 % is 1 CPU-second a second, never more. */
    s.c.cpu_ns += 2 * SEC;
    poll(pe, 2 * SEC, &s, 1, &d);
    assert_float_equal(d.metric[M_CPU], 100, 1e-9);
    policy_free(pe);
}

/* dm-cpu and dm-runs, and io from dm-runs when there is no ioreq. */
static void test_dm_metrics(void **state)
{
    struct policy_config cfg = { .dwell = 1 };
    struct policy_engine *pe = policy_new(&cfg, 4);
    struct policy_sample s = dom(1, 0);
    struct policy_decision d;

    (void)state;
    s.signals = POLICY_HAS_CPU | POLICY_HAS_DM;
    poll(pe, 0, &s, 1, &d);
    s.c.dm_cpu_ns += 300 * MS;
    s.c.dm_runs += 900;
    s.c.pio_write += 100000;        /* not seen: no ioreq signal */
    poll(pe, 2 * SEC, &s, 1, &d);
    assert_float_equal(d.metric[M_DM_CPU], 15, 1e-9);
    assert_float_equal(d.metric[M_DM_RUNS], 450, 1e-9);
    assert_float_equal(d.metric[M_IO], 450, 1e-9);
    assert_false(d.metric_valid[M_IOREQ]);
    /* With the hv-patch, ioreq is the I/O figure, not dm-runs. */
    s.signals |= POLICY_HAS_IOREQ;
    poll(pe, 3 * SEC, &s, 1, &d);
    s.c.dm_runs += 900;
    s.c.pio_write += 50;
    poll(pe, 4 * SEC, &s, 1, &d);
    assert_float_equal(d.metric[M_IO], 50, 1e-9);
    policy_free(pe);
}

/* A condition on a metric the host lacks: left out, or not holding. */
static void test_missing_metric(void **state)
{
    struct policy_cond c[] = {
        { .metric = M_IOREQ, .enter = 100, .leave = 50 },
        { .metric = M_CPU_WAIT, .enter = 5, .leave = 1 },
    };
    struct policy_class k = { .name = "io", .match_all = true, .ncond = 2,
                              .cond = c, .weight_kind = POLICY_WEIGHT_ABS,
                              .weight = 999 };
    struct policy_config cfg = { .dwell = 1, .nclass = 1, .cls = &k };
    struct policy_engine *pe;
    struct policy_sample s = dom(1, 0);
    struct policy_decision d;
    unsigned int i;

    (void)state;
    for ( i = 0; i < 2; i++ )
    {
        c[1].skip_missing = i;
        pe = policy_new(&cfg, 4);
        s = dom(1, 0);
        s.signals = POLICY_HAS_CPU | POLICY_HAS_IOREQ;  /* stock runstate */
        poll(pe, 0, &s, 1, &d);
        tick(&s, 100, 0, 500);
        poll(pe, SEC, &s, 1, &d);
        assert_false(d.metric_valid[M_CPU_WAIT]);
        /* Not holding: no match; skipped: ioreq alone decides. */
        assert_int_equal(d.cls, i ? 0 : POLICY_CLASS_NONE);
        policy_free(pe);
    }
    /* Skipped conditions are not a catch-all: a class with none left
     * never matches. */
    c[0].metric = M_CPU_DEMAND;
    c[0].skip_missing = true;
    pe = policy_new(&cfg, 4);
    s = dom(1, 0);
    s.signals = POLICY_HAS_CPU;
    poll(pe, 0, &s, 1, &d);
    tick(&s, 100, 0, 0);
    poll(pe, SEC, &s, 1, &d);
    assert_int_equal(d.cls, POLICY_CLASS_NONE);
    policy_free(pe);
}

/* The shipped kind of policy: io (share 80 %) and hog (50 %, rest). */
static struct policy_cond io_c[] = {
    { .metric = M_IO, .enter = 100, .leave = 50 },
    { .metric = M_CPU_WAIT, .enter = 5, .leave = 1, .skip_missing = true },
};
static struct policy_cond hog_c[] = {
    { .metric = M_CPU_DEMAND, .enter = 90, .leave = 70 },
    { .metric = M_IO, .below = true, .enter = 100, .leave = 200 },
    { .metric = M_CPUPOOL_WAIT, .enter = 5, .leave = 1 },
};
static struct policy_class ship[] = {
    { .name = "io-bound", .match_all = true, .ncond = 2, .cond = io_c,
      .weight_kind = POLICY_WEIGHT_SHARE, .weight = 80,
      .cap_kind = POLICY_CAP_KEEP },
    { .name = "cpu-hog", .match_all = true, .ncond = 3, .cond = hog_c,
      .weight_kind = POLICY_WEIGHT_PCT, .weight = 50,
      .cap_kind = POLICY_CAP_REST },
    { .name = "base" },
};

static struct policy_config ship_cfg(void)
{
    struct policy_config c = { .dwell = 1, .nclass = 3, .cls = ship };

    return c;
}

/*
 * One server (d1: 45 % of the CPU it needs, 200 ioreq/s) and K spinners
 * in a one-CPU pool.  Runstate times follow a crude model of the pool:
 * each spinner gets an equal part of what the server leaves, capped.
 */
static void pool_second(struct policy_sample *s, unsigned int k,
                        unsigned int srv_run, unsigned int srv_wait)
{
    unsigned int i, left = 1000 - srv_run;

    tick(&s[0], srv_run, srv_wait, 200);
    for ( i = 1; i <= k; i++ )
    {
        unsigned int run = left / k;

        if ( s[i].cap && run > s[i].cap * 10 )
            run = s[i].cap * 10;
        tick(&s[i], run, 1000 - run, 0);
    }
}

static void test_share_and_rest(void **state)
{
    struct policy_config cfg = ship_cfg();
    struct policy_engine *pe = policy_new(&cfg, 8);
    struct policy_sample s[4];
    struct policy_decision d[4];
    unsigned int i;

    (void)state;
    for ( i = 0; i < 4; i++ )
        s[i] = dom(i + 1, 7);
    poll(pe, 0, s, 4, d);
    /* Starved: 250 ms running, 750 ms waiting. */
    pool_second(s, 3, 250, 750);
    poll(pe, SEC, s, 4, d);
    assert_string_equal(policy_class_name(&cfg, d[0].cls), "io-bound");
    assert_true(d[0].favoured);
    /* Spinners: no favoured domain waited at the last poll yet. */
    for ( i = 1; i < 4; i++ )
        assert_string_equal(policy_class_name(&cfg, d[i].cls), "base");
    /* 80 % of the pool against 3 x 256: 0.8 x 768 / 0.2 = 3072. */
    assert_int_equal(d[0].weight, 3072);
    pool_second(s, 3, 300, 700);
    poll(pe, 2 * SEC, s, 4, d);
    for ( i = 1; i < 4; i++ )
    {
        assert_string_equal(policy_class_name(&cfg, d[i].cls), "cpu-hog");
        assert_float_equal(d[i].metric[M_CPUPOOL_WAIT], 70, 1e-9);
        assert_true(d[i].throttled);
        /* The server wants all of the CPU (demand 100 %): the floor. */
        assert_int_equal(d[i].cap, POLICY_REST_MIN);
        assert_int_equal(d[i].weight, 128);
    }
    /* Spinners at 128: 0.8 x 384 / 0.2 = 1536. */
    assert_int_equal(d[0].weight, 1536);
    /* Served: the server runs its 450 ms with a little wait; its demand
     * (47 %) leaves 53 % to the spinners: 17.7 % each, to 20 in steps
     * of 5. */
    pool_second(s, 3, 450, 20);
    poll(pe, 3 * SEC, s, 4, d);
    for ( i = 1; i < 4; i++ )
    {
        assert_string_equal(policy_class_name(&cfg, d[i].cls), "cpu-hog");
        assert_int_equal(d[i].cap, 20);
    }
    /* The server stops serving: no one waits, the hogs are let go. */
    for ( i = 0; i < 3; i++ )
    {
        tick(&s[0], 0, 0, 0);
        tick(&s[1], 333, 667, 0);
        tick(&s[2], 333, 667, 0);
        tick(&s[3], 334, 666, 0);
        poll(pe, (4 + i) * SEC, s, 4, d);
    }
    for ( i = 0; i < 4; i++ )
    {
        assert_string_equal(policy_class_name(&cfg, d[i].cls), "base");
        assert_int_equal(d[i].weight, 256);
        assert_int_equal(d[i].cap, 0);
    }
    policy_free(pe);
}

/* Spinners alone: they wait on each other, but no one is favoured. */
static void test_hogs_alone_unchanged(void **state)
{
    struct policy_config cfg = ship_cfg();
    struct policy_engine *pe = policy_new(&cfg, 8);
    struct policy_sample s[3];
    struct policy_decision d[3];
    unsigned int i, t;

    (void)state;
    for ( i = 0; i < 3; i++ )
        s[i] = dom(i + 1, 7);
    poll(pe, 0, s, 3, d);
    for ( t = 1; t <= 20; t++ )
    {
        for ( i = 0; i < 3; i++ )
            tick(&s[i], 333, 667, 0);
        poll(pe, t * SEC, s, 3, d);
        for ( i = 0; i < 3; i++ )
        {
            assert_int_equal(d[i].set, 0);
            assert_int_equal(d[i].weight, 256);
        }
    }
    policy_free(pe);
}

/*
 * A share domain that idles for a poll between bursts (still io-bound)
 * keeps its weight: it asks for its share active or not.
 */
static void test_share_idle_keeps(void **state)
{
    struct policy_config cfg = ship_cfg();
    struct policy_engine *pe;
    struct policy_sample s[2];
    struct policy_decision d[2];
    unsigned int t;

    (void)state;
    cfg.dwell = 3;              /* an idle poll does not make it leave */
    pe = policy_new(&cfg, 8);
    s[0] = dom(1, 7);
    s[1] = dom(2, 7);
    poll(pe, 0, s, 2, d);
    for ( t = 1; t <= 3; t++ )
    {
        pool_second(s, 1, 300, 700);
        poll(pe, t * SEC, s, 2, d);
    }
    assert_string_equal(policy_class_name(&cfg, d[0].cls), "io-bound");
    /* 80 % of the pool against 256: 0.8 x 256 / 0.2 = 1024. */
    assert_int_equal(d[0].weight, 1024);
    /* Idle for a second (no demand, so it waits for nothing either). */
    tick(&s[0], 0, 0, 100);
    tick(&s[1], 1000, 0, 0);
    poll(pe, 4 * SEC, s, 2, d);
    assert_string_equal(policy_class_name(&cfg, d[0].cls), "io-bound");
    assert_true(d[0].metric[M_CPU_DEMAND] < 1);
    assert_int_equal(d[0].weight, 1024);
    policy_free(pe);
}

/* Alone in its pool, an I/O domain keeps its base: nothing to share. */
static void test_share_uncontended(void **state)
{
    struct policy_config cfg = ship_cfg();
    struct policy_engine *pe = policy_new(&cfg, 8);
    struct policy_sample s = dom(1, 3);
    struct policy_decision d;

    (void)state;
    poll(pe, 0, &s, 1, &d);
    tick(&s, 450, 100, 500);        /* it waits (on dom0, say) */
    poll(pe, SEC, &s, 1, &d);
    assert_string_equal(policy_class_name(&cfg, d.cls), "io-bound");
    assert_int_equal(d.weight, 256);
    assert_int_equal(d.set, 0);
    policy_free(pe);
}

/* credit2 weighs each vCPU: a 4-vCPU neighbour counts four times. */
static void test_share_credit2(void **state)
{
    struct policy_config cfg = ship_cfg();
    struct policy_engine *pe = policy_new(&cfg, 8);
    struct policy_sample s[2];
    struct policy_decision d[2];

    (void)state;
    s[0] = dom(1, 2);
    s[1] = dom(2, 2);
    s[0].sched = s[1].sched = POLICY_SCHED_CREDIT2;
    s[1].vcpus = 4;
    s[0].cpupool_cpus = s[1].cpupool_cpus = 4;
    poll(pe, 0, s, 2, d);
    tick(&s[0], 300, 200, 500);
    tick(&s[1], 3000, 1000, 0);
    poll(pe, SEC, s, 2, d);
    /* 0.8 x (256 x 4) / 0.2 = 4096, for one vCPU. */
    assert_int_equal(d[0].weight, 4096);
    policy_free(pe);
}

/* G14: a throttling cap never raises the administrator's stricter one. */
static void test_cap_never_loosened(void **state)
{
    struct policy_class k[] = {
        { .name = "abs", .cap_kind = POLICY_CAP_ABS, .cap = 80 },
        { .name = "pct", .cap_kind = POLICY_CAP_PCT_VCPU, .cap = 80 },
        { .name = "none", .cap_kind = POLICY_CAP_NONE },
    };
    struct policy_config cfg = { .nclass = 3, .cls = k, .dwell = 1 };
    struct policy_sample s = dom(1, 0);
    uint32_t w, c;

    (void)state;
    s.base_cap = 10;
    policy_target(&cfg, 0, NULL, &s, NULL, &w, &c);
    assert_int_equal(c, 10);
    policy_target(&cfg, 1, NULL, &s, NULL, &w, &c);
    assert_int_equal(c, 10);
    /* Stricter than the administrator's: the class's. */
    s.base_cap = 95;
    policy_target(&cfg, 1, NULL, &s, NULL, &w, &c);
    assert_int_equal(c, 80);
    /* An explicit "none" is the one way to lift it. */
    policy_target(&cfg, 2, NULL, &s, NULL, &w, &c);
    assert_int_equal(c, 0);
}

/*
 * The effect check.  Weights change nothing here (as for two domains
 * hard-pinned to one pCPU of a larger credit pool): the server's wait
 * stays, so io-bound is undone after effect_polls and barred.
 */
static void test_effect_undone(void **state)
{
    struct policy_config cfg = ship_cfg();
    struct policy_engine *pe;
    struct policy_sample s[2];
    struct policy_decision d[2];
    unsigned int t, undone_at = 0;

    (void)state;
    cfg.effect_polls = 5;
    cfg.effect_min = 0.3;
    cfg.holdoff_ns = 30 * SEC;
    cfg.nclass = 1;                 /* io-bound only: no hog to cap */
    pe = policy_new(&cfg, 4);
    s[0] = dom(1, 1);
    s[1] = dom(2, 1);
    s[0].cpupool_cpus = s[1].cpupool_cpus = 2;
    poll(pe, 0, s, 2, d);
    for ( t = 1; t <= 40; t++ )
    {
        tick(&s[0], 400, 400, 300);
        tick(&s[1], 600, 400, 0);
        poll(pe, t * SEC, s, 2, d);
        if ( t == 1 )
        {
            assert_int_equal(d[0].cls, 0);
            assert_int_equal(d[0].effect, POLICY_EFFECT_PENDING);
            assert_int_equal(d[0].effect_measure, POLICY_MEASURE_WAIT);
            assert_float_equal(d[0].effect_before, 40, 1e-9);
        }
        if ( d[0].effect == POLICY_EFFECT_UNDONE )
        {
            undone_at = t;
            assert_true(d[0].class_changed);
            assert_int_equal(d[0].cls, POLICY_CLASS_NONE);
            assert_int_equal(d[0].weight, 256);
            assert_string_equal(d[0].reason, "io-bound did not help: "
                                "wait 40.0% -> 40.0% in 5 polls; barred 30s");
        }
        /* Barred for 30 s, then tried again. */
        if ( undone_at && t > undone_at && t < undone_at + 30 )
            assert_int_equal(d[0].cls, POLICY_CLASS_NONE);
    }
    assert_int_equal(undone_at, 6);
    assert_int_equal(d[0].cls, 0);  /* retried at 36, measured again */
    assert_int_equal(d[0].effect, POLICY_EFFECT_PENDING);
    policy_free(pe);
}

/* The same, but the weight works: the wait falls and the change stays. */
static void test_effect_helped(void **state)
{
    struct policy_config cfg = ship_cfg();
    struct policy_engine *pe;
    struct policy_sample s[2];
    struct policy_decision d[2];
    unsigned int t;

    (void)state;
    cfg.effect_polls = 5;
    cfg.effect_min = 0.3;
    cfg.holdoff_ns = 30 * SEC;
    cfg.halflife_ns = 2 * SEC;
    cfg.nclass = 1;
    pe = policy_new(&cfg, 4);
    s[0] = dom(1, 1);
    s[1] = dom(2, 1);
    poll(pe, 0, s, 2, d);
    for ( t = 1; t <= 12; t++ )
    {
        bool helped = s[0].weight > 256;

        tick(&s[0], 400, helped ? 20 : 400, 300);
        tick(&s[1], 600, 400, 0);
        poll(pe, t * SEC, s, 2, d);
        assert_int_equal(d[0].cls, 0);
    }
    assert_int_equal(d[0].effect, POLICY_EFFECT_HELPED);
    assert_float_equal(d[0].effect_before, 40, 1e-9);
    assert_true(d[0].effect_after < 10);
    policy_free(pe);
}

/*
 * A throttle is judged by the wait it was for.  Here nothing helps (as
 * with hard-pinned vCPUs): the server's io-bound move is undone at its
 * check, which ends its favour, so pool-wait falls to 0 although the
 * server waits as much as before.  The spinners' cpu-hog move must be
 * judged on the server's cpu-wait (40 % -> 40 %: undone), not on that 0
 * (it was passed as "helped" before, in every dry-run recording of
 * bench part 5).
 */
static void test_effect_throttle_follows_waiter(void **state)
{
    struct policy_config cfg = ship_cfg();
    struct policy_engine *pe;
    struct policy_sample s[4];
    struct policy_decision d[4];
    unsigned int t, i, srv_undone = 0, hog_undone = 0;

    (void)state;
    cfg.effect_polls = 5;
    cfg.effect_min = 0.3;
    cfg.holdoff_ns = 60 * SEC;
    pe = policy_new(&cfg, 8);
    for ( i = 0; i < 4; i++ )
        s[i] = dom(i + 1, 1);
    poll(pe, 0, s, 4, d);
    for ( t = 1; t <= 12; t++ )
    {
        tick(&s[0], 300, 400, 200);
        for ( i = 1; i < 4; i++ )
            tick(&s[i], 233, 767, 0);
        poll(pe, t * SEC, s, 4, d);
        if ( t == 2 )
            for ( i = 1; i < 4; i++ )
            {
                assert_int_equal(d[i].cls, 1);
                assert_int_equal(d[i].effect_measure,
                                 POLICY_MEASURE_WAITER_WAIT);
                assert_int_equal(d[i].effect_waiter, 1);    /* the server */
                assert_float_equal(d[i].effect_before, 40, 1e-9);
            }
        if ( d[0].effect == POLICY_EFFECT_UNDONE && !srv_undone )
            srv_undone = t;
        for ( i = 1; i < 4; i++ )
        {
            assert_int_not_equal(d[i].effect, POLICY_EFFECT_HELPED);
            if ( d[i].effect == POLICY_EFFECT_UNDONE )
            {
                hog_undone = t;
                assert_float_equal(d[i].effect_after, 40, 1e-9);
                assert_int_equal(d[i].cls, 2);  /* back to base */
            }
        }
    }
    assert_int_equal(srv_undone, 6);
    assert_int_equal(hog_undone, 7);
    policy_free(pe);
}

/*
 * A throttle whose waiter has gone is not judged: what it was for no
 * longer exists.  Two servers wait (40 % and 30 %); the spinner's move is
 * for the first, which is then destroyed, while the second's wait falls
 * to 2 % (its own move helped).  Judged on pool-wait, the spinner's move
 * would pass as "helped" (40 -> 2) for a server that is gone.
 */
static void test_effect_waiter_gone(void **state)
{
    struct policy_config cfg = ship_cfg();
    struct policy_engine *pe;
    struct policy_sample s[3];
    struct policy_decision d[3];
    unsigned int t;

    (void)state;
    cfg.effect_polls = 5;
    cfg.effect_min = 0.3;
    pe = policy_new(&cfg, 8);
    s[0] = dom(1, 1);
    s[1] = dom(2, 1);
    s[2] = dom(3, 1);
    poll(pe, 0, s, 3, d);
    for ( t = 1; t <= 3; t++ )
    {
        tick(&s[0], 200, 400, 200);
        tick(&s[1], 200, 300, 200);
        tick(&s[2], 600, 400, 0);
        poll(pe, t * SEC, s, 3, d);
    }
    assert_int_equal(d[2].cls, 1);
    assert_int_equal(d[2].effect, POLICY_EFFECT_PENDING);
    assert_float_equal(d[2].effect_before, 40, 1e-9);
    /* The first server is destroyed; the second's wait falls. */
    for ( ; t <= 12; t++ )
    {
        tick(&s[1], 200, 20, 200);
        tick(&s[2], 700, 300, 0);
        poll(pe, t * SEC, &s[1], 2, &d[1]);
        assert_int_equal(d[2].cls, 1);
        assert_int_not_equal(d[2].effect, POLICY_EFFECT_HELPED);
        assert_int_not_equal(d[2].effect, POLICY_EFFECT_UNDONE);
    }
    policy_free(pe);
}

/*
 * An all-of class's reason names every condition that counted: with the
 * runstate signal io-bound's cpu-wait too; without it (skipped on the
 * missing metric) the I/O rate alone.
 */
static void test_reason_all_conditions(void **state)
{
    struct policy_config cfg = ship_cfg();
    struct policy_engine *pe;
    struct policy_sample s[2];
    struct policy_decision d[2];
    unsigned int stock;

    (void)state;
    for ( stock = 0; stock < 2; stock++ )
    {
        pe = policy_new(&cfg, 4);
        s[0] = dom(1, 1);
        s[1] = dom(2, 1);
        if ( stock )
            s[0].signals = s[1].signals = POLICY_HAS_CPU | POLICY_HAS_IOREQ;
        poll(pe, 0, s, 2, d);
        tick(&s[0], 400, 400, 300);
        tick(&s[1], 600, 400, 0);
        poll(pe, SEC, s, 2, d);
        assert_int_equal(d[0].cls, 0);
        assert_string_equal(d[0].reason, stock ? "io 300.0 > 100"
                            : "io 300.0 > 100, cpu-wait 40.0 > 5");
        policy_free(pe);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runstate_metrics),
        cmocka_unit_test(test_vcpu_unplug),
        cmocka_unit_test(test_dm_metrics),
        cmocka_unit_test(test_missing_metric),
        cmocka_unit_test(test_share_and_rest),
        cmocka_unit_test(test_hogs_alone_unchanged),
        cmocka_unit_test(test_share_uncontended),
        cmocka_unit_test(test_share_idle_keeps),
        cmocka_unit_test(test_share_credit2),
        cmocka_unit_test(test_cap_never_loosened),
        cmocka_unit_test(test_effect_undone),
        cmocka_unit_test(test_effect_helped),
        cmocka_unit_test(test_effect_throttle_follows_waiter),
        cmocka_unit_test(test_effect_waiter_gone),
        cmocka_unit_test(test_reason_all_conditions),
    };

    return cmocka_run_group_tests_name("contention", tests, NULL, NULL);
}

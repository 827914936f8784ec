/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_policy.c - unit tests of policy/: rates, smoothing, hysteresis,
 * dwell, overrides, clamping, domid reuse and counter resets.
 *
 * Each test drives the engine with scripted samples and checks a decision
 * that would come out differently if the logic were wrong.
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

#define SEC 1000000000ull

/* A two-class policy: io (ioreq above 1000, leave 500) then hog. */
static struct policy_cond io_cond[] = {
    { .metric = M_IOREQ, .enter = 1000, .leave = 500 },
};
static struct policy_cond hog_cond[] = {
    { .metric = M_CPU, .enter = 80, .leave = 60 },
    { .metric = M_IO, .below = true, .enter = 100, .leave = 200 },
};
static struct policy_class classes[] = {
    { .name = "io", .match_all = false, .ncond = 1, .cond = io_cond,
      .weight_kind = POLICY_WEIGHT_PCT, .weight = 200,
      .cap_kind = POLICY_CAP_KEEP },
    { .name = "hog", .match_all = true, .ncond = 2, .cond = hog_cond,
      .weight_kind = POLICY_WEIGHT_PCT, .weight = 50,
      .cap_kind = POLICY_CAP_PCT_VCPU, .cap = 80 },
};

static struct policy_config base_cfg(void)
{
    struct policy_config c = {
        .halflife_ns = 0, .dwell = 1, .stub_follows_guest = true,
        .nclass = 2, .cls = classes,
    };
    return c;
}

static struct policy_sample dom(uint32_t domid, uint8_t uuid0)
{
    struct policy_sample s;

    memset(&s, 0, sizeof(s));
    s.domid = domid;
    s.uuid[0] = uuid0;
    snprintf(s.name, sizeof(s.name), "guest%u", domid);
    s.vcpus = 1;
    s.cpupool_cpus = 2;
    s.sched = POLICY_SCHED_CREDIT;
    s.signals = POLICY_HAS_CPU | POLICY_HAS_IOREQ | POLICY_HAS_VBD |
                POLICY_HAS_NET;
    s.stub_of = -1;
    s.weight = s.base_weight = 256;
    return s;
}

/* One poll of a single domain; returns the decision. */
static struct policy_decision poll1(struct policy_engine *pe, uint64_t t,
                                    const struct policy_sample *s)
{
    struct policy_decision d;

    assert_int_equal(policy_update(pe, t, s, 1, &d), 0);
    return d;
}

static void test_metric_names(void **state)
{
    int m;

    (void)state;
    for ( m = 0; m < M__COUNT; m++ )
        assert_int_equal(policy_metric_lookup(policy_metric_name(m)), m);
    assert_int_equal(policy_metric_lookup("ioreq-dm"), M_IOREQ_DM);
    assert_int_equal(policy_metric_lookup("bogus"), -1);
}

/* Recordings and coopctl spell schedulers these ways; both directions. */
static void test_sched_names(void **state)
{
    static const struct {
        enum policy_sched s;
        const char *name;
    } t[] = {
        { POLICY_SCHED_CREDIT, "credit" },
        { POLICY_SCHED_CREDIT2, "credit2" },
        { POLICY_SCHED_OTHER, "other" },
    };
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        assert_string_equal(policy_sched_name(t[i].s), t[i].name);
        assert_int_equal(policy_sched_lookup(t[i].name), t[i].s);
    }
    assert_int_equal(policy_sched_lookup("rtds"), -1);
    assert_int_equal(policy_sched_lookup("Credit"), -1);
}

static void test_rates(void **state)
{
    struct policy_config cfg = base_cfg();
    struct policy_engine *pe = policy_new(&cfg, 4);
    struct policy_sample s = dom(1, 1);
    struct policy_decision d;

    (void)state;
    d = poll1(pe, 10 * SEC, &s);
    assert_false(d.rates_valid);
    s.c.cpu_ns += SEC / 4;          /* 25 % of one vCPU over 1 s */
    s.c.pio_write += 300;
    s.c.mmio_read += 100;
    s.c.ioreq_bytes += 1600;
    s.c.ioreq_dm += 40;
    s.c.ioreq_buffered += 10;
    s.c.vbd_rd_req += 7;
    s.c.vbd_wr_req += 3;
    s.c.net_rx_pkts += 20;
    d = poll1(pe, 12 * SEC, &s);    /* 2 s later: halve the deltas */
    assert_true(d.rates_valid);
    assert_float_equal(d.metric[M_CPU], 12.5, 1e-9);
    assert_float_equal(d.metric[M_IOREQ], 200, 1e-9);
    assert_float_equal(d.metric[M_IOREQ_PIO], 150, 1e-9);
    assert_float_equal(d.metric[M_IOREQ_MMIO], 50, 1e-9);
    assert_float_equal(d.metric[M_IOREQ_READ], 50, 1e-9);
    assert_float_equal(d.metric[M_IOREQ_WRITE], 150, 1e-9);
    assert_float_equal(d.metric[M_IOREQ_BYTES], 800, 1e-9);
    assert_float_equal(d.metric[M_IOREQ_DM], 25, 1e-9);
    assert_float_equal(d.metric[M_VBD_IOPS], 5, 1e-9);
    assert_float_equal(d.metric[M_NET_PKTS], 10, 1e-9);
    assert_float_equal(d.metric[M_IO], 215, 1e-9);
    /* Only this domain runs in a 2-CPU pool: 12.5 % of one vCPU. */
    assert_float_equal(d.metric[M_CPUPOOL_BUSY], 6.25, 1e-9);
    policy_free(pe);
}

/* The EWMA must not depend on how the same time is cut into polls. */
static void test_ewma_irregular(void **state)
{
    struct policy_config cfg = base_cfg();
    struct policy_engine *a, *b;
    struct policy_sample sa = dom(1, 1), sb = dom(1, 1);
    struct policy_decision da, db;

    (void)state;
    cfg.halflife_ns = 4 * SEC;
    a = policy_new(&cfg, 4);
    b = policy_new(&cfg, 4);
    poll1(a, 0, &sa);
    poll1(b, 0, &sb);
    poll1(a, 1 * SEC, &sa);         /* idle second: ewma starts at 0 */
    poll1(b, 1 * SEC, &sb);
    /* Then 4000 req/s for one half-life: one poll vs 1 s + 3 s. */
    sa.c.pio_read += 16000;
    da = poll1(a, 5 * SEC, &sa);
    sb.c.pio_read += 4000;
    poll1(b, 2 * SEC, &sb);
    sb.c.pio_read += 12000;
    db = poll1(b, 5 * SEC, &sb);
    assert_float_equal(da.metric[M_IOREQ], 2000, 1e-6);
    assert_float_equal(db.metric[M_IOREQ], 2000, 1e-6);
    policy_free(a);
    policy_free(b);
}

static void test_counter_reset(void **state)
{
    struct policy_config cfg = base_cfg();
    struct policy_engine *pe = policy_new(&cfg, 4);
    struct policy_sample s = dom(1, 1);
    struct policy_decision d;

    (void)state;
    s.c.pio_read = 1000000;
    s.c.cpu_ns = 50 * SEC;
    poll1(pe, 0, &s);
    s.c.pio_read += 500;
    s.c.cpu_ns += SEC / 2;
    d = poll1(pe, SEC, &s);
    assert_float_equal(d.metric[M_IOREQ], 500, 1e-9);
    /* The hypervisor's counters restart (e.g. after save/restore). */
    s.c.pio_read = 10;
    s.c.cpu_ns += SEC / 2;
    d = poll1(pe, 2 * SEC, &s);
    assert_float_equal(d.metric[M_IOREQ], 500, 1e-9);  /* held */
    assert_float_equal(d.metric[M_CPU], 50, 1e-9);     /* CPU unaffected */
    s.c.pio_read += 30;
    d = poll1(pe, 3 * SEC, &s);
    assert_float_equal(d.metric[M_IOREQ], 30, 1e-9);   /* rebased */
    policy_free(pe);
}

static void test_domid_reuse(void **state)
{
    struct policy_config cfg = base_cfg();
    struct policy_engine *pe = policy_new(&cfg, 4);
    struct policy_sample s = dom(5, 1);
    struct policy_decision d;

    (void)state;
    poll1(pe, 0, &s);
    s.c.pio_read += 5000;
    d = poll1(pe, SEC, &s);
    assert_int_equal(d.cls, 0);
    /* Same domid, another domain, with smaller counters. */
    s = dom(5, 2);
    s.c.pio_read = 3;
    d = poll1(pe, 2 * SEC, &s);
    assert_false(d.rates_valid);
    assert_int_equal(d.cls, POLICY_CLASS_NONE);
    s.c.pio_read += 10;
    d = poll1(pe, 3 * SEC, &s);
    assert_float_equal(d.metric[M_IOREQ], 10, 1e-9);
    policy_free(pe);
}

static void test_vanish_and_growth(void **state)
{
    struct policy_config cfg = base_cfg();
    struct policy_engine *pe = policy_new(&cfg, 2);
    struct policy_sample s[300];
    struct policy_decision d[300];
    unsigned int i;

    (void)state;
    for ( i = 0; i < 300; i++ )
        s[i] = dom(i + 1, (uint8_t)i);
    /* Far more domains than the hint: the table grows. */
    assert_int_equal(policy_update(pe, 0, s, 300, d), 0);
    for ( i = 0; i < 300; i++ )
        s[i].c.pio_read += 2000;
    assert_int_equal(policy_update(pe, SEC, s, 300, d), 0);
    for ( i = 0; i < 300; i++ )
        assert_int_equal(d[i].cls, 0);
    /* Domain 1 vanishes; when a domain 1 comes back, it starts fresh. */
    assert_int_equal(policy_update(pe, 2 * SEC, s + 1, 299, d), 0);
    assert_int_equal(policy_update(pe, 3 * SEC, s, 1, d), 0);
    assert_false(d[0].rates_valid);
    assert_int_equal(d[0].cls, POLICY_CLASS_NONE);
    /* A pin on a domain that is gone is refused. */
    assert_int_equal(policy_pin(pe, 2, 0), -ENOENT);
    policy_free(pe);
}

/*
 * A load that oscillates around the threshold must change class at most
 * once per dwell window, with and without an enter/leave band.
 */
static void hover(unsigned int dwell, double leave, unsigned int *changes)
{
    struct policy_cond c = { .metric = M_IOREQ, .enter = 1000,
                             .leave = leave };
    struct policy_class k = { .name = "io", .ncond = 1, .cond = &c,
                              .weight_kind = POLICY_WEIGHT_ABS,
                              .weight = 512 };
    struct policy_config cfg = base_cfg();
    struct policy_engine *pe;
    struct policy_sample s = dom(1, 1);
    struct policy_decision d;
    unsigned int i;

    cfg.nclass = 1;
    cfg.cls = &k;
    cfg.dwell = dwell;
    pe = policy_new(&cfg, 4);
    poll1(pe, 0, &s);
    *changes = 0;
    for ( i = 1; i <= 60; i++ )
    {
        /* 1100, 900, 1100, 900 ... with a run of highs every 10 polls */
        s.c.pio_read += (i % 2 || i % 10 < 4) ? 1100 : 900;
        d = poll1(pe, i * SEC, &s);
        *changes += d.class_changed;
    }
    policy_free(pe);
}

static void test_hysteresis(void **state)
{
    unsigned int changes;

    (void)state;
    /* With a band (leave 500): it enters once and stays. */
    hover(3, 500, &changes);
    assert_int_equal(changes, 1);
    /* Without a band, dwell alone keeps alternation from flapping ... */
    hover(3, 1000, &changes);
    assert_true(changes <= 60 / 3);
    /* ... while with dwell 1 and no band it would flap on every dip. */
    hover(1, 1000, &changes);
    assert_true(changes > 20);
}

static void test_dwell(void **state)
{
    struct policy_config cfg = base_cfg();
    struct policy_engine *pe;
    struct policy_sample s = dom(1, 1);
    struct policy_decision d;
    unsigned int i;

    (void)state;
    cfg.dwell = 4;
    pe = policy_new(&cfg, 4);
    poll1(pe, 0, &s);
    for ( i = 1; i <= 4; i++ )
    {
        s.c.pio_read += 5000;
        d = poll1(pe, i * SEC, &s);
        /* Adopted at exactly the 4th poll that matched, not before. */
        assert_int_equal(d.cls, i < 4 ? POLICY_CLASS_NONE : 0);
        assert_int_equal(d.class_changed, i == 4);
    }
    assert_int_equal(d.prev_cls, POLICY_CLASS_NONE);
    assert_int_equal(d.weight, 512);
    assert_true(d.set & POLICY_SET_WEIGHT);
    assert_false(d.set & POLICY_SET_CAP);
    assert_string_equal(d.reason, "ioreq 5000.0 > 1000");
    assert_int_equal(d.since_ns, 4 * SEC);
    policy_free(pe);
}

/*
 * A class's own dwell: "io" with dwell 1 is joined at the first poll
 * with rates although the global dwell is 4; leaving it for no class
 * takes the global 4 polls.
 */
static void test_class_dwell(void **state)
{
    struct policy_class k[2];
    struct policy_config cfg = base_cfg();
    struct policy_engine *pe;
    struct policy_sample s = dom(1, 1);
    struct policy_decision d;
    unsigned int i;

    (void)state;
    memcpy(k, classes, sizeof(k));
    k[0].dwell = 1;
    cfg.cls = k;
    cfg.dwell = 4;
    pe = policy_new(&cfg, 4);
    poll1(pe, 0, &s);
    s.c.pio_read += 5000;
    d = poll1(pe, SEC, &s);
    assert_int_equal(d.cls, 0);
    assert_true(d.class_changed);
    for ( i = 2; i <= 5; i++ )
    {
        d = poll1(pe, i * SEC, &s);     /* no ioreq: io no longer holds */
        assert_int_equal(d.cls, i < 5 ? 0 : POLICY_CLASS_NONE);
    }
    policy_free(pe);
}

/* First match wins; all-of needs every condition, any-of one. */
static void test_first_match(void **state)
{
    struct policy_config cfg = base_cfg();
    struct policy_engine *pe = policy_new(&cfg, 4);
    struct policy_sample s = dom(1, 1);
    struct policy_decision d;

    (void)state;
    poll1(pe, 0, &s);
    /* Busy CPU and quiet I/O: hog. */
    s.c.cpu_ns += 9 * SEC / 10;
    s.c.pio_read += 50;
    d = poll1(pe, SEC, &s);
    assert_int_equal(d.cls, 1);
    assert_int_equal(d.weight, 128);
    assert_int_equal(d.cap, 80);
    /* Busy CPU and heavy I/O: io matches first. */
    s.c.cpu_ns += 9 * SEC / 10;
    s.c.pio_read += 5000;
    d = poll1(pe, 2 * SEC, &s);
    assert_int_equal(d.cls, 0);
    assert_int_equal(d.prev_cls, 1);
    assert_int_equal(d.cap, 0);     /* base cap back */
    /* Busy CPU, moderate I/O (above hog's io leave 200 ... below 500). */
    s.c.cpu_ns += 9 * SEC / 10;
    s.c.pio_read += 300;
    d = poll1(pe, 3 * SEC, &s);
    assert_int_equal(d.cls, POLICY_CLASS_NONE);
    policy_free(pe);
}

static void test_missing_signal(void **state)
{
    struct policy_config cfg = base_cfg();
    struct policy_engine *pe = policy_new(&cfg, 4);
    struct policy_sample s = dom(1, 1);
    struct policy_decision d;

    (void)state;
    s.signals = POLICY_HAS_CPU | POLICY_HAS_VBD;  /* unpatched hypervisor */
    poll1(pe, 0, &s);
    s.c.cpu_ns += 9 * SEC / 10;
    s.c.pio_read += 50000;          /* ignored: no ioreq signal */
    d = poll1(pe, SEC, &s);
    assert_true(d.rates_valid);
    assert_int_equal(d.cls, 1);     /* io from PV block alone is 0 */
    assert_float_equal(d.metric[M_IO], 0, 1e-9);
    policy_free(pe);
}

static void test_overrides(void **state)
{
    struct policy_override o[3];
    struct policy_config cfg = base_cfg();
    struct policy_engine *pe;
    struct policy_sample s[4];
    struct policy_decision d[4];
    unsigned int i;

    (void)state;
    memset(o, 0, sizeof(o));
    snprintf(o[0].pattern, sizeof(o[0].pattern), "db-*");
    o[0].pin = -1;
    o[0].weight_max = 300;
    o[1].by_uuid = true;
    o[1].uuid[0] = 0x77;
    o[1].pin = 1;
    snprintf(o[2].pattern, sizeof(o[2].pattern), "backup*");
    o[2].exclude = true;
    o[2].pin = -1;
    cfg.ovr = o;
    cfg.noverride = 3;
    pe = policy_new(&cfg, 4);
    s[0] = dom(0, 9);               /* dom0 */
    s[1] = dom(1, 1);
    snprintf(s[1].name, sizeof(s[1].name), "db-main");
    s[2] = dom(2, 0x77);
    s[3] = dom(3, 3);
    snprintf(s[3].name, sizeof(s[3].name), "backup-1");
    s[3].weight = 999;              /* we left it like this earlier */
    assert_int_equal(policy_update(pe, 0, s, 4, d), 0);
    for ( i = 0; i < 4; i++ )
        s[i].c.pio_read += 5000;
    assert_int_equal(policy_update(pe, SEC, s, 4, d), 0);
    assert_int_equal(d[0].unmanaged, POLICY_EXCL_DOM0);
    assert_int_equal(d[0].set, 0);
    assert_int_equal(d[1].cls, 0);
    assert_int_equal(d[1].weight, 300);     /* 200 % bounded by max */
    assert_int_equal(d[2].cls, 1);          /* pinned by UUID */
    assert_true(d[2].pinned);
    assert_int_equal(d[3].unmanaged, POLICY_EXCL_OVERRIDE);
    assert_int_equal(d[3].weight, 256);     /* excluded: base put back */
    assert_true(d[3].set & POLICY_SET_WEIGHT);
    /* A runtime pin beats classification; unpin returns to it. */
    assert_int_equal(policy_pin(pe, 1, 1), 0);
    assert_int_equal(policy_update(pe, 2 * SEC, s, 4, d), 0);
    assert_int_equal(d[1].cls, 1);
    assert_int_equal(policy_pin(pe, 1, -1), 0);
    for ( i = 0; i < 4; i++ )
        s[i].c.pio_read += 5000;
    assert_int_equal(policy_update(pe, 3 * SEC, s, 4, d), 0);
    assert_int_equal(d[1].cls, 0);
    /* manage-dom0 brings dom0 in. */
    cfg.manage_dom0 = true;
    for ( i = 0; i < 4; i++ )
        s[i].c.pio_read += 5000;
    assert_int_equal(policy_update(pe, 4 * SEC, s, 4, d), 0);
    assert_int_equal(d[0].unmanaged, POLICY_MANAGED);
    assert_int_equal(d[0].cls, 0);
    policy_free(pe);
}

/* Table: what each action gives for a base and vCPU count. */
static void test_clamping(void **state)
{
    static const struct {
        enum policy_weight_kind wk; uint32_t wv;
        enum policy_cap_kind ck; uint32_t cv;
        uint32_t base_w, base_c, vcpus, wmin, wmax;
        uint32_t want_w, want_c;
    } t[] = {
        { POLICY_WEIGHT_PCT, 200, POLICY_CAP_KEEP, 0, 256, 30, 2, 0, 0, 512, 30 },
        { POLICY_WEIGHT_PCT, 200, POLICY_CAP_KEEP, 0, 60000, 0, 1, 0, 0, 65535, 0 },
        { POLICY_WEIGHT_PCT, 1, POLICY_CAP_NONE, 0, 10, 50, 1, 0, 0, 1, 0 },
        { POLICY_WEIGHT_ABS, 100000, POLICY_CAP_ABS, 500, 256, 0, 2, 0, 0, 65535, 200 },
        { POLICY_WEIGHT_KEEP, 0, POLICY_CAP_PCT_VCPU, 50, 256, 0, 4, 0, 0, 256, 200 },
        { POLICY_WEIGHT_KEEP, 0, POLICY_CAP_PCT_VCPU, 1, 256, 0, 1, 0, 0, 256, 1 },
        { POLICY_WEIGHT_ABS, 10, POLICY_CAP_KEEP, 0, 256, 0, 1, 64, 0, 64, 0 },
        { POLICY_WEIGHT_ABS, 9000, POLICY_CAP_KEEP, 0, 256, 0, 1, 64, 1000, 1000, 0 },
    };
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        struct policy_class k = { .name = "k", .weight_kind = t[i].wk,
                                  .weight = t[i].wv, .cap_kind = t[i].ck,
                                  .cap = t[i].cv };
        struct policy_config cfg = { .nclass = 1, .cls = &k, .dwell = 1 };
        struct policy_override o = { .pin = -1, .weight_min = t[i].wmin,
                                     .weight_max = t[i].wmax };
        struct policy_sample s = dom(1, 1);
        uint32_t w, c;

        s.base_weight = t[i].base_w;
        s.base_cap = t[i].base_c;
        s.vcpus = t[i].vcpus;
        policy_target(&cfg, 0, &o, &s, NULL, &w, &c);
        assert_int_equal(w, t[i].want_w);
        assert_int_equal(c, t[i].want_c);
        /* No class: the administrator's values, untouched by bounds. */
        policy_target(&cfg, POLICY_CLASS_NONE, &o, &s, NULL, &w, &c);
        assert_int_equal(w, t[i].base_w);
        assert_int_equal(c, t[i].base_c);
    }
}

static void test_stub_and_sched(void **state)
{
    struct policy_config cfg = base_cfg();
    struct policy_engine *pe = policy_new(&cfg, 4);
    struct policy_sample s[3];
    struct policy_decision d[3];

    (void)state;
    s[0] = dom(3, 3);               /* stub listed before its guest */
    s[0].stub_of = 4;
    s[1] = dom(4, 4);
    s[2] = dom(5, 5);
    s[2].sched = POLICY_SCHED_OTHER;
    s[2].weight = 1;
    assert_int_equal(policy_update(pe, 0, s, 3, d), 0);
    s[1].c.pio_read += 5000;
    s[2].c.pio_read += 5000;
    assert_int_equal(policy_update(pe, SEC, s, 3, d), 0);
    assert_int_equal(d[1].cls, 0);
    assert_int_equal(d[0].cls, 0);  /* follows its guest, not its load */
    assert_int_equal(d[0].weight, 512);
    assert_int_equal(d[2].unmanaged, POLICY_EXCL_SCHED);
    assert_int_equal(d[2].set, 0);  /* never touched */
    policy_free(pe);
}

static void test_reload_remaps(void **state)
{
    struct policy_config cfg = base_cfg(), cfg2 = base_cfg();
    struct policy_class swapped[2];
    struct policy_engine *pe = policy_new(&cfg, 4);
    struct policy_sample s = dom(1, 1);
    struct policy_decision d;

    (void)state;
    poll1(pe, 0, &s);
    s.c.pio_read += 5000;
    d = poll1(pe, SEC, &s);
    assert_int_equal(d.cls, 0);
    swapped[0] = classes[1];
    swapped[1] = classes[0];
    cfg2.cls = swapped;
    policy_set_config(pe, &cfg2);
    cfg2.dwell = 5;                 /* a change now would take 5 polls */
    s.c.pio_read += 5000;
    d = poll1(pe, 2 * SEC, &s);
    assert_int_equal(d.cls, 1);     /* still "io", at its new index */
    assert_false(d.class_changed);
    assert_string_equal(policy_class_name(&cfg2, d.cls), "io");
    policy_free(pe);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metric_names),
        cmocka_unit_test(test_sched_names),
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_ewma_irregular),
        cmocka_unit_test(test_counter_reset),
        cmocka_unit_test(test_domid_reuse),
        cmocka_unit_test(test_vanish_and_growth),
        cmocka_unit_test(test_hysteresis),
        cmocka_unit_test(test_dwell),
        cmocka_unit_test(test_class_dwell),
        cmocka_unit_test(test_first_match),
        cmocka_unit_test(test_missing_signal),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_clamping),
        cmocka_unit_test(test_stub_and_sched),
        cmocka_unit_test(test_reload_remaps),
    };

    return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}

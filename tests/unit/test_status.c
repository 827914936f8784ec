/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_status.c - unit tests of what status and the metrics say about
 * the policy (daemon/control/control_status.c, daemon/core/effects.c and
 * the effect families of daemon/core/metrics.c): the contention metrics,
 * the live condition of a class, the effect check pending, helped and
 * undone (kept while the hold-off lasts), the verdict counts, the
 * cpupools and the schema version.
 *
 * Driven through the real dispatcher with the fixed struct daemon of
 * tests/ctl/fixture.h, whose decisions each test sets as a poll would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

/* As test_control.c: the code under test compiled in, before cmocka.h. */
#include "../../daemon/control/control.c"
#include "../../daemon/control/control_build.c"
#include "../../daemon/control/control_client.c"
#include "../../daemon/control/control_cmd.c"
#include "../../daemon/core/metrics.c"
#include "../../daemon/lib/log.c"

#include <cmocka.h>

#include "../ctl/fixture.h"
#include "ctl_status.h"
#include "effects.h"

static struct daemon dm;

static struct policy_cond io_c[] = {
    { .metric = M_IO, .enter = 100, .leave = 50 },
    { .metric = M_CPU_WAIT, .enter = 5, .leave = 1, .skip_missing = true },
};

static void valid(struct policy_decision *d, enum policy_metric m, double v)
{
    d->metric[m] = v;
    d->metric_valid[m] = true;
}

static int setup(void **state)
{
    (void)state;
    log_init(true, 0);
    fixture_init(&dm);
    fix_classes[0].match_all = true;
    fix_classes[0].ncond = 2;
    fix_classes[0].cond = io_c;
    fix_conf.policy.effect_polls = 10;
    fix_conf.policy.effect_min = 0.3;
    fix_conf.policy.holdoff_ns = 300 * FIX_SEC;
    for ( unsigned int i = 0; i < 6; i++ )
        fix_s[i].signals |= POLICY_HAS_RUNSTATE;
    dm.sample_signals = fix_s[0].signals;
    /* web: favoured into io-bound 4 polls ago, wait 38 % -> 20 % so far. */
    valid(&fix_d[1], M_IO, 4300);
    valid(&fix_d[1], M_CPU_WAIT, 20);
    valid(&fix_d[1], M_CPU, 30);
    valid(&fix_d[1], M_CPUPOOL_BUSY, 97);
    fix_d[1].favoured = true;
    fix_d[1].effect = POLICY_EFFECT_PENDING;
    fix_d[1].effect_measure = POLICY_MEASURE_WAIT;
    fix_d[1].effect_before = 38;
    fix_d[1].effect_after = 20;
    fix_d[1].effect_polls = 4;
    /* batch: throttled for web (domid 1), whose wait fell: helped. */
    valid(&fix_d[2], M_CPU, 98);
    valid(&fix_d[2], M_CPU_WAIT, 60);
    fix_d[2].throttled = true;
    fix_d[2].effect = POLICY_EFFECT_HELPED;
    fix_d[2].effect_measure = POLICY_MEASURE_WAITER_WAIT;
    fix_d[2].effect_waiter = 1;
    fix_d[2].effect_before = 38;
    fix_d[2].effect_after = 4.1;
    fix_d[2].effect_polls = 10;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(dm.verdicts);
    dm.verdicts = NULL;
    dm.nverdicts = dm.verdicts_max = 0;
    return 0;
}

static json_t *status(void)
{
    static const char req[] = "{\"version\":1,\"command\":\"status\"}";
    char *out = control_handle_request(&dm, req, strlen(req), true, false);
    json_t *j = json_loads(out, 0, NULL);

    free(out);
    assert_non_null(j);
    assert_true(json_is_true(json_object_get(j, "ok")));
    return j;
}

static json_t *dom_id(json_t *rep, json_int_t domid)
{
    json_t *a = json_object_get(rep, "domains"), *o;
    size_t i;

    json_array_foreach(a, i, o)
        if ( json_integer_value(json_object_get(o, "domid")) == domid )
            return o;
    fail_msg("no domain %d", (int)domid);
    return NULL;
}

static double num(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    assert_true(json_is_number(v));
    return json_number_value(v);
}

static const char *str(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));

    assert_non_null(v);
    return v;
}

static void test_metrics_and_live(void **state)
{
    json_t *r = status(), *web = dom_id(r, 1), *b = dom_id(r, 2);

    (void)state;
    assert_int_equal(json_integer_value(json_object_get(r, "schema")), 3);
    /* xentop's CPU%: 30 % of each of 2 vCPUs is 60 % of one pCPU. */
    assert_true(num(web, "cpu_pcpu_pct") == 60);
    assert_true(num(web, "cpu_wait_pct") == 20);
    assert_true(num(web, "io_per_s") == 4300);
    assert_true(num(web, "pool_busy_pct") == 97);
    assert_true(json_is_null(json_object_get(web, "cpu_demand_pct")));
    assert_true(json_is_true(json_object_get(web, "favoured")));
    assert_true(json_is_true(json_object_get(b, "throttled")));
    /* Still in io-bound: the leave levels hold now. */
    assert_string_equal(str(web, "live_reason"),
                        "io 4300.0 > 50, cpu-wait 20.0 > 1");
    assert_true(json_is_true(json_object_get(web, "live_holds")));
    /* batch has no valid io: its class (cpu-hog) has no conditions. */
    assert_string_equal(str(b, "live_reason"), "catch-all");
    assert_true(json_is_null(json_object_get(dom_id(r, 0), "live_reason")));
    json_decref(r);
}

static void test_effect_pending_helped(void **state)
{
    json_t *r = status(), *e;

    (void)state;
    e = json_object_get(dom_id(r, 1), "effect");
    assert_string_equal(str(e, "state"), "pending");
    assert_string_equal(str(e, "class"), "io-bound");
    assert_string_equal(str(e, "measure"), "wait");
    assert_null(json_object_get(e, "waiter"));
    assert_true(num(e, "before_pct") == 38 && num(e, "after_pct") == 20);
    assert_true(num(e, "polls") == 4 && num(e, "polls_needed") == 10);
    e = json_object_get(dom_id(r, 2), "effect");
    assert_string_equal(str(e, "state"), "helped");
    assert_string_equal(str(e, "measure"), "waiter-wait");
    assert_true(num(e, "waiter") == 1);
    assert_true(json_is_null(json_object_get(dom_id(r, 9), "effect")));
    json_decref(r);
}

/*
 * coopctl's text: each cpupool's scheduler parameters, and a domain whose
 * hard affinity is narrower than its pool (where credit ignores weights).
 */
static void test_pool_affinity_text(void **state)
{
    json_t *rep = json_loads(
        "{\"daemon\": {}, \"cpupools\": ["
        " {\"id\": 0, \"sched\": \"credit\", \"cpus\": 2, \"domains\": 3,"
        "  \"managed\": 2, \"busy_pct\": 50, \"wait_pct\": 10,"
        "  \"tslice_ms\": 30, \"ratelimit_us\": 1000},"
        " {\"id\": 1, \"sched\": \"credit2\", \"cpus\": 1, \"domains\": 1,"
        "  \"managed\": 1, \"busy_pct\": 5, \"wait_pct\": null,"
        "  \"tslice_ms\": null, \"ratelimit_us\": 500}],"
        " \"domains\": ["
        " {\"domid\": 4, \"name\": \"pinned\", \"managed\": true,"
        "  \"class\": \"base\", \"class_age_s\": 3, \"reason\": \"catch-all\","
        "  \"pool_cpus\": 2, \"affinity_cpus\": 1, \"hard_pinned\": true},"
        " {\"domid\": 5, \"name\": \"free\", \"managed\": true,"
        "  \"class\": \"base\", \"class_age_s\": 3, \"reason\": \"catch-all\","
        "  \"pool_cpus\": 2, \"affinity_cpus\": 2, \"hard_pinned\": false},"
        " {\"domid\": 6, \"name\": \"replayed\", \"managed\": true,"
        "  \"class\": \"base\", \"class_age_s\": 3, \"reason\": \"catch-all\","
        "  \"pool_cpus\": 2, \"affinity_cpus\": null, \"hard_pinned\": true}]}",
        0, NULL);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);

    (void)state;
    assert_non_null(rep);
    assert_non_null(f);
    ctl_status_print(f, rep);
    fclose(f);
    assert_non_null(strstr(out, " TSLICE RATELIMIT\n"));
    assert_non_null(strstr(out, "\n   0 credit      2       3       2  50.0  "
                                "10.0   30ms    1000us\n"));
    assert_non_null(strstr(out, "\n   1 credit2     1       1       1   5.0 "
                                "    -      -     500us\n"));
    assert_non_null(strstr(out, "  d4 pinned: base 3s; entered: catch-all; "
                                "weights may not act: hard affinity 1 of "
                                "its pool's 2 pCPUs\n"));
    /* A replay knows the flag, not the count. */
    assert_non_null(strstr(out, "  d6 replayed: base 3s; entered: catch-all; "
                                "weights may not act: hard affinity "
                                "narrower than its pool's 2 pCPUs\n"));
    assert_non_null(strstr(out, "  d5 free: base 3s; entered: catch-all\n"));
    free(out);
    json_decref(rep);
}

/* coopctl's text: a throttle's measure is its waiter's wait, by domid. */
static void test_effect_text(void **state)
{
    json_t *r = status();
    char b[128];

    (void)state;
    ctl_fmt_effect(b, sizeof(b), dom_id(r, 1));
    assert_string_equal(b, "wait 38% -> 20% measuring (4/10)");
    ctl_fmt_effect(b, sizeof(b), dom_id(r, 2));
    assert_string_equal(b, "d1's wait 38% -> 4% helped");
    json_decref(r);
}

/* An undo is news for one poll in the decision; status keeps it. */
static void test_effect_undone_kept(void **state)
{
    json_t *r, *e, *dmn;

    (void)state;
    fix_d[3].effect = POLICY_EFFECT_UNDONE;
    fix_d[3].effect_new = true;
    fix_d[3].effect_measure = POLICY_MEASURE_WAIT;
    fix_d[3].effect_before = 40;
    fix_d[3].effect_after = 38.2;
    fix_d[3].effect_polls = 10;
    fix_d[3].prev_cls = 0;          /* io-bound was tried ... */
    fix_d[3].cls = 2;               /* ... and it went back */
    fix_d[3].class_changed = true;
    effects_note(&dm, 100 * FIX_SEC);
    assert_int_equal(dm.stats.effects_undone, 1);
    /* The next poll: the decision forgot, status has not. */
    fix_d[3].effect = POLICY_EFFECT_NONE;
    fix_d[3].effect_new = false;
    dm.stats.last_poll_ns = 160 * FIX_SEC;
    r = status();
    e = json_object_get(dom_id(r, 7), "effect");
    assert_string_equal(str(e, "state"), "undone");
    assert_string_equal(str(e, "class"), "io-bound");
    assert_true(num(e, "before_pct") == 40);
    assert_true(num(e, "age_s") == 60 && num(e, "hold_off_left_s") == 240);
    dmn = json_object_get(r, "daemon");
    assert_int_equal(json_integer_value(json_object_get(dmn,
                                                        "effects_undone")), 1);
    json_decref(r);
    /* Once the hold-off is over, it is no longer shown. */
    dm.stats.last_poll_ns = 400 * FIX_SEC;
    r = status();
    assert_true(json_is_null(json_object_get(dom_id(r, 7), "effect")));
    json_decref(r);
    /* A domain that is gone loses its verdict at the next verdict. */
    dm.ndoms = 3;
    fix_d[1].effect_new = true;
    fix_d[1].effect = POLICY_EFFECT_HELPED;
    effects_note(&dm, 401 * FIX_SEC);
    assert_int_equal(dm.nverdicts, 1);
    assert_int_equal(dm.verdicts[0].domid, 1);
    assert_int_equal(dm.stats.effects_helped, 1);
    dm.ndoms = 6;
}

static void test_daemon_fields(void **state)
{
    json_t *r, *dmn, *pools, *p, *mm;
    size_t i;
    bool wait_missing = false;

    (void)state;
    /* Without runstate in the samples, its metrics are missing. */
    dm.sample_signals &= ~POLICY_HAS_RUNSTATE;
    r = status();
    dmn = json_object_get(r, "daemon");
    mm = json_object_get(dmn, "missing_metrics");
    json_array_foreach(mm, i, p)
        wait_missing |= !strcmp(json_string_value(p), "cpu-wait");
    assert_true(wait_missing);
    assert_int_equal(json_integer_value(json_object_get(
        json_object_get(dmn, "effect_check"), "polls")), 10);
    pools = json_object_get(r, "cpupools");
    assert_int_equal(json_array_size(pools), 1);
    p = json_array_get(pools, 0);
    assert_int_equal(json_integer_value(json_object_get(p, "domains")), 6);
    assert_int_equal(json_integer_value(json_object_get(p, "managed")), 5);
    assert_true(num(p, "busy_pct") == 97);
    /* pool-wait: the favoured domains' wait (web 20), not batch's 60. */
    assert_true(num(p, "wait_pct") == 20);
    json_decref(r);
    dm.sample_signals |= POLICY_HAS_RUNSTATE;
    r = status();
    dmn = json_object_get(r, "daemon");
    json_array_foreach(json_object_get(dmn, "missing_metrics"), i, p)
        assert_string_not_equal(json_string_value(p), "cpu-wait");
    json_decref(r);
}

static void test_metrics_effects(void **state)
{
    char *t = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&t, &n);

    (void)state;
    dm.stats.effects_helped = 3;
    dm.stats.effects_undone = 1;
    assert_int_equal(metrics_format(&dm, f), 0);
    fclose(f);
    assert_non_null(strstr(t, "coopvmm_domain_effect_info{domid=\"1\","
                              "name=\"web\",state=\"pending\",measure="
                              "\"wait\",class=\"io-bound\"} 1\n"));
    assert_non_null(strstr(t, "coopvmm_domain_effect_info{domid=\"2\","
                              "name=\"batch\",state=\"helped\",measure="
                              "\"waiter-wait\",waiter=\"1\",class=\"cpu-hog\"} 1\n"));
    assert_non_null(strstr(t, "coopvmm_domain_effect_before_ratio{domid="
                              "\"1\",name=\"web\"} 0.38\n"));
    assert_non_null(strstr(t, "coopvmm_domain_effect_after_ratio{domid="
                              "\"2\",name=\"batch\"} 0.041\n"));
    assert_non_null(strstr(t, "coopvmm_effect_verdicts_total{verdict="
                              "\"helped\"} 3\n"));
    assert_non_null(strstr(t, "coopvmm_domain_cpu_wait_ratio{domid=\"1\","
                              "name=\"web\"} 0.2\n"));
    assert_non_null(strstr(t, "coopvmm_signal_live{signal=\"runstate\"} 1"));
    /* No effect line for a domain without a check. */
    assert_null(strstr(t, "coopvmm_domain_effect_info{domid=\"9\""));
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_metrics_and_live, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_effect_pending_helped, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_effect_text, setup, teardown),
        cmocka_unit_test(test_pool_affinity_text),
        cmocka_unit_test_setup_teardown(test_effect_undone_kept, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_daemon_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metrics_effects, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_actuator.c - unit tests of every path of daemon/core/actuator.c:
 * what is set and what is not (decisions, pause, stop, a domain shutting
 * down, dry run, unmanaged domains), the write-ahead (the state file
 * names a value before the call that puts it in force; no call when the
 * file cannot be written, except to put a base back), the read window
 * (a value changed between the sample and the call is adopted, not
 * overwritten), and failed calls (logged once, resolved by a read).
 *
 * The backend is a table of values by domid with failures on demand: a
 * stand-in for the scheduler calls only, which is what the actuator
 * uses; the state is the real one (state.c) on a real file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "logcap.h"
#include "faults.h"
#include "state_fixture.h"
#include "actuator.h"

#define W POLICY_SET_WEIGHT
#define C POLICY_SET_CAP
#define N 3

/* ------------------------------------------------- the stand-in host */

static struct {
    uint32_t w[N], c[N];        /* values in force, by domid */
    int get_rc, set_rc;         /* next get/set fails with this */
    bool set_half;              /* a failing set still applies the weight */
    bool admin;                 /* the administrator sets admin_w... */
    uint32_t admin_w;           /* ...between the sample and the read */
    unsigned int gets, sets, last_mask;
    char state_at_set[256];     /* the state file's line when set is called */
} host;

static int fake_get(struct backend *b, const struct policy_sample *s,
                    uint32_t *w, uint32_t *c)
{
    (void)b;
    host.gets++;
    if ( host.get_rc )
        return host.get_rc;
    if ( host.admin )
        host.w[s->domid] = host.admin_w;
    *w = host.w[s->domid];
    *c = host.c[s->domid];
    return 0;
}

static int fake_set(struct backend *b, const struct policy_sample *s,
                    unsigned int mask, uint32_t w, uint32_t c)
{
    (void)b;
    host.sets++;
    host.last_mask = mask;
    snprintf(host.state_at_set, sizeof(host.state_at_set), "%s",
             line_of(s->domid));
    if ( host.set_rc )
    {
        if ( host.set_half && (mask & W) )
            host.w[s->domid] = w;
        return host.set_rc;
    }
    if ( mask & W )
        host.w[s->domid] = w;
    if ( mask & C )
        host.c[s->domid] = c;
    return 0;
}

static struct backend_ops ops = { .name = "test", .get = fake_get,
                                  .set = fake_set };

static unsigned int recorded;
void __wrap_record_set(struct recorder *r, uint32_t domid, unsigned int mask,
                       uint32_t weight, uint32_t cap);
void __wrap_record_set(struct recorder *r, uint32_t domid, unsigned int mask,
                       uint32_t weight, uint32_t cap)
{
    (void)r; (void)domid; (void)mask; (void)weight; (void)cap;
    recorded++;
}

/* ------------------------------------------------------ the daemon */

static struct daemon d;
static struct policy_sample smp[N];
static struct policy_decision dec[N];

/* A daemon with guests 1..n at weight 256+100i, cap 0, polled once. */
static void start(unsigned int n)
{
    unsigned int i;

    memset(&host, 0, sizeof(host));
    memset(&d, 0, sizeof(d));
    memset(dec, 0, sizeof(dec));
    recorded = 0;
    d.ops = &ops;
    d.samples = smp;
    d.decisions = dec;
    d.ndoms = n;
    d.state = state_open(tpath);
    assert_non_null(d.state);
    for ( i = 0; i < n; i++ )
    {
        host.w[i + 1] = 256 + 100 * i;
        smp[i] = mk(i + 1, i + 1, host.w[i + 1], 0);
    }
    assert_int_equal(state_bases(d.state, smp, n, true), 0);
}

/* The next poll as the daemon runs it: sample, bases. */
static void sample(void)
{
    unsigned int i;

    for ( i = 0; i < d.ndoms; i++ )
    {
        smp[i].weight = host.w[smp[i].domid];
        smp[i].cap = host.c[smp[i].domid];
    }
    assert_int_equal(state_bases(d.state, smp, d.ndoms, false), 0);
    memset(dec, 0, sizeof(dec));
}

static void decide(unsigned int i, unsigned int mask, uint32_t w, uint32_t c)
{
    dec[i].set = mask;
    dec[i].weight = w;
    dec[i].cap = c;
}

static void stop(void)
{
    state_close(d.state);
}

/* ----------------------------------------------------------- tests */

static void test_sets_after_writing_ahead(void **ctx)
{
    (void)ctx;
    start(1);
    d.rec = (struct recorder *)&d;  /* any: record_set is a stand-in */
    decide(0, W | C, 512, 80);
    act_decisions(&d);
    assert_int_equal(host.sets, 1);
    /* When the call came, the file already named both values. */
    assert_string_equal(host.state_at_set, "1 256 0 - - 512 80");
    assert_int_equal(host.w[1], 512);
    assert_int_equal(host.c[1], 80);
    assert_int_equal(smp[0].weight, 512);
    assert_int_equal(d.stats.sets, 1);
    assert_int_equal(recorded, 1);
    /* The next poll: its own values, not the administrator's. */
    sample();
    assert_int_equal(smp[0].base_weight, 256);
    assert_int_equal(logcap_count("by hand"), 0);
    stop();
}

static void test_only_what_changed(void **ctx)
{
    (void)ctx;
    start(1);
    decide(0, W | C, 512, 0);           /* the cap is 0 already */
    act_decisions(&d);
    assert_int_equal(host.last_mask, W);
    host.sets = 0;
    decide(0, W | C, 512, 0);           /* nothing changes now */
    act_decisions(&d);
    assert_int_equal(host.sets, 0);
    assert_int_equal(host.gets, 1);
    stop();
}

static void test_dry_run(void **ctx)
{
    (void)ctx;
    start(1);
    d.dry_run = true;
    decide(0, W, 512, 0);
    act_decisions(&d);
    /* The same want on the next polls: said once, not every poll. */
    act_decisions(&d);
    act_decisions(&d);
    act_restore_all(&d);
    assert_int_equal(host.gets + host.sets, 0);
    assert_int_equal(logcap_count("dry-run: d1 g1: would set weight 512"), 1);
    /* Another want is said; back to the base, then the first again too. */
    decide(0, W, 768, 0);
    act_decisions(&d);
    assert_int_equal(logcap_count("dry-run: d1 g1: would set weight 768"), 1);
    decide(0, W, 256, 0);
    act_decisions(&d);
    decide(0, W, 512, 0);
    act_decisions(&d);
    assert_int_equal(logcap_count("dry-run: d1 g1: would set weight 512"), 2);
    assert_string_equal(get_file("state"), "");
    stop();
}

/* Paused, stopping, or shutting down: the base goes back. */
static void test_base_back(void **ctx)
{
    enum { PAUSED, SHUTDOWN, STOP } how;

    (void)ctx;
    for ( how = PAUSED; how <= STOP; how++ )
    {
        logcap_reset();
        unlink(tpath);
        start(2);
        decide(0, W | C, 512, 80);
        decide(1, W, 100, 0);
        act_decisions(&d);
        sample();
        d.paused = how == PAUSED;
        if ( how == SHUTDOWN )
        {
            smp[0].flags = smp[1].flags = POLICY_DOM_SHUTDOWN;
            dec[0].unmanaged = dec[1].unmanaged = POLICY_EXCL_DYING;
            sample();
            smp[0].flags = smp[1].flags = POLICY_DOM_SHUTDOWN;
        }
        if ( how == STOP )
            act_restore_all(&d);
        else
            act_decisions(&d);
        assert_int_equal(host.w[1], 256);
        assert_int_equal(host.c[1], 0);
        assert_int_equal(host.w[2], 356);
        if ( how == STOP )
            assert_int_equal(logcap_count("restored the base weight and cap "
                                          "of 2 domains"), 1);
        stop();
    }
}

static void test_left_alone(void **ctx)
{
    /* restored: whether a stop still puts its base back. */
    static const struct {
        uint32_t flags;
        enum policy_sched sched;
        enum policy_unmanaged why;
        bool restored;
    } cases[] = {
        { POLICY_DOM_DYING, POLICY_SCHED_CREDIT, POLICY_EXCL_DYING, false },
        { POLICY_DOM_DYING | POLICY_DOM_SHUTDOWN, POLICY_SCHED_CREDIT,
          POLICY_EXCL_DYING, false },
        { 0, POLICY_SCHED_OTHER, POLICY_EXCL_SCHED, false },
        { 0, POLICY_SCHED_CREDIT, POLICY_EXCL_SCHED, true },
        { 0, POLICY_SCHED_CREDIT, POLICY_EXCL_DYING, true },
    };
    unsigned int i;

    (void)ctx;
    for ( i = 0; i < sizeof(cases) / sizeof(cases[0]); i++ )
    {
        unlink(tpath);
        start(1);
        decide(0, W, 512, 0);
        act_decisions(&d);
        sample();
        smp[0].flags = cases[i].flags;
        smp[0].sched = cases[i].sched;
        decide(0, W, 700, 0);
        dec[0].unmanaged = cases[i].why;
        host.sets = 0;
        act_decisions(&d);
        assert_int_equal(host.sets, 0);
        act_restore_all(&d);
        assert_int_equal(host.sets, cases[i].restored);
        assert_int_equal(host.w[1], cases[i].restored ? 256 : 512);
        stop();
    }
}

/* The file cannot be written: nothing moves away from its base (K3). */
static void test_held_when_not_durable(void **ctx)
{
    (void)ctx;
    start(2);
    decide(0, W, 512, 0);
    act_decisions(&d);                  /* guest 1 at 512 */
    sample();
    f_fsync = (struct fault){ .err = ENOSPC, .times = 100 };
    decide(0, W | C, 256, 50);          /* base weight back, cap away */
    decide(1, W, 700, 0);               /* away */
    host.sets = 0;
    act_decisions(&d);
    assert_int_equal(host.sets, 1);     /* only the base going back */
    assert_int_equal(host.last_mask, W);
    assert_int_equal(host.w[1], 256);
    assert_int_equal(host.c[1], 0);
    assert_int_equal(host.w[2], 356);
    assert_int_equal(logcap_count("cannot write the state file"), 1);
    /* It works again: the held change goes ahead. */
    f_fsync.times = 0;
    sample();
    decide(1, W, 700, 0);
    act_decisions(&d);
    assert_int_equal(host.w[2], 700);
    assert_int_equal(logcap_count("written again"), 1);
    stop();
}

/* The administrator's change between the sample and the call (M1). */
static void test_read_window(void **ctx)
{
    (void)ctx;
    start(1);
    decide(0, W, 512, 0);
    host.admin = true;
    host.admin_w = 444;
    act_decisions(&d);
    assert_int_equal(host.sets, 0);
    assert_int_equal(host.w[1], 444);
    assert_int_equal(smp[0].base_weight, 444);
    assert_int_equal(logcap_count("d1 g1: weight set to 444 by hand (was 256)"), 1);
    /* And the pause that would put the old base back keeps it too. */
    host.admin = false;
    d.paused = true;
    act_decisions(&d);
    assert_int_equal(host.sets, 0);
    assert_int_equal(host.w[1], 444);
    stop();
}

static void test_read_fails(void **ctx)
{
    (void)ctx;
    start(1);
    host.get_rc = -EIO;
    decide(0, W, 512, 0);
    act_decisions(&d);
    act_decisions(&d);
    assert_int_equal(host.sets, 0);
    assert_int_equal(d.stats.failed_calls, 2);
    assert_int_equal(logcap_count("d1 g1: cannot read weight and cap before "
                                  "setting them: Input/output error"), 1);
    stop();
}

static void test_set_fails(void **ctx)
{
    (void)ctx;
    start(1);
    host.set_rc = -EINVAL;
    host.set_half = true;               /* credit2: weight in, cap refused */
    decide(0, W | C, 512, 300);
    act_decisions(&d);
    act_decisions(&d);
    assert_int_equal(d.stats.failed_calls, 2);
    assert_int_equal(logcap_count("d1 g1: cannot set weight 512 cap 300: "
                                  "Invalid argument"), 1);
    /* What did get in is known as coopvmm's. */
    sample();
    assert_int_equal(smp[0].weight, 512);
    assert_int_equal(smp[0].base_weight, 256);
    assert_int_equal(logcap_count("by hand"), 0);
    /* Calls work again: said once. */
    host.set_rc = 0;
    decide(0, C, 512, 50);
    act_decisions(&d);
    assert_int_equal(host.c[1], 50);
    assert_int_equal(logcap_count("d1 g1: scheduler calls work again"), 1);
    stop();
}

static void test_no_get_no_entry(void **ctx)
{
    (void)ctx;
    start(2);
    ops.get = NULL;
    decide(0, W, 512, 0);
    act_decisions(&d);
    assert_int_equal(host.w[1], 512);
    ops.get = fake_get;
    /* A domain the state has no entry for: nothing away from its base,
     * and nothing held for the others. */
    smp[1].domid = POLICY_DOMID_LIMIT;
    decide(1, W, 700, 0);
    decide(0, W, 900, 0);
    host.sets = 0;
    act_decisions(&d);
    assert_int_equal(host.sets, 1);
    assert_int_equal(host.w[1], 900);
    smp[1].domid = 2;
    stop();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
        T(test_sets_after_writing_ahead),
        T(test_only_what_changed),
        T(test_dry_run),
        T(test_base_back),
        T(test_left_alone),
        T(test_held_when_not_durable),
        T(test_read_window),
        T(test_read_fails),
        T(test_set_fails),
        T(test_no_get_no_entry),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

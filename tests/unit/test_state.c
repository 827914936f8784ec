/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_state.c - unit tests of the state's rules (daemon/core/state.c,
 * state_table.c): base, coopvmm's or the administrator's, for a value
 * seen at a poll or read by the actuator; write-ahead; guests that
 * reboot, are restored or leave; the lazy write.  The file itself
 * (reading, damage, trust, failing writes) is test_state_file.c's.
 *
 * Real files in a temporary directory; the log is captured (logcap.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "logcap.h"
#include "faults.h"
#include "state_fixture.h"

/* ------------------------------------------------------------- bases */

static void test_memory_only(void **ctx)
{
    const char *paths[] = { NULL, "" };
    unsigned int i;

    (void)ctx;
    for ( i = 0; i < 2; i++ )
    {
        struct state *st = state_open(paths[i]);
        struct policy_sample s = mk(1, 1, 256, 0);
        struct state_ent *e;

        assert_non_null(st);
        assert_int_equal(poll1(st, &s), 256);
        e = state_entry(st, &s);
        assert_non_null(e);
        assert_true(state_intend(st, e, &s, POLICY_SET_WEIGHT, 512, 0));
        assert_int_equal(state_sync(st), 0);
        assert_int_equal(state_flush(st), 0);
        assert_true(state_writable(st));
        state_close(st);
    }
    assert_int_equal(f_renameat.calls, 0);
}

static void test_first_sight_and_file(void **ctx)
{
    struct policy_sample s[2] = { mk(1, 1, 256, 0), mk(2, 2, 300, 50) };
    struct state *st;
    struct stat sb;
    unsigned int idx = 0, n = 0;

    (void)ctx;
    snprintf(tpath, sizeof(tpath), "%s/a/b/state", tdir);
    st = state_open(tpath);
    assert_non_null(st);
    assert_int_equal(state_bases(st, s, 2, true), 0);
    assert_int_equal(s[1].base_weight, 300);
    assert_int_equal(s[1].base_cap, 50);
    while ( state_next(st, &idx) )
        n++;
    assert_int_equal(n, 2);
    assert_int_equal(state_flush(st), 0);
    state_close(st);
    /* The directory it had to create is private; so is the file. */
    snprintf(tpath, sizeof(tpath), "%s/a/b", tdir);
    assert_int_equal(stat(tpath, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    snprintf(tpath, sizeof(tpath), "%s/a/b/state", tdir);
    assert_int_equal(stat(tpath, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    snprintf(tpath, sizeof(tpath), "%s/state", tdir);
}

static void test_private_whatever_the_umask(void **ctx)
{
    const mode_t masks[] = { 0, 0777, 022 };
    unsigned int i;

    (void)ctx;
    for ( i = 0; i < 3; i++ )
    {
        mode_t old = umask(masks[i]);
        struct policy_sample s = mk(1, 1, 256, 0);
        struct state *st = state_open(tpath);
        struct stat sb;

        poll1(st, &s);
        assert_int_equal(state_flush(st), 0);
        state_close(st);
        umask(old);
        assert_int_equal(stat(tpath, &sb), 0);
        assert_int_equal(sb.st_mode & 07777, 0600);
        unlink(tpath);
    }
}

/* A domain being built has Xen's default until the toolstack sets its
 * values (xl's reboot showed 256, then the configured 800). */
static void test_not_run_yet(void **ctx)
{
    struct state *st = state_open(tpath);
    struct policy_sample s = mk(4, 1, 256, 0);
    struct state_ent *e;

    (void)ctx;
    s.c.cpu_ns = 0;
    assert_int_equal(poll1(st, &s), 256);       /* stands in, not kept */
    assert_null(state_entry(st, &s));
    s.weight = 800;
    assert_int_equal(poll1(st, &s), 800);
    s.c.cpu_ns = 1;                             /* it runs: final */
    assert_int_equal(poll1(st, &s), 800);
    e = state_entry(st, &s);
    assert_non_null(e);
    assert_int_equal(e->f[STATE_WEIGHT].base, 800);
    assert_int_equal(logcap_count("by hand"), 0);
    state_close(st);
}

static void test_manual_change_is_new_base(void **ctx)
{
    struct state *st = state_open(tpath);
    struct policy_sample s = mk(1, 1, 256, 0);

    (void)ctx;
    assert_int_equal(poll1(st, &s), 256);
    s.weight = 300;
    assert_int_equal(poll1(st, &s), 300);
    assert_int_equal(logcap_count("d1 g1: weight set to 300 by hand (was 256): "
                                  "it is the new base"), 1);
    s.cap = 40;
    poll1(st, &s);
    assert_int_equal(s.base_cap, 40);
    assert_int_equal(logcap_count("cap set to 40 by hand (was 0)"), 1);
    /* The same again is not news. */
    poll1(st, &s);
    assert_int_equal(logcap_count("by hand"), 2);
    state_close(st);
}

/* Intend, sync, done: the file knows 512 before it is in force. */
static void set_via_state(struct state *st, struct policy_sample *s,
                          unsigned int mask, uint32_t w, uint32_t c)
{
    struct state_ent *e = state_entry(st, s);

    assert_non_null(e);
    state_intend(st, e, s, mask, w, c);
    assert_int_equal(state_sync(st), 0);
    state_done(st, e, mask, w, c);
    if ( mask & POLICY_SET_WEIGHT )
        s->weight = w;
    if ( mask & POLICY_SET_CAP )
        s->cap = c;
}

static void test_write_ahead(void **ctx)
{
    struct state *st = state_open(tpath);
    struct policy_sample s = mk(1, 1, 256, 10);
    struct state_ent *e;

    (void)ctx;
    poll1(st, &s);
    e = state_entry(st, &s);
    assert_true(state_intend(st, e, &s, POLICY_SET_WEIGHT | POLICY_SET_CAP,
                             512, 80));
    assert_string_equal(get_file("state"), "");     /* not yet */
    assert_int_equal(state_sync(st), 0);
    assert_string_equal(line_of(1), "1 256 10 - - 512 80");
    state_done(st, e, POLICY_SET_WEIGHT | POLICY_SET_CAP, 512, 80);
    s.weight = 512;
    s.cap = 80;
    /* Its own value is not the administrator's. */
    assert_int_equal(poll1(st, &s), 256);
    assert_int_equal(s.base_cap, 10);
    assert_int_equal(logcap_count("by hand"), 0);
    assert_int_equal(state_flush(st), 0);
    assert_string_equal(line_of(1), "1 256 10 512 80 - -");
    /* Back to the base: nothing to make durable first. */
    e = state_entry(st, &s);
    assert_false(state_intend(st, e, &s, POLICY_SET_WEIGHT | POLICY_SET_CAP,
                              256, 10));
    f_renameat.calls = 0;
    assert_int_equal(state_sync(st), 0);
    assert_int_equal(f_renameat.calls, 0);
    state_done(st, e, POLICY_SET_WEIGHT | POLICY_SET_CAP, 256, 10);
    assert_int_equal(state_flush(st), 0);
    assert_string_equal(line_of(1), "1 256 10 - - - -");
    state_close(st);
}

/* A value moved to again needs no new write: the file has it. */
static void test_intend_known_value(void **ctx)
{
    struct state *st = state_open(tpath);
    struct policy_sample s = mk(1, 1, 256, 0);

    (void)ctx;
    poll1(st, &s);
    set_via_state(st, &s, POLICY_SET_WEIGHT, 512, 0);
    poll1(st, &s);
    assert_false(state_intend(st, state_entry(st, &s), &s,
                              POLICY_SET_WEIGHT, 512, 0));
    state_close(st);
}

static void test_previous_run(void **ctx)
{
    static const char *const files[] = {
        "coopvmm-state 1\n" UUID_TEXT(01) " 1 256 0 512 -\n",
        "coopvmm-state 2\n" UUID_TEXT(01) " 1 256 0 - - 512 -\n",
    };
    unsigned int i;

    (void)ctx;
    for ( i = 0; i < 2; i++ )
    {
        struct policy_sample s = mk(1, 1, 512, 0);
        struct state *st;

        logcap_reset();
        put_text("state", files[i]);
        st = state_open(tpath);
        assert_int_equal(state_bases(st, &s, 1, true), 0);
        assert_int_equal(s.base_weight, 256);
        assert_int_equal(logcap_count("d1 g1: weight 512 cap 0 were set by a "
                                      "previous run; base weight 256 cap 0 "
                                      "will be put back"), 1);
        state_close(st);
    }
}

/* Without the file's word, the same value is the administrator's. */
static void test_no_file_takes_current(void **ctx)
{
    struct state *st = state_open(tpath);
    struct policy_sample s = mk(1, 1, 512, 0);

    (void)ctx;
    assert_int_equal(state_bases(st, &s, 1, true), 0);
    assert_int_equal(s.base_weight, 512);
    state_close(st);
}

static void test_observe(void **ctx)
{
    struct state *st = state_open(tpath);
    struct policy_sample s = mk(1, 1, 256, 0);
    struct state_ent *e;

    (void)ctx;
    poll1(st, &s);
    set_via_state(st, &s, POLICY_SET_WEIGHT, 512, 0);
    e = state_entry(st, &s);
    assert_false(state_observe(st, e, &s, 512, 0));
    assert_int_equal(s.base_weight, 256);
    /* Changed between the sample and the call: the administrator's. */
    assert_true(state_observe(st, e, &s, 444, 0));
    assert_int_equal(s.weight, 444);
    assert_int_equal(s.base_weight, 444);
    assert_int_equal(logcap_count("weight set to 444 by hand (was 512)"), 1);
    /* 512 is no longer coopvmm's in force. */
    assert_true(state_observe(st, e, &s, 512, 0));
    assert_int_equal(s.base_weight, 512);
    state_close(st);
}

/* ------------------------------------------------------------ guests */

static void test_reboot_with_our_value(void **ctx)
{
    struct state *st = state_open(tpath);
    struct policy_sample s = mk(1, 1, 256, 0), n;

    (void)ctx;
    poll1(st, &s);
    set_via_state(st, &s, POLICY_SET_WEIGHT | POLICY_SET_CAP, 128, 80);
    /* xl reboot: d1 gone, d5 the same guest, first with Xen's default
     * while xl builds it, then with the live values xl copied. */
    n = mk(5, 1, 256, 0);
    n.c.cpu_ns = 0;
    poll1(st, &n);
    assert_int_equal(logcap_count("new domain"), 0);
    n = mk(5, 1, 128, 80);
    assert_int_equal(poll1(st, &n), 256);
    assert_int_equal(n.base_cap, 0);
    assert_int_equal(logcap_count("d5 g1: new domain of the guest (was d1) "
                                  "starts with weight 128 cap 80, set by "
                                  "coopvmm; base weight 256 cap 0 will be put "
                                  "back"), 1);
    assert_int_equal(logcap_count("by hand"), 0);
    state_close(st);
}

static void test_reboot_with_new_config(void **ctx)
{
    struct state *st = state_open(tpath);
    struct policy_sample s = mk(1, 1, 256, 0), n;

    (void)ctx;
    poll1(st, &s);
    set_via_state(st, &s, POLICY_SET_WEIGHT, 128, 0);
    n = mk(5, 1, 300, 0);
    assert_int_equal(poll1(st, &n), 300);
    assert_int_equal(logcap_count("d5 g1: new domain of the guest (was d1) "
                                  "starts with weight 300: it is the new base "
                                  "(was 256)"), 1);
    state_close(st);
}

/* The old domain still dying while the new one runs. */
static void test_reboot_overlap(void **ctx)
{
    struct state *st = state_open(tpath);
    struct policy_sample s[2] = { mk(1, 1, 256, 0), mk(5, 1, 128, 0) };
    unsigned int idx = 0, n = 0;

    (void)ctx;
    assert_int_equal(state_bases(st, s, 1, false), 0);
    set_via_state(st, &s[0], POLICY_SET_WEIGHT, 128, 0);
    s[0].flags = POLICY_DOM_DYING;
    assert_int_equal(state_bases(st, s, 2, false), 0);
    assert_int_equal(s[1].base_weight, 256);
    assert_int_equal(logcap_count("d5 g1: new domain of the guest (was d1)"), 1);
    /* The old one goes: one entry for the guest. */
    assert_int_equal(state_bases(st, &s[1], 1, false), 0);
    while ( state_next(st, &idx) )
        n++;
    assert_int_equal(n, 1);
    state_close(st);
}

/* Shutting down: the base goes back, the value it may carry is kept. */
static void test_leaving_carries(void **ctx)
{
    struct state *st = state_open(tpath);
    struct policy_sample s = mk(1, 1, 256, 0), n;
    struct state_ent *e;

    (void)ctx;
    poll1(st, &s);
    set_via_state(st, &s, POLICY_SET_WEIGHT, 128, 0);
    s.flags = POLICY_DOM_SHUTDOWN;
    poll1(st, &s);
    e = state_entry(st, &s);
    assert_false(state_intend(st, e, &s, POLICY_SET_WEIGHT, 256, 0));
    state_done(st, e, POLICY_SET_WEIGHT, 256, 0);
    s.weight = 256;
    poll1(st, &s);              /* still there, at its base */
    assert_int_equal(state_flush(st), 0);
    assert_string_equal(line_of(1), "1 256 0 - - 128 -");
    /* Gone (xl save); later restored with what xl saved. */
    assert_int_equal(state_bases(st, NULL, 0, false), 0);
    n = mk(7, 1, 128, 0);
    assert_int_equal(poll1(st, &n), 256);
    assert_int_equal(logcap_count("d7 g1: new domain of the guest (was d1) "
                                  "starts with weight 128 cap 0, set by "
                                  "coopvmm"), 1);
    state_close(st);
}

static void test_gone(void **ctx)
{
    struct policy_sample s[2] = { mk(1, 1, 256, 0), mk(2, 2, 256, 0) };
    struct state *st = state_open(tpath);
    unsigned int idx = 0;
    struct state_ent *e;

    (void)ctx;
    assert_int_equal(state_bases(st, s, 2, false), 0);
    set_via_state(st, &s[0], POLICY_SET_WEIGHT, 512, 0);
    assert_int_equal(state_bases(st, NULL, 0, false), 0);
    /* Only the guest that left with a value of coopvmm's is kept. */
    e = state_next(st, &idx);
    assert_non_null(e);
    assert_int_equal(e->uuid[15], 1);
    assert_null(state_next(st, &idx));
    state_close(st);
}

/* Two old domains of one guest in the file: the new one takes one. */
static void test_two_old_domains(void **ctx)
{
    struct policy_sample s = mk(7, 1, 128, 0);
    struct state *st;
    unsigned int idx = 0, n = 0;

    (void)ctx;
    put_text("state", "coopvmm-state 2\n"
             UUID_TEXT(01) " 1 256 0 128 - - -\n"
             UUID_TEXT(01) " 2 256 0 - - 128 -\n");
    st = state_open(tpath);
    assert_int_equal(state_bases(st, &s, 1, true), 0);
    assert_int_equal(s.base_weight, 256);
    assert_int_equal(logcap_count("new domain of the guest"), 1);
    while ( state_next(st, &idx) )
        n++;
    assert_int_equal(n, 2);
    state_close(st);
}

static void test_gone_bounded(void **ctx)
{
    struct state *st = state_open(NULL);
    unsigned int i, idx = 0, n = 0;
    struct state_ent *e;

    (void)ctx;
    for ( i = 0; i < STATE_GONE_MAX + 5; i++ )
    {
        struct policy_sample s = mk(1 + i % 100, 0, 256, 0);

        s.uuid[14] = i >> 8;
        s.uuid[15] = i;
        poll1(st, &s);
        set_via_state(st, &s, POLICY_SET_WEIGHT, 512, 0);
        assert_int_equal(state_bases(st, NULL, 0, false), 0);
    }
    while ( (e = state_next(st, &idx)) )
    {
        /* The 5 that left first went first. */
        assert_true((e->uuid[14] << 8 | e->uuid[15]) >= 5);
        n++;
    }
    assert_int_equal(n, STATE_GONE_MAX);
    state_close(st);
}

static void test_domid_reused(void **ctx)
{
    struct state *st = state_open(tpath);
    struct policy_sample s = mk(1, 1, 256, 0), t = mk(1, 2, 700, 0);
    unsigned int idx = 0, n = 0;

    (void)ctx;
    poll1(st, &s);
    set_via_state(st, &s, POLICY_SET_WEIGHT, 512, 0);
    /* Another guest on the same domid, at 512 too by chance. */
    t.weight = 512;
    assert_int_equal(poll1(st, &t), 512);
    while ( state_next(st, &idx) )
        n++;
    assert_int_equal(n, 2);     /* g1 kept: it left with 512 */
    state_close(st);
}

static void test_null_uuid_and_edges(void **ctx)
{
    struct state *st = state_open(tpath);
    struct policy_sample s[3] = { mk(0, 0, 256, 0), mk(POLICY_DOMID_LIMIT, 3, 1, 0),
                                  mk(4, 4, 0, 0) };
    unsigned int idx = 0;

    (void)ctx;
    memset(s[0].uuid, 0, 16);
    s[2].sched = POLICY_SCHED_OTHER;    /* rtds: no values to start from */
    assert_int_equal(state_bases(st, s, 3, false), 0);
    assert_int_equal(s[1].base_weight, 1);
    assert_int_equal(s[2].base_weight, 0);
    assert_non_null(state_next(st, &idx));      /* dom0 only */
    assert_null(state_next(st, &idx));
    set_via_state(st, &s[0], POLICY_SET_WEIGHT, 512, 0);
    /* dom0's null UUID is no guest: a new null-UUID domain is new. */
    s[0] = mk(9, 0, 300, 0);
    memset(s[0].uuid, 0, 16);
    assert_int_equal(poll1(st, &s[0]), 300);
    assert_int_equal(logcap_count("new domain"), 0);
    /* A known domain whose pool lost credit keeps its entry, unseen. */
    s[1] = mk(2, 2, 256, 0);
    poll1(st, &s[1]);
    s[1].sched = POLICY_SCHED_OTHER;
    s[1].weight = 0;
    assert_int_equal(poll1(st, &s[1]), 256);
    state_close(st);
}

/* ------------------------------------------------------------ saving */

static void test_lazy_save(void **ctx)
{
    struct state *st = state_open(tpath);
    struct policy_sample s = mk(1, 1, 256, 0);
    unsigned int i;

    (void)ctx;
    poll1(st, &s);
    assert_int_equal(state_save(st), 0);
    assert_string_equal(get_file("state"), "");
    for ( i = 1; i < STATE_LAZY; i++ )
        poll1(st, &s);
    assert_int_equal(state_save(st), 0);
    assert_string_not_equal(get_file("state"), "");
    /* Nothing changed: nothing written. */
    f_renameat.calls = 0;
    for ( i = 0; i < STATE_LAZY; i++ )
        poll1(st, &s);
    assert_int_equal(state_save(st), 0);
    assert_int_equal(state_flush(st), 0);
    assert_int_equal(f_renameat.calls, 0);
    s.weight = 300;
    poll1(st, &s);
    assert_int_equal(state_flush(st), 0);
    assert_string_equal(line_of(1), "1 300 0 - - - -");
    state_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
        T(test_memory_only),
        T(test_first_sight_and_file),
        T(test_private_whatever_the_umask),
        T(test_not_run_yet),
        T(test_manual_change_is_new_base),
        T(test_write_ahead),
        T(test_intend_known_value),
        T(test_previous_run),
        T(test_no_file_takes_current),
        T(test_observe),
        T(test_reboot_with_our_value),
        T(test_reboot_with_new_config),
        T(test_reboot_overlap),
        T(test_leaving_carries),
        T(test_gone),
        T(test_two_old_domains),
        T(test_gone_bounded),
        T(test_domid_reused),
        T(test_null_uuid_and_edges),
        T(test_lazy_save),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

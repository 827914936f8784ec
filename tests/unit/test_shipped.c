/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_shipped.c - the shipped policy and the example of coopvmm.conf(5)
 * do what the manual says they do.
 *
 * The example is read from man/coopvmm.conf.5 itself (the first literal
 * block of EXAMPLES), so that a manual that drifts from the code fails
 * here; its globals and classes must be those of conf/coopvmm.conf.  Then
 * the scenario the manual tells (a request server beside three spinners
 * in a one-CPU pool) is played poll by poll, and every timing and value
 * it states is asserted.  Run from the top of the tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"
#include "conf_dump.h"
#include "policy.h"

#define SEC     1000000000ull
#define MS      1000000ull
#define MAN     "man/coopvmm.conf.5"
#define SHIPPED "conf/coopvmm.conf"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    rewind(f);
    buf = malloc(n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The first ".Bd -literal" block after ".Sh EXAMPLES", as config text. */
static char *man_example(void)
{
    char *man = slurp(MAN), *from, *to, *out;

    from = strstr(man, "\n.Sh EXAMPLES\n");
    assert_non_null(from);
    from = strstr(from, "\n.Bd -literal");
    assert_non_null(from);
    from = strchr(from + 1, '\n') + 1;
    to = strstr(from, "\n.Ed\n");
    assert_non_null(to);
    out = strndup(from, to - from + 1);
    free(man);
    /* Plain text only: a roff escape would not be what a reader copies. */
    assert_null(strchr(out, '\\'));
    return out;
}

/* conf_dump() of the policy part: globals that shape it, and classes. */
static char *policy_dump(const struct conf *c)
{
    char *buf = NULL, *p, *q;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const char *keep[] = { "interval ", "half-life ", "dwell ",
                           "effect-", "hold-off ", "class ", "  ", NULL };
    unsigned int i;

    assert_non_null(f);
    conf_dump(c, f);
    fclose(f);
    /* Keep the lines that make the policy; drop paths and overrides. */
    for ( p = q = buf; *p; )
    {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
        bool k = false;

        if ( !strncmp(p, "domain ", 7) )
            break;
        for ( i = 0; keep[i]; i++ )
            k |= !strncmp(p, keep[i], strlen(keep[i]));
        if ( k )
        {
            memmove(q, p, n);
            q += n;
        }
        p += n;
    }
    *q = '\0';
    return buf;
}

static struct conf *load_example(void)
{
    char *text = man_example(), *err = NULL;
    struct conf *c = NULL;
    int rc = conf_load_buffer(MAN " EXAMPLES", text, strlen(text), &c, &err);

    if ( rc )
        print_error("%s", err ? err : "?");
    assert_int_equal(rc, 0);
    free(text);
    return c;
}

static void test_example_is_shipped(void **state)
{
    struct conf *ex = load_example(), *sh = NULL;
    char *err = NULL, *a, *b;

    (void)state;
    assert_int_equal(conf_load(SHIPPED, &sh, &err), 0);
    a = policy_dump(ex);
    b = policy_dump(sh);
    assert_string_equal(a, b);
    assert_int_equal(ex->policy.noverride, 2);
    free(a);
    free(b);
    conf_free(ex);
    conf_free(sh);
}

static struct policy_sample dom(uint32_t domid)
{
    struct policy_sample s;

    memset(&s, 0, sizeof(s));
    s.domid = domid;
    s.uuid[0] = (uint8_t)domid;
    snprintf(s.name, sizeof(s.name), domid == 1 ? "server" : "spin%u",
             domid);
    s.vcpus = 1;
    s.cpupool = 1;
    s.cpupool_cpus = 1;
    s.sched = POLICY_SCHED_CREDIT;
    s.signals = POLICY_HAS_CPU | POLICY_HAS_IOREQ | POLICY_HAS_RUNSTATE;
    s.stub_of = -1;
    s.weight = s.base_weight = 256;
    return s;
}

static void second(struct policy_sample *s, unsigned int run_ms,
                   unsigned int wait_ms, unsigned int ioreq)
{
    s->c.cpu_ns += run_ms * MS;
    s->c.rs_running_ns += run_ms * MS;
    s->c.rs_runnable_ns += wait_ms * MS;
    s->c.rs_blocked_ns += (1000 - run_ms - wait_ms) * MS;
    s->c.pio_write += ioreq;
}

static const char *cls(const struct conf *c, const struct policy_decision *d)
{
    return policy_class_name(&c->policy, d->cls);
}

/*
 * The scenario of the EXAMPLES section.  Poll 0 is the first sample;
 * poll t covers second t.  The server serves until poll `stop`.  While
 * its weight is its base it waits 200 ms a second; once it is favoured,
 * 10 ms.
 */
static void test_example_scenario(void **state)
{
    struct conf *c = load_example();
    struct policy_engine *pe = policy_new(&c->policy, 8);
    struct policy_sample s[4];
    struct policy_decision d[4];
    unsigned int t, i, stop = 40, srv_in = 0, hog_in = 0, srv_out = 0,
                 hog_out = 0, srv_judged = 0, hog_judged = 0;

    (void)state;
    for ( i = 0; i < 4; i++ )
        s[i] = dom(i + 1);
    for ( t = 0; t <= 70; t++ )
    {
        if ( t && t <= stop )
            second(&s[0], 450, s[0].weight > 256 ? 10 : 200, 500);
        else if ( t )
            second(&s[0], 0, 0, 0);
        for ( i = 1; t && i < 4; i++ )
            second(&s[i], 183, 817, 0);
        assert_int_equal(policy_update(pe, t * SEC, s, 4, d), 0);
        if ( d[0].class_changed && !strcmp(cls(c, &d[0]), "io-bound") )
        {
            srv_in = t;
            /* 99 % of the pool against 3 x 256: 76032, limited. */
            assert_int_equal(d[0].weight, 65535);
        }
        if ( d[0].class_changed && !strcmp(cls(c, &d[0]), "base") )
            srv_out = t;
        if ( d[1].class_changed && !strcmp(cls(c, &d[1]), "cpu-hog") )
        {
            hog_in = t;
            for ( i = 1; i < 4; i++ )
            {
                assert_string_equal(cls(c, &d[i]), "cpu-hog");
                assert_int_equal(d[i].weight, 128);
                assert_int_equal(d[i].cap, 0);
            }
            /* Against weights of 128: 38016, four significant bits. */
            assert_int_equal(d[0].weight, 40960);
        }
        if ( d[1].class_changed && !strcmp(cls(c, &d[1]), "base") )
        {
            hog_out = t;
            assert_int_equal(d[1].weight, 256);
            assert_int_equal(d[1].cap, 0);
        }
        if ( d[0].effect == POLICY_EFFECT_HELPED && !srv_judged )
            srv_judged = t;
        if ( d[1].effect == POLICY_EFFECT_HELPED && !hog_judged )
            hog_judged = t;
        assert_true(d[0].effect != POLICY_EFFECT_UNDONE);
        assert_true(d[1].effect != POLICY_EFFECT_UNDONE);
        for ( i = 0; i < 4; i++ )
        {
            s[i].weight = d[i].weight;
            s[i].cap = d[i].cap;
        }
    }
    /* "At its first poll with rates" (io-bound's own dwell of 1). */
    assert_int_equal(srv_in, 1);
    /* "three polls after the server" */
    assert_int_equal(hog_in, srv_in + 3);
    /* "judged helpful ten polls after each" */
    assert_int_equal(srv_judged, srv_in + 10);
    assert_int_equal(hog_judged, hog_in + 10);
    /* "its smoothed I/O rate falls under 50 seventeen seconds later; it
     * leaves three polls after that" (counting that poll), "and the
     * spinners are let go three polls after the server". */
    assert_int_equal(srv_out, stop + 17 + 2);
    assert_int_equal(hog_out, srv_out + 3);
    policy_free(pe);
    conf_free(c);
}

/* The shipped policy with no hypervisor patch: I/O alone decides. */
static void test_shipped_stock_xen(void **state)
{
    struct conf *c = NULL;
    char *err = NULL;
    struct policy_engine *pe;
    struct policy_sample s[2];
    struct policy_decision d[2];
    unsigned int t;

    (void)state;
    assert_int_equal(conf_load(SHIPPED, &c, &err), 0);
    pe = policy_new(&c->policy, 4);
    s[0] = dom(1);
    s[1] = dom(2);
    s[0].signals = s[1].signals = POLICY_HAS_CPU | POLICY_HAS_DM;
    for ( t = 0; t <= 5; t++ )
    {
        if ( t )
        {
            s[0].c.cpu_ns += 300 * MS;
            s[0].c.dm_cpu_ns += 200 * MS;
            s[0].c.dm_runs += 400;
            s[1].c.cpu_ns += 700 * MS;
        }
        assert_int_equal(policy_update(pe, t * SEC, s, 2, d), 0);
        s[0].weight = d[0].weight;
        s[1].weight = d[1].weight;
        s[1].cap = d[1].cap;
    }
    /* Recognised from its device model's round trips, and favoured:
     * 99 % against 256 is 25344, four significant bits: 26624. */
    assert_string_equal(cls(c, &d[0]), "io-bound");
    assert_int_equal(d[0].weight, 26624);
    /* cpu-hog needs cpu-demand, which a stock hypervisor lacks. */
    assert_string_equal(cls(c, &d[1]), "base");
    assert_int_equal(d[1].set, 0);
    policy_free(pe);
    conf_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_is_shipped),
        cmocka_unit_test(test_example_scenario),
        cmocka_unit_test(test_shipped_stock_xen),
    };

    return cmocka_run_group_tests_name("shipped", tests, NULL, NULL);
}

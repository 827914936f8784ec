/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_conf.c - cmocka unit tests of the configuration value parsers
 * (durations, weights, caps, numbers) and of conf_load_buffer() on
 * in-memory text: errors collected with their lines, nothing returned on
 * failure.  Table-driven; links daemon/conf/ and policy/.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"
#include "conf_check.h"
#include "conf_dump.h"

#define NS_MS   1000000ull
#define NS_S    (1000 * NS_MS)

static void test_duration(void **state)
{
    static const struct {
        const char *in;
        int rc;
        uint64_t ns;
        const char *why;        /* start of the message on error */
    } t[] = {
        { "0s", 0, 0, NULL },
        { "0ms", 0, 0, NULL },
        { "1ms", 0, NS_MS, NULL },
        { "500ms", 0, 500 * NS_MS, NULL },
        { "2s", 0, 2 * NS_S, NULL },
        { "1m", 0, 60 * NS_S, NULL },
        { "1h", 0, 3600 * NS_S, NULL },
        { "007s", 0, 7 * NS_S, NULL },
        { "5", -EINVAL, 0, "needs a unit" },
        { "0", -EINVAL, 0, "needs a unit" },
        { "5x", -EINVAL, 0, "has an unknown unit" },
        { "5 s", -EINVAL, 0, "has an unknown unit" },
        { "5S", -EINVAL, 0, "has an unknown unit" },
        { "5sec", -EINVAL, 0, "has an unknown unit" },
        { "1.5s", -EINVAL, 0, "has an unknown unit" },
        { "s", -EINVAL, 0, "is not a duration" },
        { "", -EINVAL, 0, "is not a duration" },
        { "-1s", -EINVAL, 0, "is not a duration" },
        { "99999999999999999999ms", -ERANGE, 0, "is too large" },
        { "5124096h", -ERANGE, 0, "is too large" },   /* > 2^64 ns */
        { "5124095h", 0, 5124095ull * 3600 * NS_S, NULL },
    };
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        uint64_t ns = 12345;
        const char *why = NULL;
        int rc = conf_parse_duration(t[i].in, &ns, &why);

        print_message("duration '%s'\n", t[i].in);
        assert_int_equal(rc, t[i].rc);
        if ( !rc )
            assert_true(ns == t[i].ns);
        else
        {
            assert_non_null(why);
            assert_memory_equal(why, t[i].why, strlen(t[i].why));
        }
    }
}

static void test_weight(void **state)
{
    static const struct {
        const char *in;
        int rc;
        enum policy_weight_kind kind;
        uint32_t v;
    } t[] = {
        { "keep", 0, POLICY_WEIGHT_KEEP, 0 },
        { "1", 0, POLICY_WEIGHT_ABS, 1 },
        { "256", 0, POLICY_WEIGHT_ABS, 256 },
        { "65535", 0, POLICY_WEIGHT_ABS, 65535 },
        { "1%", 0, POLICY_WEIGHT_PCT, 1 },
        { "200%", 0, POLICY_WEIGHT_PCT, 200 },
        { "10000%", 0, POLICY_WEIGHT_PCT, 10000 },
        { "0", -ERANGE, 0, 0 },
        { "65536", -ERANGE, 0, 0 },
        { "0%", -ERANGE, 0, 0 },
        { "10001%", -ERANGE, 0, 0 },
        { "4294967296", -ERANGE, 0, 0 },
        { "none", -EINVAL, 0, 0 },
        { "Keep", -EINVAL, 0, 0 },
        { "", -EINVAL, 0, 0 },
        { "%", -EINVAL, 0, 0 },
        { "50%%", -EINVAL, 0, 0 },
        { "-5", -EINVAL, 0, 0 },
        { "+5", -EINVAL, 0, 0 },
        { "5.5", -EINVAL, 0, 0 },
        { "0x10", -EINVAL, 0, 0 },
        { " 5", -EINVAL, 0, 0 },
    };
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        enum policy_weight_kind kind = POLICY_WEIGHT_ABS;
        uint32_t v = 777;
        const char *why = NULL;
        int rc = conf_parse_weight(t[i].in, &kind, &v, &why);

        print_message("weight '%s'\n", t[i].in);
        assert_int_equal(rc, t[i].rc);
        if ( rc )
        {
            assert_non_null(why);
            continue;
        }
        assert_int_equal(kind, t[i].kind);
        assert_int_equal(v, t[i].v);
    }
}

static void test_share(void **state)
{
    static const struct {
        const char *in;
        int rc;
        uint32_t v;
    } t[] = {
        { "1%", 0, 1 },
        { "80%", 0, 80 },
        { "90%", 0, 90 },
        { "99%", 0, 99 },
        { "0%", -ERANGE, 0 },
        { "100%", -ERANGE, 0 },
        { "80", -EINVAL, 0 },
        { "share 80%", -EINVAL, 0 },
        { "", -EINVAL, 0 },
        { "%", -EINVAL, 0 },
        { "8.5%", -EINVAL, 0 },
    };
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        uint32_t v = 777;
        const char *why = NULL;
        int rc = conf_parse_share(t[i].in, &v, &why);

        print_message("share '%s'\n", t[i].in);
        assert_int_equal(rc, t[i].rc);
        if ( rc )
            assert_non_null(why);
        else
            assert_int_equal(v, t[i].v);
    }
}

static void test_cap(void **state)
{
    static const struct {
        const char *in;
        int rc;
        enum policy_cap_kind kind;
        uint32_t v;
    } t[] = {
        { "keep", 0, POLICY_CAP_KEEP, 0 },
        { "none", 0, POLICY_CAP_NONE, 0 },
        { "0", 0, POLICY_CAP_ABS, 0 },
        { "50", 0, POLICY_CAP_ABS, 50 },
        { "400", 0, POLICY_CAP_ABS, 400 },
        { "12800", 0, POLICY_CAP_ABS, 12800 },
        { "1%", 0, POLICY_CAP_PCT_VCPU, 1 },
        { "80%", 0, POLICY_CAP_PCT_VCPU, 80 },
        { "100%", 0, POLICY_CAP_PCT_VCPU, 100 },
        { "rest", 0, POLICY_CAP_REST, 0 },
        { "Rest", -EINVAL, 0, 0 },
        { "rest 5", -EINVAL, 0, 0 },
        { "12801", -ERANGE, 0, 0 },
        { "0%", -ERANGE, 0, 0 },
        { "101%", -ERANGE, 0, 0 },
        { "NONE", -EINVAL, 0, 0 },
        { "half", -EINVAL, 0, 0 },
        { "", -EINVAL, 0, 0 },
        { "-1", -EINVAL, 0, 0 },
        { "80 %", -EINVAL, 0, 0 },
    };
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        enum policy_cap_kind kind = POLICY_CAP_ABS;
        uint32_t v = 777;
        const char *why = NULL;
        int rc = conf_parse_cap(t[i].in, &kind, &v, &why);

        print_message("cap '%s'\n", t[i].in);
        assert_int_equal(rc, t[i].rc);
        if ( rc )
        {
            assert_non_null(why);
            continue;
        }
        assert_int_equal(kind, t[i].kind);
        assert_int_equal(v, t[i].v);
    }
}

static void test_number(void **state)
{
    static const struct {
        const char *in;
        int rc;
        double v;
    } t[] = {
        { "0", 0, 0 }, { "12", 0, 12 }, { "0.5", 0, 0.5 }, { ".5", 0, 0.5 },
        { "1e3", 0, 1000 }, { "2.5E-1", 0, 0.25 }, { "7.", 0, 7 },
        { "-1", -EINVAL, 0 }, { "+1", -EINVAL, 0 }, { "inf", -EINVAL, 0 },
        { "nan", -EINVAL, 0 }, { "0x10", -EINVAL, 0 }, { "", -EINVAL, 0 },
        { ".", -EINVAL, 0 }, { "1e", -EINVAL, 0 }, { "1e999", -EINVAL, 0 },
        { "5%", -EINVAL, 0 }, { "1..2", -EINVAL, 0 },
    };
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        double v = -1;
        int rc = conf_parse_number(t[i].in, &v);

        print_message("number '%s'\n", t[i].in);
        assert_int_equal(rc, t[i].rc);
        if ( !rc )
            assert_true(v == t[i].v);
    }
}

/* conf_load_buffer(): the result of whole texts. */
static void test_buffer(void **state)
{
    static const char ok[] =
        "# comment\n"
        "interval = 250ms\n"
        "class io { match = any\n"
        "  when ioreq { above = 10 leave = 5 }\n"
        "  when net-pkts { below = 3 }\n"
        "  weight = 150% cap = none }\n"
        "class rest { }\n"
        "domain \"w*\" { pin = rest weight-max = 9 }\n";
    struct conf *c = (struct conf *)1;
    char *err = (char *)1;
    const struct policy_class *k;

    (void)state;
    assert_int_equal(conf_load_buffer("t", ok, strlen(ok), &c, &err), 0);
    assert_null(err);
    assert_non_null(c);
    assert_true(c->interval_ns == 250 * NS_MS);
    assert_true(c->policy.halflife_ns == 5 * NS_S);
    assert_int_equal(c->policy.dwell, 3);
    assert_true(c->restore_on_exit);
    assert_int_equal(c->log_level, CONF_LOG_NOTICE);
    assert_int_equal(c->policy.nclass, 2);
    k = &c->policy.cls[0];
    assert_string_equal(k->name, "io");
    assert_false(k->match_all);
    assert_int_equal(k->ncond, 2);
    assert_int_equal(k->cond[0].metric, M_IOREQ);
    assert_false(k->cond[0].below);
    assert_true(k->cond[0].enter == 10 && k->cond[0].leave == 5);
    assert_int_equal(k->cond[1].metric, M_NET_PKTS);
    assert_true(k->cond[1].below);
    assert_true(k->cond[1].enter == 3 && k->cond[1].leave == 3);
    assert_int_equal(k->weight_kind, POLICY_WEIGHT_PCT);
    assert_int_equal(k->weight, 150);
    assert_int_equal(k->cap_kind, POLICY_CAP_NONE);
    assert_int_equal(c->policy.cls[1].ncond, 0);
    assert_int_equal(c->policy.noverride, 1);
    assert_string_equal(c->policy.ovr[0].pattern, "w*");
    assert_false(c->policy.ovr[0].by_uuid);
    assert_int_equal(c->policy.ovr[0].pin, 1);
    assert_int_equal(c->policy.ovr[0].weight_min, 0);
    assert_int_equal(c->policy.ovr[0].weight_max, 9);
    assert_int_equal(c->policy.ovr[0].line, 8);
    conf_free(c);
}

static void test_buffer_uuid(void **state)
{
    static const char t[] =
        "domain 00112233-4455-6677-8899-AaBbCcDdEeFf { exclude = true }\n";
    static const uint8_t uuid[16] = {
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
        0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
    };
    struct conf *c;
    char *err;

    (void)state;
    assert_int_equal(conf_load_buffer("t", t, strlen(t), &c, &err), 0);
    assert_true(c->policy.ovr[0].by_uuid);
    assert_true(c->policy.ovr[0].exclude);
    assert_memory_equal(c->policy.ovr[0].uuid, uuid, 16);
    conf_free(c);
}

static void test_buffer_errors(void **state)
{
    static const struct {
        const char *in;
        const char *err;
    } t[] = {
        { "interval = 5\n\nlog-level = x\n",
          "f:1: interval: '5' needs a unit (ms, s, m or h)\n"
          "f:3: log-level: 'x' is not one of err, warning, notice, info, "
          "debug\n" },
        { "# one\n# two\n# three\ndwell = 0\n",
          "f:4: dwell: 0 is out of range (1..1000)\n" },
        { "class a {}\nclass a {}\n",
          "f:2: duplicate class 'a' (first at line 1)\n" },
        { "domain x { pin = nope }\n",
          "f:1: domain 'x': pin: no class named 'nope'\n" },
        { "bogus = 1\n", "f:1: no such option 'bogus'\n" },
        { "a\0b", "f:1: NUL byte in the file\n" },
    };
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        struct conf *c = (struct conf *)1;
        char *err = NULL;
        size_t len = i == 5 ? 3 : strlen(t[i].in);

        print_message("errors %u\n", i);
        assert_int_equal(conf_load_buffer("f", t[i].in, len, &c, &err),
                         -EINVAL);
        assert_null(c);
        assert_non_null(err);
        assert_string_equal(err, t[i].err);
        free(err);
    }
}

/* Limits: the error is reported, and the error list is bounded. */
static void test_limits(void **state)
{
    char *buf = malloc(64 * 1024), *err = NULL, *last;
    struct conf *c = NULL;
    size_t off = 0;
    unsigned int i;

    (void)state;
    assert_non_null(buf);
    for ( i = 0; i < 257; i++ )
        off += sprintf(buf + off, "class c%u { }\n", i);
    assert_int_equal(conf_load_buffer("f", buf, off, &c, &err), -EINVAL);
    assert_null(c);
    assert_string_equal(err, "f:257: more than 256 class blocks\n");
    free(err);

    /* 150 errors: the first 100 in line order, then a count. */
    off = 0;
    for ( i = 0; i < 150; i++ )
        off += sprintf(buf + off, "class c%u { cap = x }\n", i);
    assert_int_equal(conf_load_buffer("f", buf, off, &c, &err), -EINVAL);
    assert_non_null(err);
    assert_memory_equal(err, "f:1: cap: 'x' ", 14);
    last = strrchr(err, '\n');
    *last = '\0';
    last = strrchr(err, '\n');
    assert_string_equal(last + 1, "f: 50 more errors");
    assert_non_null(strstr(err, "\nf:100: cap: 'x' "));
    assert_null(strstr(err, "\nf:101: "));
    free(err);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration),
        cmocka_unit_test(test_weight),
        cmocka_unit_test(test_share),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_number),
        cmocka_unit_test(test_buffer),
        cmocka_unit_test(test_buffer_uuid),
        cmocka_unit_test(test_buffer_errors),
        cmocka_unit_test(test_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

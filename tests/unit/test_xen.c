/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_xen.c - unit tests of the xen backend (daemon/backend/xen/) on a
 * machine without Xen: opening fails cleanly with the message that tells
 * the administrator what to do, and the pure helpers (scheduler mapping,
 * cpumap counting, stub domains, ioreq merge, trace records) are right.
 *
 * The real hypercalls are exercised by the system test under QEMU.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>

#include "backend.h"
#include "log.h"
#include "xen.h"
#include "xen_dom.h"
#include "xen_ioreq.h"
#include "xen_sched.h"
#include "xen_trace.h"

/* Run backend_xen.open() with stderr captured into buf. */
static int open_captured(struct backend **b, char *buf, size_t len)
{
    struct backend_args args = { .max_domains = 16 };
    FILE *tmp = tmpfile();
    int saved, rc;
    size_t got;

    assert_non_null(tmp);
    fflush(stderr);
    saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
    rc = backend_xen.open(b, &args);
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    rewind(tmp);
    got = fread(buf, 1, len - 1, tmp);
    buf[got] = '\0';
    fclose(tmp);
    return rc;
}

static void test_open_without_xen(void **state)
{
    struct backend *b = NULL;
    char out[4096];
    int rc;

    (void)state;
    if ( access("/dev/xen/privcmd", F_OK) == 0 )
        skip();                 /* a real dom0: the system test's job */
    log_init(true, LOG_DEBUG);
    rc = open_captured(&b, out, sizeof(out));
    assert_true(rc < 0);
    assert_int_equal(rc, -ENOENT);
    assert_null(b);
    assert_non_null(strstr(out, "cannot open the Xen control interface "
                                "(/dev/xen/privcmd): No such file or "
                                "directory; is this dom0 of a Xen host? "
                                "(use --backend replay to play a "
                                "recording)"));
    /* A second attempt fails the same way: nothing was left half-open. */
    rc = open_captured(&b, out, sizeof(out));
    assert_int_equal(rc, -ENOENT);
    assert_null(b);
}

static void test_ops_table(void **state)
{
    (void)state;
    assert_string_equal(backend_xen.name, "xen");
    assert_non_null(backend_xen.open);
    assert_non_null(backend_xen.sample);
    assert_non_null(backend_xen.set);
    assert_non_null(backend_xen.info);
    /* A live host: never ends, polled at the configured interval. */
    assert_false(backend_xen.finite);
    assert_null(backend_xen.next_delay);
    assert_non_null(backend_xen.watch_fd);
    assert_non_null(backend_xen.watch_drain);
    assert_non_null(backend_xen.trace);
    assert_non_null(backend_xen.cpupools);
    assert_non_null(backend_xen.close);
}

static void test_sched_map(void **state)
{
    static const struct {
        uint32_t id;
        enum policy_sched sched;
        const char *name;
    } t[] = {
        { XEN_SCHEDULER_CREDIT, POLICY_SCHED_CREDIT, "credit" },
        { XEN_SCHEDULER_CREDIT2, POLICY_SCHED_CREDIT2, "credit2" },
        { XEN_SCHEDULER_RTDS, POLICY_SCHED_OTHER, "rtds" },
        { XEN_SCHEDULER_NULL, POLICY_SCHED_OTHER, "null" },
        { XEN_SCHEDULER_ARINC653, POLICY_SCHED_OTHER, "arinc653" },
        { 4, POLICY_SCHED_OTHER, NULL },        /* sedf, removed */
        { 0, POLICY_SCHED_OTHER, NULL },
        { 12345, POLICY_SCHED_OTHER, NULL },
    };
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        assert_int_equal(xen_sched_map(t[i].id), t[i].sched);
        if ( t[i].name )
            assert_string_equal(xen_sched_name(t[i].id), t[i].name);
        else
            assert_null(xen_sched_name(t[i].id));
    }
}

static void test_cpumap_count(void **state)
{
    static const struct {
        uint8_t map[4];
        size_t nbytes;
        unsigned int n;
    } t[] = {
        { { 0 }, 4, 0 },
        { { 0x01 }, 1, 1 },
        { { 0xff, 0xff }, 2, 16 },
        { { 0x0f, 0x00, 0x80 }, 3, 5 },
        { { 0xff, 0xff, 0xff, 0xff }, 2, 16 },  /* only nbytes count */
        { { 0x55, 0xaa, 0x01, 0x00 }, 4, 9 },
    };
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
        assert_int_equal(xen_cpumap_count(t[i].map, t[i].nbytes), t[i].n);
    assert_int_equal(xen_cpumap_count(NULL, 8), 0);
}

static void test_stub_name(void **state)
{
    static const struct {
        const char *name;
        int is_stub;
        const char *guest;
    } t[] = {
        { "web-dm", 1, "web" },
        { "a-dm", 1, "a" },
        { "-dm", 0, NULL },
        { "dm", 0, NULL },
        { "web", 0, NULL },
        { "web-dm0", 0, NULL },
        { "web-DM", 0, NULL },
        { "x-dm-dm", 1, "x-dm" },
        { "", 0, NULL },
    };
    char guest[POLICY_NAME_MAX], tiny[4];
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        guest[0] = '\0';
        assert_int_equal(xen_stub_guest_name(t[i].name, guest,
                                             sizeof(guest)), t[i].is_stub);
        if ( t[i].is_stub )
            assert_string_equal(guest, t[i].guest);
    }
    /* A guest name that does not fit is not a match. */
    assert_int_equal(xen_stub_guest_name("long-dm", tiny, sizeof(tiny)), 0);
    assert_int_equal(xen_stub_guest_name("abc-dm", tiny, sizeof(tiny)), 1);
    assert_string_equal(tiny, "abc");
}

static void set_dom(struct policy_sample *s, uint32_t domid,
                    const char *name)
{
    memset(s, 0, sizeof(*s));
    s->domid = domid;
    snprintf(s->name, sizeof(s->name), "%s", name);
    s->stub_of = 77;            /* must be overwritten */
}

static void test_link_stubs(void **state)
{
    struct policy_sample s[6];
    /* hvm1 (2) names its stub 3 in xenstore; web-dm (5) by name only. */
    const int32_t dm[6] = { -1, -1, 3, -1, -1, -1 };
    const int32_t none[6] = { -1, -1, -1, -1, -1, -1 };

    (void)state;
    set_dom(&s[0], 0, "Domain-0");
    set_dom(&s[1], 1, "web");
    set_dom(&s[2], 2, "hvm1");
    set_dom(&s[3], 3, "stubby");
    set_dom(&s[4], 4, "ghost-dm");      /* its guest is gone */
    set_dom(&s[5], 5, "web-dm");
    xen_link_stubs(s, dm, none, 6);
    assert_int_equal(s[0].stub_of, -1);
    assert_int_equal(s[1].stub_of, -1);
    assert_int_equal(s[2].stub_of, -1);
    assert_int_equal(s[3].stub_of, 2);
    assert_int_equal(s[4].stub_of, -1);
    assert_int_equal(s[5].stub_of, 1);
}

static void test_link_stubs_xenstore_wins(void **state)
{
    struct policy_sample s[4];
    /* "a-dm" looks like a's stub, but b's xenstore names it: b wins. */
    const int32_t dm[4] = { -1, -1, 3, 99 };   /* 99: not a domain */
    const int32_t none[4] = { -1, -1, -1, -1 };
    /* The stub's own /local/domain/3/target names a: a wins over all. */
    const int32_t target[4] = { -1, -1, -1, 1 };

    (void)state;
    set_dom(&s[0], 0, "Domain-0");
    set_dom(&s[1], 1, "a");
    set_dom(&s[2], 2, "b");
    set_dom(&s[3], 3, "a-dm");
    xen_link_stubs(s, dm, none, 4);
    assert_int_equal(s[3].stub_of, 2);
    assert_int_equal(s[1].stub_of, -1);
    assert_int_equal(s[2].stub_of, -1);
    xen_link_stubs(s, dm, target, 4);
    assert_int_equal(s[3].stub_of, 1);
    assert_int_equal(s[1].stub_of, -1);
    assert_int_equal(s[2].stub_of, -1);
}

static void test_link_stubs_target(void **state)
{
    struct policy_sample s[4];
    const int32_t none[4] = { -1, -1, -1, -1 };
    /* 2 is the stub of 1 by its target; 3 names 99 (gone), and itself. */
    const int32_t target[4] = { -1, -1, 1, 99 };
    const int32_t self[4] = { -1, -1, -1, 3 };

    (void)state;
    set_dom(&s[0], 0, "Domain-0");
    set_dom(&s[1], 1, "guest");
    set_dom(&s[2], 2, "stubdom-of-guest");
    set_dom(&s[3], 3, "orphan");
    xen_link_stubs(s, none, target, 4);
    assert_int_equal(s[0].stub_of, -1);
    assert_int_equal(s[1].stub_of, -1);
    assert_int_equal(s[2].stub_of, 1);
    assert_int_equal(s[3].stub_of, -1);
    xen_link_stubs(s, none, self, 4);
    assert_int_equal(s[3].stub_of, -1);
}

static struct xen_coop_ioreq_dom rec(uint16_t domid, uint64_t base)
{
    struct xen_coop_ioreq_dom r;

    memset(&r, 0, sizeof(r));
    r.size = sizeof(r);
    r.version = XEN_COOP_IOREQ_VERSION;
    r.domid = domid;
    r.pio_read = base + 1;
    r.pio_write = base + 2;
    r.mmio_read = base + 3;
    r.mmio_write = base + 4;
    r.reps = base + 5;
    r.bytes = base + 6;
    r.xen = base + 7;
    r.dm = base + 8;
    r.buffered = base + 9;
    r.none = base + 10;
    r.running = base + 11;
    r.runnable = base + 12;
    r.blocked = base + 13;
    r.offline = base + 14;
    return r;
}

static void test_merge_ioreq(void **state)
{
    struct policy_sample s[4];
    struct xen_coop_ioreq_dom r[4];
    const uint32_t ids[4] = { 0, 1, 3, 5 };
    unsigned int i;

    (void)state;
    for ( i = 0; i < 4; i++ )
    {
        set_dom(&s[i], ids[i], "x");
        s[i].signals = POLICY_HAS_CPU | POLICY_HAS_IOREQ;
        s[i].c.pio_read = 424242;
    }
    r[0] = rec(1, 100);
    r[1] = rec(2, 200);         /* no such sample: skipped */
    r[2] = rec(5, 500);
    r[2].size = XEN_COOP_IOREQ_DOM_SIZE_V1;    /* a version 1 record */
    r[3] = rec(7, 700);         /* beyond the last sample */
    assert_int_equal(xen_merge_ioreq(s, 4, r, 4), 2);

    assert_int_equal(s[0].signals, POLICY_HAS_CPU);
    assert_int_equal(s[2].signals, POLICY_HAS_CPU);
    assert_int_equal(s[1].signals, POLICY_HAS_CPU | POLICY_HAS_IOREQ |
                                   POLICY_HAS_RUNSTATE);
    assert_int_equal(s[3].signals, POLICY_HAS_CPU | POLICY_HAS_IOREQ);
    /* Version 2: the runstate sums, each in its field. */
    assert_int_equal(s[1].c.rs_running_ns, 111);
    assert_int_equal(s[1].c.rs_runnable_ns, 112);
    assert_int_equal(s[1].c.rs_blocked_ns, 113);
    assert_int_equal(s[1].c.rs_offline_ns, 114);
    assert_int_equal(s[3].c.rs_running_ns, 0);
    assert_int_equal(s[1].c.pio_read, 101);
    assert_int_equal(s[1].c.pio_write, 102);
    assert_int_equal(s[1].c.mmio_read, 103);
    assert_int_equal(s[1].c.mmio_write, 104);
    assert_int_equal(s[1].c.ioreq_reps, 105);
    assert_int_equal(s[1].c.ioreq_bytes, 106);
    assert_int_equal(s[1].c.ioreq_xen, 107);
    assert_int_equal(s[1].c.ioreq_dm, 108);
    assert_int_equal(s[1].c.ioreq_buffered, 109);
    assert_int_equal(s[1].c.ioreq_none, 110);
    assert_int_equal(s[3].c.pio_read, 501);
    assert_int_equal(s[3].c.ioreq_none, 510);
    /* Domains without a record keep what they had, minus the signal. */
    assert_int_equal(s[0].c.pio_read, 424242);

    /* No records at all: nobody has the signal. */
    assert_int_equal(xen_merge_ioreq(s, 4, r, 0), 0);
    for ( i = 0; i < 4; i++ )
        assert_false(s[i].signals & POLICY_HAS_IOREQ);
}

static void test_trace_rec(void **state)
{
    struct xen_coop_ioreq_trace_rec in;
    struct backend_trace_rec out;

    (void)state;
    memset(&in, 0, sizeof(in));
    in.ts = 123456789;
    in.addr = 0xfed00040;
    in.data = 0xdeadbeef;
    in.rip = 0xffffffff81000000ull;
    in.count = 3;
    in.vcpu = 2;
    in.size = 4;
    in.flags = XEN_COOP_IOREQ_TR_F_MMIO | XEN_COOP_IOREQ_TR_F_WRITE |
               XEN_COOP_IOREQ_TR_F_DATA;
    in.dest = XEN_COOP_IOREQ_DEST_DM;
    xen_trace_rec(&in, &out);
    assert_int_equal(out.ts_ns, 123456789);
    assert_int_equal(out.addr, 0xfed00040);
    assert_int_equal(out.data, 0xdeadbeef);
    assert_int_equal(out.rip, 0xffffffff81000000ull);
    assert_int_equal(out.count, 3);
    assert_int_equal(out.vcpu, 2);
    assert_int_equal(out.size, 4);
    assert_true(out.mmio);
    assert_true(out.write);
    assert_false(out.data_is_ptr);
    assert_string_equal(out.handler, "dm");

    in.flags = XEN_COOP_IOREQ_TR_F_DATA_IS_PTR;
    in.dest = XEN_COOP_IOREQ_DEST_NONE;
    xen_trace_rec(&in, &out);
    assert_false(out.mmio);
    assert_false(out.write);
    assert_true(out.data_is_ptr);
    assert_string_equal(out.handler, "none");
    in.dest = XEN_COOP_IOREQ_DEST_XEN;
    xen_trace_rec(&in, &out);
    assert_string_equal(out.handler, "xen");
    in.dest = XEN_COOP_IOREQ_DEST_BUFFERED;
    xen_trace_rec(&in, &out);
    assert_string_equal(out.handler, "buffered");
    in.dest = 9;
    xen_trace_rec(&in, &out);
    assert_string_equal(out.handler, "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_without_xen),
        cmocka_unit_test(test_ops_table),
        cmocka_unit_test(test_sched_map),
        cmocka_unit_test(test_cpumap_count),
        cmocka_unit_test(test_stub_name),
        cmocka_unit_test(test_link_stubs),
        cmocka_unit_test(test_link_stubs_xenstore_wins),
        cmocka_unit_test(test_link_stubs_target),
        cmocka_unit_test(test_merge_ioreq),
        cmocka_unit_test(test_trace_rec),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_xen_text.c - the xen backend's parsers of dom0's kernel text
 * (daemon/backend/xen/xen_text.c) and the vif line to guest attribution
 * (xen_pv_netdev_add): table-driven, with the kernel's exact formats, the
 * edges (no newline, 64-bit limits, command names with spaces and
 * parentheses) and damaged input, which must be refused and leave the
 * outputs untouched.  tests/fuzz/fuzz_xentext.c runs the same parsers on
 * random input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "xen_pv.h"
#include "xen_text.h"

#define S(x) x, sizeof(x) - 1   /* a literal without its NUL */

static void test_schedstat(void **state)
{
    static const struct {
        const char *text;
        int rc;
        uint64_t run, wait, runs;
    } t[] = {
        { "123456789 2345 678\n", 0, 123456789, 2345, 678 },
        { "0 0 0", 0, 0, 0, 0 },
        { "18446744073709551615 1 2\n", 0, UINT64_MAX, 1, 2 },
        { "18446744073709551616 1 2\n", -EINVAL, 0, 0, 0 },     /* > 64 bits */
        { "1 2\n", -EINVAL, 0, 0, 0 },
        { "1 2 3 4\n", -EINVAL, 0, 0, 0 },
        { "1  2 3\n", -EINVAL, 0, 0, 0 },
        { "-1 2 3\n", -EINVAL, 0, 0, 0 },
        { "1 2 3\n\n", -EINVAL, 0, 0, 0 },
        { "1 2 x\n", -EINVAL, 0, 0, 0 },
        { "", -EINVAL, 0, 0, 0 },
    };
    uint64_t run, wait, runs;
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        run = wait = runs = 4242;
        assert_int_equal(xen_text_schedstat(t[i].text, strlen(t[i].text),
                                            &run, &wait, &runs), t[i].rc);
        if ( t[i].rc )
        {
            assert_int_equal(run, 4242);
            assert_int_equal(runs, 4242);
            continue;
        }
        assert_int_equal(run, t[i].run);
        assert_int_equal(wait, t[i].wait);
        assert_int_equal(runs, t[i].runs);
    }
    /* The length bounds the parse: the digits past it do not count. */
    assert_int_equal(xen_text_schedstat("1 2 345", 6, &run, &wait, &runs), 0);
    assert_int_equal(runs, 34);
}

static void test_stat_start(void **state)
{
    /* Fields 3..22 of a real qemu-xen line (Linux 6.1), start 4321. */
    static const char tail[] = " S 1 1234 1234 0 -1 4194560 2917 0 0 0 "
                               "153 97 0 0 20 0 9 0 4321 2417455104 9281 "
                               "18446744073709551615 1 1 0 0 0 0 0 4096 "
                               "16902 0 0 0 17 1 0 0 0 0 0\n";
    static const char *const comm[] = {
        "(qemu-system-i38)", "(a b)", "(a) b)", "((x))", "()",
    };
    char line[512];
    uint64_t start;
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(comm) / sizeof(comm[0]); i++ )
    {
        snprintf(line, sizeof(line), "4711 %s%s", comm[i], tail);
        start = 0;
        assert_int_equal(xen_text_stat_start(line, strlen(line), &start), 0);
        assert_int_equal(start, 4321);
    }
    /* Cut after field 22: still whole; cut inside it: refused. */
    snprintf(line, sizeof(line), "1 (q) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 "
             "0 1 0 99");
    assert_int_equal(xen_text_stat_start(line, strlen(line), &start), 0);
    assert_int_equal(start, 99);
    start = 7;
    assert_int_equal(xen_text_stat_start(line, strlen(line) - 3, &start),
                     -EINVAL);
    assert_int_equal(start, 7);
    assert_int_equal(xen_text_stat_start(S("1 q S 1"), &start), -EINVAL);
    assert_int_equal(xen_text_stat_start(S("1 (q)"), &start), -EINVAL);
    assert_int_equal(xen_text_stat_start(S("1 (q) S x 1 1"), &start),
                     -EINVAL);
    /* A negative start time is no start time. */
    snprintf(line, sizeof(line), "1 (q) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 "
             "0 1 0 -99 0\n");
    assert_int_equal(xen_text_stat_start(line, strlen(line), &start),
                     -EINVAL);
    assert_int_equal(start, 7);
}

static void test_cmdline_domid(void **state)
{
    /* As libxl starts qemu-xen: "-xen-domid" then the domid. */
    static const char qemu[] = "/usr/libexec/xen-qemu-system-i386\0"
                               "-xen-domid\0" "17\0" "-chardev\0"
                               "socket,id=libxl-cmd\0";
    uint32_t d = 4242;

    (void)state;
    assert_int_equal(xen_text_cmdline_domid(qemu, sizeof(qemu) - 1, &d), 0);
    assert_int_equal(d, 17);
    /* The last argument, with and without its NUL. */
    assert_int_equal(xen_text_cmdline_domid(S("q\0-xen-domid\0" "5\0"), &d),
                     0);
    assert_int_equal(d, 5);
    assert_int_equal(xen_text_cmdline_domid(S("q\0-xen-domid\0" "6"), &d), 0);
    assert_int_equal(d, 6);
    d = 4242;
    /* No option, option without value, not a number, a longer option. */
    assert_int_equal(xen_text_cmdline_domid(S("sleep\0" "30\0"), &d),
                     -ENOENT);
    assert_int_equal(xen_text_cmdline_domid(S("q\0-xen-domid\0"), &d),
                     -EINVAL);
    assert_int_equal(xen_text_cmdline_domid(S("q\0-xen-domid\0" "5x\0"), &d),
                     -EINVAL);
    assert_int_equal(xen_text_cmdline_domid(S("q\0-xen-domid\0\0"), &d),
                     -EINVAL);
    assert_int_equal(xen_text_cmdline_domid(S("q\0-xen-domidx\0" "5\0"), &d),
                     -ENOENT);
    assert_int_equal(xen_text_cmdline_domid(S("q\0-xen-domid=5\0"), &d),
                     -ENOENT);
    assert_int_equal(xen_text_cmdline_domid(S("q\0-xen-domid\0"
                                              "4294967296\0"), &d), -EINVAL);
    assert_int_equal(xen_text_cmdline_domid("", 0, &d), -ENOENT);
    assert_int_equal(d, 4242);
}

static void test_u64(void **state)
{
    uint64_t v = 7;

    (void)state;
    assert_int_equal(xen_text_u64(S("0\n"), &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(xen_text_u64(S("98765"), &v), 0);
    assert_int_equal(v, 98765);
    v = 7;
    assert_int_equal(xen_text_u64(S(""), &v), -EINVAL);
    assert_int_equal(xen_text_u64(S("\n"), &v), -EINVAL);
    assert_int_equal(xen_text_u64(S(" 1\n"), &v), -EINVAL);
    assert_int_equal(xen_text_u64(S("1 \n"), &v), -EINVAL);
    assert_int_equal(xen_text_u64(S("1\n\n"), &v), -EINVAL);
    assert_int_equal(xen_text_u64(S("99999999999999999999\n"), &v), -EINVAL);
    assert_int_equal(v, 7);
}

static void test_backend_name(void **state)
{
    static const struct {
        const char *name, *kind;
        int rc;
        uint32_t domid, dev;
    } t[] = {
        { "vbd-5-51712", "vbd", 0, 5, 51712 },
        { "vbd-0-768", "vbd", 0, 0, 768 },
        { "vif-5-0", "vbd", -EINVAL, 0, 0 },
        { "vif-5-0", "vif", 0, 5, 0 },
        { "vbd-5", "vbd", -EINVAL, 0, 0 },
        { "vbd-5-", "vbd", -EINVAL, 0, 0 },
        { "vbd--1", "vbd", -EINVAL, 0, 0 },
        { "vbd-5-1-2", "vbd", -EINVAL, 0, 0 },
        { "vbd-a-1", "vbd", -EINVAL, 0, 0 },
        { "vbd3-5-1", "vbd", -EINVAL, 0, 0 },
        { "vbd-4294967296-1", "vbd", -EINVAL, 0, 0 },
        { "vbd", "vbd", -EINVAL, 0, 0 },
        { ".", "vbd", -EINVAL, 0, 0 },
    };
    uint32_t domid, dev;
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        domid = dev = 4242;
        assert_int_equal(xen_text_backend_name(t[i].name, t[i].kind, &domid,
                                               &dev), t[i].rc);
        assert_int_equal(domid, t[i].rc ? 4242 : t[i].domid);
        assert_int_equal(dev, t[i].rc ? 4242 : t[i].dev);
    }
}

static void test_vif_name(void **state)
{
    static const struct {
        const char *name;
        int rc;
        uint32_t domid, dev;
        bool emu;
    } t[] = {
        { "vif5.0", 0, 5, 0, false },
        { "vif12.3-emu", 0, 12, 3, true },
        { "vif5.0-emux", -EINVAL, 0, 0, 0 },
        { "vif5-emu", -EINVAL, 0, 0, 0 },
        { "vif5", -EINVAL, 0, 0, 0 },
        { "vif.0", -EINVAL, 0, 0, 0 },
        { "vif5.", -EINVAL, 0, 0, 0 },
        { "vif5.0.1", -EINVAL, 0, 0, 0 },
        { "vifx.0", -EINVAL, 0, 0, 0 },
        { "eth0", -EINVAL, 0, 0, 0 },
        { "lo", -EINVAL, 0, 0, 0 },
        { "xenbr0", -EINVAL, 0, 0, 0 },
        { "vif-emu", -EINVAL, 0, 0, 0 },
    };
    uint32_t domid, dev;
    bool emu;
    unsigned int i;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        domid = dev = 4242;
        emu = false;
        assert_int_equal(xen_text_vif_name(t[i].name, &domid, &dev, &emu),
                         t[i].rc);
        if ( t[i].rc )
        {
            assert_int_equal(domid, 4242);
            continue;
        }
        assert_int_equal(domid, t[i].domid);
        assert_int_equal(dev, t[i].dev);
        assert_int_equal(emu, t[i].emu);
    }
}

/* /proc/net/dev as Linux 6.1 prints it (net/core/net-procfs.c). */
static const char netdev[] =
    "Inter-|   Receive                                                |  "
    "Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|"
    "bytes    packets errs drop fifo colls carrier compressed\n"
    "    lo:    1200      12    0    0    0     0          0         0 "
    "    1200      12    0    0    0     0       0          0\n"
    "vif3.0: 5000 40 0 0 0 0 0 0 7000 50 0 0 0 0 0 0\n"
    "vif3.0-emu:   100 1 0 0 0 0 0 0   200 2 0 0 0 0 0 0\n"
    "vif3.1:12345678901234 3 0 0 0 0 0 0 4 5 0 0 0 0 0 0\n"
    "vif9.0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
    "  eth0: 9 9 0 0 0 0 0 0 9 9 0 0 0 0 0 0\n"
    "vif4.0: 1 2 3\n"
    "vif5.0: 10 1 0 0 0 0 0 0 20 2 0 0 0 0 0 0\n"
    "vif5.1: 99 9 0 0 0 0 0 0 99";     /* cut short: not counted */

static void test_netdev(void **state)
{
    struct xen_netdev nd;
    size_t pos = 0;
    char names[10][32];
    unsigned int n = 0, bad = 0;
    int r;

    (void)state;
    while ( (r = xen_text_netdev_next(netdev, sizeof(netdev) - 1, &pos,
                                      &nd)) )
    {
        if ( r < 0 )
        {
            bad++;
            continue;
        }
        assert_true(n < 10);
        snprintf(names[n], sizeof(names[n]), "%s", nd.name);
        if ( !strcmp(nd.name, "lo") )
        {
            assert_int_equal(nd.rx_bytes, 1200);
            assert_int_equal(nd.tx_pkts, 12);
        }
        if ( !strcmp(nd.name, "vif3.0") )
        {
            assert_int_equal(nd.rx_bytes, 5000);
            assert_int_equal(nd.rx_pkts, 40);
            assert_int_equal(nd.tx_bytes, 7000);
            assert_int_equal(nd.tx_pkts, 50);
        }
        if ( !strcmp(nd.name, "vif3.1") )
            assert_int_equal(nd.rx_bytes, 12345678901234ull);
        n++;
    }
    assert_int_equal(pos, sizeof(netdev) - 1);
    assert_int_equal(n, 7);
    assert_int_equal(bad, 1);       /* vif4.0: 3 numbers */
    assert_string_equal(names[0], "lo");
    assert_string_equal(names[2], "vif3.0-emu");
    assert_string_equal(names[6], "vif5.0");
}

static void test_netdev_damaged(void **state)
{
    static const char *const t[] = {
        "vif1.0 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",        /* no colon */
        ": 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",             /* no name */
        "a b: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",          /* space */
        "vif1.0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0\n",     /* 17 numbers */
        "vif1.0: 1 1 0 0 0 0 0 0 1 -1 0 0 0 0 0 0\n",
        "0123456789abcdef0123456789abcdef: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",
    };
    struct xen_netdev nd;
    unsigned int i;
    size_t pos;

    (void)state;
    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        pos = 0;
        assert_int_equal(xen_text_netdev_next(t[i], strlen(t[i]), &pos, &nd),
                         -EINVAL);
        assert_int_equal(pos, strlen(t[i]));
        assert_int_equal(xen_text_netdev_next(t[i], strlen(t[i]), &pos, &nd),
                         0);
    }
}

/* vif lines go to their guest's sample; dom0's own interfaces do not. */
static void test_netdev_add(void **state)
{
    struct policy_sample s[3];
    struct xen_netdev nd;
    size_t pos = 0;
    unsigned int added = 0;
    int r;

    (void)state;
    memset(s, 0, sizeof(s));
    s[0].domid = 0;
    s[1].domid = 3;
    s[2].domid = 5;
    while ( (r = xen_text_netdev_next(netdev, sizeof(netdev) - 1, &pos,
                                      &nd)) )
        if ( r > 0 )
            added += xen_pv_netdev_add(s, 3, &nd);
    /* vif3.0, vif3.0-emu, vif3.1, vif5.0 (vif9.0: no such domain). */
    assert_int_equal(added, 4);
    assert_int_equal(s[0].c.net_rx_bytes, 0);
    assert_int_equal(s[1].c.net_rx_bytes, 5000 + 100 + 12345678901234ull);
    assert_int_equal(s[1].c.net_rx_pkts, 40 + 1 + 3);
    assert_int_equal(s[1].c.net_tx_bytes, 7000 + 200 + 4);
    assert_int_equal(s[1].c.net_tx_pkts, 50 + 2 + 5);
    assert_int_equal(s[2].c.net_rx_bytes, 10);
    assert_int_equal(s[2].c.net_tx_pkts, 2);
}

/* A counter file for xen_pv_vbd_read: rewritten in place like sysfs. */
static void put(int fd, unsigned long long v)
{
    char buf[32];
    int len = snprintf(buf, sizeof(buf), "%llu\n", v);

    assert_int_equal(ftruncate(fd, 0), 0);
    assert_int_equal(pwrite(fd, buf, len, 0), len);
}

static void test_vbd_read(void **state)
{
    struct xen_vbd v;
    char path[] = "/tmp/test_xen_vbd.XXXXXX";
    unsigned int i;
    int fd;

    (void)state;
    memset(&v, 0, sizeof(v));
    v.settle[0] = v.settle[1] = 1;      /* as a freshly opened disk */
    for ( i = 0; i < XEN_VBD_NSTATS; i++ )
    {
        fd = mkstemp(path);
        assert_true(fd >= 0);
        unlink(path);
        strcpy(path, "/tmp/test_xen_vbd.XXXXXX");
        v.fd[i] = fd;
    }
    put(v.fd[0], 10);
    put(v.fd[1], 0);
    put(v.fd[2], 80);
    put(v.fd[3], 0);
    assert_int_equal(xen_pv_vbd_read(&v), 0);
    assert_int_equal(v.val[0], 10);
    assert_int_equal(v.val[2], 80);
    /* Reads moved: their sectors are read this poll and the next. */
    put(v.fd[0], 12);
    put(v.fd[2], 96);
    assert_int_equal(xen_pv_vbd_read(&v), 0);
    assert_int_equal(v.val[0], 12);
    assert_int_equal(v.val[2], 96);
    put(v.fd[2], 97);               /* blkback's late sector count */
    assert_int_equal(xen_pv_vbd_read(&v), 0);
    assert_int_equal(v.val[2], 97);
    /* Idle now: the sector files are not read (2 calls per disk). */
    put(v.fd[2], 5000);
    put(v.fd[3], 5000);
    assert_int_equal(xen_pv_vbd_read(&v), 0);
    assert_int_equal(v.val[2], 97);
    assert_int_equal(v.val[3], 0);
    /* Writes move: write sectors are read, read sectors still not. */
    put(v.fd[1], 1);
    assert_int_equal(xen_pv_vbd_read(&v), 0);
    assert_int_equal(v.val[1], 1);
    assert_int_equal(v.val[3], 5000);
    assert_int_equal(v.val[2], 97);
    /* Text that is not a counter, and a file that has gone. */
    assert_int_equal(pwrite(v.fd[0], "x\n", 2, 0), 2);
    assert_int_equal(xen_pv_vbd_read(&v), -EPROTO);
    close(v.fd[1]);
    put(v.fd[0], 12);
    assert_int_equal(xen_pv_vbd_read(&v), -EBADF);
    close(v.fd[0]);
    close(v.fd[2]);
    close(v.fd[3]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedstat),
        cmocka_unit_test(test_stat_start),
        cmocka_unit_test(test_cmdline_domid),
        cmocka_unit_test(test_u64),
        cmocka_unit_test(test_backend_name),
        cmocka_unit_test(test_vif_name),
        cmocka_unit_test(test_netdev),
        cmocka_unit_test(test_netdev_damaged),
        cmocka_unit_test(test_netdev_add),
        cmocka_unit_test(test_vbd_read),
    };

    return cmocka_run_group_tests_name("xen_text", tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_xen_dm.c - the xen backend's device-model accounting
 * (daemon/backend/xen/xen_dm.c) on real processes of this machine: a
 * child whose command line says "-xen-domid 7", as qemu-xen's does,
 * stands in for a device model; no Xen is needed for what is checked
 * here (the /proc and clock reads, the check of the command line, what
 * happens when the process goes, and the stub-domain arithmetic).  The
 * real qemu-xen is the system test's (tests/system/scenarios/stock-dm.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "log.h"
#include "xen_dm.h"
#include "xen_dom.h"
#include "xen_text.h"

/* Until the command line of `pid` names a domid (its exec is done). */
static void await_exec(pid_t pid)
{
    char path[64], buf[256];
    unsigned int tries;
    uint32_t d;
    size_t len;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
    for ( tries = 0; tries < 1000; tries++ )
    {
        len = 0;
        if ( (f = fopen(path, "r")) )
        {
            len = fread(buf, 1, sizeof(buf), f);
            fclose(f);
        }
        if ( !xen_text_cmdline_domid(buf, len, &d) )
            return;
        usleep(1000);
    }
    fail_msg("child %d never ran sh", pid);
}

/*
 * A CPU-spinning child whose command line names domid `served`, once it
 * has one (after its exec).  It dies with the test, whatever happens.
 */
static pid_t spinner(const char *served)
{
    pid_t pid = fork();

    assert_true(pid >= 0);
    if ( !pid )
    {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execl("/bin/sh", "sh", "-c", "while :; do :; done", "-xen-domid",
              served, (char *)NULL);
        _exit(127);
    }
    await_exec(pid);
    return pid;
}

static void reap(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* CPU ns the process has used, read apart from the code under test. */
static uint64_t cpu_of(pid_t pid)
{
    clockid_t clk;
    struct timespec ts;

    assert_int_equal(clock_getcpuclockid(pid, &clk), 0);
    assert_int_equal(clock_gettime(clk, &ts), 0);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* Spin until `pid` has used at least `ns` more CPU (at most 10 s). */
static void burn(pid_t pid, uint64_t ns)
{
    uint64_t start = cpu_of(pid), t0 = now_ns();

    while ( cpu_of(pid) - start < ns && now_ns() - t0 < 10000000000ull )
        usleep(10000);
    assert_true(cpu_of(pid) - start >= ns);
}

static void setup_dom(struct backend *b, struct xen_dom *d, uint32_t domid)
{
    memset(b, 0, sizeof(*b));
    b->dm_visible = true;
    b->poll = 5;
    memset(d, 0, sizeof(*d));
    d->domid = domid;
    xen_dm_init(&d->dm);
}

static void test_attach_counts_from_now(void **state)
{
    struct backend b;
    struct xen_dom d;
    struct policy_sample s;
    pid_t child = spinner("7");
    uint64_t t0, cpu0, ns, runs;

    (void)state;
    setup_dom(&b, &d, 7);
    /* It has used 200 ms before it is found: that is not counted. */
    burn(child, 200000000);
    d.dm.xs_pid = child;
    t0 = now_ns();
    cpu0 = cpu_of(child);
    xen_dm_attach(&b, &d);
    assert_int_equal(d.dm.pid, child);
    assert_true(d.dm.fd >= 0);
    assert_int_equal(b.ndm, 1);
    assert_true(d.dm.start > 0);
    memset(&s, 0, sizeof(s));
    xen_dm_sample(&b, &d, &s);
    assert_int_equal(s.dm_pid, child);
    xen_dm_counters(&d.dm, &ns, &runs);
    assert_true(ns < cpu0);
    /* 150 ms more: counted, and no more than the wall time (1 thread). */
    burn(child, 150000000);
    xen_dm_sample(&b, &d, &s);
    xen_dm_counters(&d.dm, &ns, &runs);
    assert_true(ns >= 150000000);
    /* Within 10 ms (clock reads are not atomic with the child's run); the
     * 200 ms it used before it was found would break this. */
    assert_true(ns <= now_ns() - t0 + 10000000);
    assert_true(ns <= cpu_of(child) - cpu0 + 1000000);
    /* Attached again to the same pid: nothing changes. */
    xen_dm_attach(&b, &d);
    assert_int_equal(b.ndm, 1);
    xen_dm_release(&b, &d.dm);
    assert_int_equal(b.ndm, 0);
    assert_int_equal(d.dm.fd, -1);
    reap(child);
}

static void test_refuses_other_domain(void **state)
{
    struct backend b;
    struct xen_dom d;
    pid_t child = spinner("8");

    (void)state;
    setup_dom(&b, &d, 7);
    d.dm.xs_pid = child;
    xen_dm_attach(&b, &d);
    assert_int_equal(d.dm.pid, 0);
    assert_int_equal(d.dm.fd, -1);
    assert_int_equal(d.dm.refused, child);
    assert_int_equal(b.ndm, 0);
    /* This process has no "-xen-domid" at all. */
    d.dm.xs_pid = getpid();
    xen_dm_attach(&b, &d);
    assert_int_equal(d.dm.pid, 0);
    assert_int_equal(d.dm.refused, getpid());
    reap(child);
    /* No such process (the child is gone and reaped). */
    d.dm.xs_pid = child;
    xen_dm_attach(&b, &d);
    assert_int_equal(d.dm.pid, 0);
    assert_int_equal(b.ndm, 0);
}

/*
 * libxl names the device model's pid before QEMU has exec'd: a pid whose
 * command line does not say "-xen-domid" yet is looked at again on later
 * polls (XEN_DM_TRIES), and counted once it does.
 */
static void test_pid_named_before_exec(void **state)
{
    struct backend b;
    struct xen_dom d;
    int go[2];
    char c = 'x';
    pid_t child;
    unsigned int i;

    (void)state;
    assert_int_equal(pipe(go), 0);
    child = fork();
    assert_true(child >= 0);
    if ( !child )
    {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(go[1]);
        if ( read(go[0], &c, 1) != 1 )
            _exit(1);
        execl("/bin/sh", "sh", "-c", "while :; do :; done", "-xen-domid",
              "7", (char *)NULL);
        _exit(127);
    }
    close(go[0]);
    setup_dom(&b, &d, 7);
    d.dm.xs_pid = child;
    /* Before its exec: this test's command line. */
    xen_dm_attach(&b, &d);
    assert_int_equal(d.dm.pid, 0);
    assert_int_equal(d.dm.refused, child);
    assert_int_equal(d.dm.refusals, 1);
    assert_int_equal(b.ndm, 0);
    assert_int_equal(write(go[1], &c, 1), 1);
    close(go[1]);
    await_exec(child);
    /* The next poll finds QEMU's command line: counted. */
    xen_dm_attach(&b, &d);
    assert_int_equal(d.dm.pid, child);
    assert_int_equal(d.dm.refused, 0);
    assert_int_equal(b.ndm, 1);
    xen_dm_release(&b, &d.dm);
    reap(child);

    /* A pid that never becomes QEMU is refused after XEN_DM_TRIES polls. */
    setup_dom(&b, &d, 7);
    d.dm.xs_pid = getpid();
    for ( i = 0; i < XEN_DM_TRIES + 3; i++ )
        xen_dm_attach(&b, &d);
    assert_int_equal(d.dm.pid, 0);
    assert_int_equal(d.dm.refused, getpid());
    assert_int_equal(d.dm.refusals, XEN_DM_TRIES);
}

static void test_gone_keeps_counts(void **state)
{
    struct backend b;
    struct xen_dom d;
    struct policy_sample s;
    pid_t child = spinner("7"), second;
    uint64_t ns, runs, ns2, runs2;

    (void)state;
    setup_dom(&b, &d, 7);
    d.dm.xs_pid = child;
    xen_dm_attach(&b, &d);
    assert_int_equal(d.dm.pid, child);
    burn(child, 100000000);
    xen_dm_sample(&b, &d, &s);
    xen_dm_counters(&d.dm, &ns, &runs);
    assert_true(ns >= 100000000);
    reap(child);
    /* Its file is bound to it: the read fails, it is let go. */
    memset(&s, 0, sizeof(s));
    xen_dm_sample(&b, &d, &s);
    assert_int_equal(d.dm.pid, 0);
    assert_int_equal(d.dm.fd, -1);
    assert_int_equal(s.dm_pid, 0);
    assert_int_equal(b.ndm, 0);
    assert_int_equal(d.xs_due, b.poll + 1);
    xen_dm_counters(&d.dm, &ns2, &runs2);
    assert_int_equal(ns2, ns);
    assert_int_equal(runs2, runs);
    /* A new device model adds to what the old one did. */
    second = spinner("7");
    d.dm.xs_pid = second;
    xen_dm_attach(&b, &d);
    assert_int_equal(d.dm.pid, second);
    burn(second, 50000000);
    xen_dm_sample(&b, &d, &s);
    xen_dm_counters(&d.dm, &ns2, &runs2);
    assert_true(ns2 >= ns + 50000000);
    assert_true(runs2 >= runs);
    xen_dm_release(&b, &d.dm);
    reap(second);
}

/* The run count is the main thread's schedstat, as the kernel says. */
static void test_runs_are_schedstat(void **state)
{
    struct backend b;
    struct xen_dom d;
    struct policy_sample s;
    pid_t child = spinner("7");
    uint64_t ns, runs, r0, r1, w;
    char path[64], buf[128];
    FILE *f;
    size_t len;

    (void)state;
    setup_dom(&b, &d, 7);
    d.dm.xs_pid = child;
    xen_dm_attach(&b, &d);
    burn(child, 50000000);
    kill(child, SIGSTOP);       /* no more runs while we compare */
    usleep(20000);
    xen_dm_sample(&b, &d, &s);
    xen_dm_counters(&d.dm, &ns, &runs);
    snprintf(path, sizeof(path), "/proc/%d/schedstat", child);
    f = fopen(path, "r");
    assert_non_null(f);
    len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    assert_int_equal(xen_text_schedstat(buf, len, &r0, &w, &r1), 0);
    assert_int_equal(runs, r1 - d.dm.origin_runs);
    assert_true(runs > 0);
    xen_dm_release(&b, &d.dm);
    kill(child, SIGCONT);
    reap(child);
}

static void test_stub_cpu(void **state)
{
    struct xen_dom dom[3];
    struct policy_sample s[3];
    unsigned int i;

    (void)state;
    memset(dom, 0, sizeof(dom));
    memset(s, 0, sizeof(s));
    for ( i = 0; i < 3; i++ )
    {
        xen_dm_init(&dom[i].dm);
        s[i].domid = i * 2;     /* 0 dom0, 2 guest, 4 its stub */
        s[i].stub_of = -1;
    }
    s[2].stub_of = 2;
    s[2].c.cpu_ns = 5000;       /* before it was linked: not counted */
    xen_dom_stub_cpu(dom, s, 3);
    assert_int_equal(s[1].c.dm_cpu_ns, 0);
    s[2].c.cpu_ns = 8000;
    xen_dom_stub_cpu(dom, s, 3);
    assert_int_equal(s[1].c.dm_cpu_ns, 3000);
    assert_int_equal(s[1].c.dm_runs, 0);
    assert_int_equal(s[0].c.dm_cpu_ns, 0);
    assert_int_equal(s[2].c.dm_cpu_ns, 0);
    /* The stub goes: what it did stays the guest's. */
    s[2].stub_of = -1;
    s[2].c.cpu_ns = 9000;
    xen_dom_stub_cpu(dom, s, 3);
    assert_int_equal(s[1].c.dm_cpu_ns, 3000);
    /* A new stub (its CPU starts at 100): counted on top, from now. */
    s[2].stub_of = 2;
    s[2].c.cpu_ns = 100;
    xen_dom_stub_cpu(dom, s, 3);
    assert_int_equal(s[1].c.dm_cpu_ns, 3000);
    s[2].c.cpu_ns = 600;
    xen_dom_stub_cpu(dom, s, 3);
    assert_int_equal(s[1].c.dm_cpu_ns, 3500);
    /* Its CPU going back means another domain: never a decrease. */
    s[2].c.cpu_ns = 50;
    xen_dom_stub_cpu(dom, s, 3);
    assert_int_equal(s[1].c.dm_cpu_ns, 3500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attach_counts_from_now),
        cmocka_unit_test(test_refuses_other_domain),
        cmocka_unit_test(test_pid_named_before_exec),
        cmocka_unit_test(test_gone_keeps_counts),
        cmocka_unit_test(test_runs_are_schedstat),
        cmocka_unit_test(test_stub_cpu),
    };

    log_init(true, LOG_WARNING);
    return cmocka_run_group_tests_name("xen_dm", tests, NULL, NULL);
}

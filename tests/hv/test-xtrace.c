/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test-xtrace: xtrace_count() on trace streams laid out as xentrace
 * writes them (per-pCPU windows, t_rec records with and without TSC,
 * runstate changes as Xen's trace_runstate_change() writes them), and
 * on damaged ones.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xtrace.h"

static unsigned int passed, failed;

#define CHECK_EQ(a, b) do {                                             \
    unsigned long long a_ = (a), b_ = (b);                              \
    if ( a_ == b_ )                                                     \
        passed++;                                                       \
    else                                                                \
    {                                                                   \
        failed++;                                                       \
        printf("FAIL %s:%d: %s == %s (%llu != %llu)\n", __FILE__,       \
               __LINE__, #a, #b, a_, b_);                               \
    }                                                                   \
} while ( 0 )

static uint8_t buf[4096];
static size_t len, win;         /* win: offset of the open window's count */
static size_t last_window;      /* offset of good_stream()'s last window */

static void put(uint32_t w)
{
    memcpy(buf + len, &w, 4);   /* x86: little-endian, as Xen writes */
    len += 4;
}

/* A record: event, TSC or not, n extra words. */
static void rec(uint32_t event, int tsc, unsigned int n, const uint32_t *x)
{
    unsigned int i;

    put(event | n << 28 | (tsc ? 1u << 31 : 0));
    if ( tsc )
    {
        put(0x12345678);
        put(0x9);
    }
    for ( i = 0; i < n; i++ )
        put(x[i]);
}

static void window_end(void)
{
    uint32_t n = len - win - 4;

    memcpy(buf + win, &n, 4);
}

static void window(unsigned int cpu)
{
    uint32_t x[2] = { cpu, 0 };

    if ( win )
        window_end();
    rec(0x0001f003, 0, 2, x);
    win = len - 4;
}

/*
 * TRC_SCHED_RUNSTATE_CHANGE | old << 8 | new << 4, one word vCPU |
 * domid << 16 (Xen 4.17 and 4.20 common/sched/core.c).  States:
 * running 0, runnable 1, blocked 2, offline 3.
 */
static void runstate(uint32_t domid, uint32_t vcpu, unsigned int old,
                     unsigned int new)
{
    uint32_t x[1] = { vcpu | domid << 16 };

    rec(0x00021001 | old << 8 | new << 4, 1, 1, x);
}

static void running(uint32_t domid, uint32_t vcpu)
{
    runstate(domid, vcpu, 1, 0);        /* runnable -> running */
}

static void blocks(uint32_t domid)
{
    /* running -> blocked: not a switch to this domain. */
    runstate(domid, 0, 0, 2);
}

static void io(uint32_t event)
{
    uint32_t x[4] = { 0x511, 0, 0xff, 0 };

    rec(event, 0, (event & 0x100) ? 4 : 2, x);
}

static void good_stream(void)
{
    struct xtrace_counts c;
    const struct xtrace_dom *d;
    uint32_t lost[3] = { 5, 0, 0 };
    size_t where;
    int i;

    len = win = 0;
    window(0);
    running(1, 0);
    for ( i = 0; i < 3; i++ )
        io(0x00082216);                 /* IOPORT_WRITE */
    io(0x00082016);                     /* IOPORT_READ */
    io(0x00082217 | 0x100);             /* IOMEM_WRITE, 64-bit address */
    blocks(1);                          /* still d1's pCPU until a switch */
    io(0x00082017);                     /* IOMEM_READ */
    rec(0x00081003, 1, 3, lost);        /* a VMEXIT: not I/O */
    window(1);
    io(0x00082016);                     /* before any switch: unattributed */
    running(2, 1);
    io(0x00082017);
    rec(0x0001f001, 1, 3, lost);        /* LOST_RECORDS */
    last_window = len;
    window(0);
    io(0x00082216);                     /* d1 again: the pCPU remembers */
    running(0x7fff, 0);                 /* idle */
    window_end();

    CHECK_EQ(xtrace_count(buf, len, &c, &where), 0);
    CHECK_EQ(where, len);
    CHECK_EQ(c.ndoms, 2);
    CHECK_EQ(c.lost, 1);
    CHECK_EQ(c.unattributed, 1);
    CHECK_EQ(c.overflow, 0);
    CHECK_EQ(c.records, 18);
    d = xtrace_dom(&c, 1);
    CHECK_EQ(!!d, 1);
    if ( d )
    {
        CHECK_EQ(d->io[XTRACE_PIO_WRITE], 4);
        CHECK_EQ(d->io[XTRACE_PIO_READ], 1);
        CHECK_EQ(d->io[XTRACE_MMIO_WRITE], 1);
        CHECK_EQ(d->io[XTRACE_MMIO_READ], 1);
    }
    d = xtrace_dom(&c, 2);
    CHECK_EQ(!!d, 1);
    if ( d )
    {
        CHECK_EQ(d->io[XTRACE_PIO_READ], 0);
        CHECK_EQ(d->io[XTRACE_MMIO_READ], 1);
    }
    CHECK_EQ(!!xtrace_dom(&c, 0x7fff), 0);
    CHECK_EQ(c.cur[0], 0x7fff);
    CHECK_EQ(c.cur[1], 2);
}

static void bad_streams(void)
{
    struct xtrace_counts c;
    size_t where, full;
    uint32_t x[2];

    good_stream();
    full = len;
    /* Cut in the middle of a record. */
    CHECK_EQ(xtrace_count(buf, full - 2, &c, &where), -EINVAL);
    /* A window that claims more than there is. */
    CHECK_EQ(xtrace_count(buf, full - 4, &c, &where), -EINVAL);
    CHECK_EQ(where, last_window);
    /* A record before any window. */
    len = win = 0;
    io(0x00082016);
    CHECK_EQ(xtrace_count(buf, len, &c, &where), -EINVAL);
    /* A pCPU out of range. */
    len = win = 0;
    x[0] = XTRACE_MAX_CPUS;
    x[1] = 0;
    rec(0x0001f003, 0, 2, x);
    CHECK_EQ(xtrace_count(buf, len, &c, &where), -EINVAL);
    /* A record that runs past its window. */
    len = win = 0;
    window(0);
    io(0x00082016);
    window_end();
    x[0] = 4;                           /* window of 4 bytes, record of 12 */
    memcpy(buf + win, x, 4);
    CHECK_EQ(xtrace_count(buf, len, &c, &where), -EINVAL);
    CHECK_EQ(where, 12);
    /* Empty input: nothing, no error. */
    CHECK_EQ(xtrace_count(buf, 0, &c, &where), 0);
    CHECK_EQ(c.records, 0);
}

int main(void)
{
    good_stream();
    bad_streams();
    printf("test-xtrace: %u passed, %u failed\n", passed, failed);
    return failed != 0;
}

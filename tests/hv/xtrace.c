/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xtrace.c - count xentrace's emulated-I/O records per domain (xtrace.h).
 * Pure: reads a buffer, no I/O; the fuzz target tests/fuzz/fuzz_xtrace.c
 * feeds it anything.  Event numbers and layouts: Xen's public/trace.h
 * and common/trace.c, the same on 4.17 and 4.20.
 */
#include <errno.h>
#include <string.h>

#include "xtrace.h"

#define TRC_LOST_RECORDS            0x0001f001u
#define TRC_TRACE_CPU_CHANGE        0x0001f003u
#define TRC_SCHED_RUNSTATE_CHANGE   0x00021001u
#define TRC_HVM_IOPORT_READ         0x00082016u
#define TRC_HVM_IOMEM_READ          0x00082017u
#define TRC_HVM_IOPORT_WRITE        0x00082216u
#define TRC_HVM_IOMEM_WRITE         0x00082217u
#define TRC_64_FLAG                 0x100u
/* trace_runstate_change(): old state << 8 | new state << 4 in the event. */
#define TRC_RUNSTATE_STATES         0x330u
#define TRC_RUNSTATE_NEW(ev)        (((ev) >> 4) & 3)
#define RUNSTATE_running            0

static uint32_t xtrace_word(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int xtrace_kind(uint32_t event)
{
    switch ( event & ~TRC_64_FLAG )
    {
    case TRC_HVM_IOPORT_READ:   return XTRACE_PIO_READ;
    case TRC_HVM_IOPORT_WRITE:  return XTRACE_PIO_WRITE;
    case TRC_HVM_IOMEM_READ:    return XTRACE_MMIO_READ;
    case TRC_HVM_IOMEM_WRITE:   return XTRACE_MMIO_WRITE;
    }
    return -1;
}

const struct xtrace_dom *xtrace_dom(const struct xtrace_counts *c,
                                    uint32_t domid)
{
    unsigned int i;

    for ( i = 0; i < c->ndoms; i++ )
        if ( c->dom[i].domid == domid )
            return &c->dom[i];
    return NULL;
}

static void xtrace_add(struct xtrace_counts *c, int32_t domid, int kind)
{
    struct xtrace_dom *d = NULL;
    unsigned int i;

    if ( domid < 0 )
    {
        c->unattributed++;
        return;
    }
    for ( i = 0; i < c->ndoms && !d; i++ )
        if ( c->dom[i].domid == (uint32_t)domid )
            d = &c->dom[i];
    if ( !d )
    {
        if ( c->ndoms == XTRACE_MAX_DOMS )
        {
            c->overflow++;
            return;
        }
        d = &c->dom[c->ndoms++];
        d->domid = domid;
    }
    d->io[kind]++;
}

int xtrace_count(const uint8_t *buf, size_t len, struct xtrace_counts *c,
                 size_t *where)
{
    size_t pos = 0, end = 0;        /* the current window: [.., end) */
    int cpu = -1, kind;
    unsigned int i;

    memset(c, 0, sizeof(*c));
    for ( i = 0; i < XTRACE_MAX_CPUS; i++ )
        c->cur[i] = -1;
    while ( pos < len )
    {
        uint32_t hdr, event, w[7] = { 0 };
        unsigned int nextra;
        size_t size;

        *where = pos;
        if ( len - pos < 4 )
            return -EINVAL;
        hdr = xtrace_word(buf + pos);
        event = hdr & 0x0fffffffu;
        nextra = (hdr >> 28) & 7;
        size = 4 + (hdr >> 31 ? 8 : 0) + 4 * nextra;
        if ( len - pos < size )
            return -EINVAL;
        for ( i = 0; i < nextra; i++ )
            w[i] = xtrace_word(buf + pos + size - 4 * (nextra - i));
        c->records++;
        if ( event == TRC_TRACE_CPU_CHANGE && pos >= end )
        {
            /* A new window: records of pCPU w[0] for w[1] bytes. */
            if ( nextra < 2 || (w[0] & 0xffff) >= XTRACE_MAX_CPUS ||
                 w[1] > len - pos - size )
                return -EINVAL;
            cpu = w[0] & 0xffff;
            pos += size;
            end = pos + w[1];
            continue;
        }
        if ( cpu < 0 || pos + size > end )
            return -EINVAL;
        pos += size;
        if ( event == TRC_LOST_RECORDS )
            c->lost++;
        else if ( (event & ~TRC_RUNSTATE_STATES) ==
                  TRC_SCHED_RUNSTATE_CHANGE )
        {
            if ( nextra >= 1 && TRC_RUNSTATE_NEW(event) == RUNSTATE_running )
                c->cur[cpu] = w[0] >> 16;
        }
        else if ( (kind = xtrace_kind(event)) >= 0 )
            xtrace_add(c, c->cur[cpu], kind);
    }
    *where = pos;
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xtrace.h - count Xen's own emulated-I/O trace records per domain in a
 * file written by Debian's `xentrace`, to cross-check the hv-patch
 * counters against them (tests/system scenario xentrace, bench/xen).
 *
 * The file is what xentrace writes (tools/xentrace/xentrace.c): for each
 * window of one pCPU's trace buffer, a TRC_TRACE_CPU_CHANGE record (two
 * extra words: the pCPU in the low 16 bits, the byte count of the
 * window) followed by that many bytes of struct t_rec records
 * (public/trace.h): a header word (event in bits 0-27, number of extra
 * words in 28-30, bit 31 set when a 64-bit TSC follows), the TSC, the
 * extra words.
 *
 * I/O records carry no domain: Xen writes them on the pCPU that runs the
 * vCPU.  Each pCPU's current domain is taken from the scheduler's
 * TRC_SCHED_RUNSTATE_CHANGE records that switch a vCPU to running on
 * that pCPU: Xen (common/sched/core.c trace_runstate_change(), 4.17 and
 * 4.20 alike) puts the old state in bits 8-9 and the new state in bits
 * 4-5 of the event number itself, and one extra word, vCPU | domid << 16; so the trace must include the TRC_SCHED
 * class (xentrace -e 0x000af000: HVM and scheduler) and start before the
 * domains of interest run.  A record on a pCPU whose current domain is
 * not known yet counts as "unattributed".
 */
#ifndef COOPVMM_XTRACE_H
#define COOPVMM_XTRACE_H

#include <stddef.h>
#include <stdint.h>

#define XTRACE_MAX_DOMS     64      /* distinct domids counted */
#define XTRACE_MAX_CPUS     256

/* Emulated I/O kinds, in the order of struct xen_coop_ioreq_dom. */
enum { XTRACE_PIO_READ, XTRACE_PIO_WRITE, XTRACE_MMIO_READ,
       XTRACE_MMIO_WRITE, XTRACE_NR_KINDS };

struct xtrace_dom {
    uint32_t domid;
    uint64_t io[XTRACE_NR_KINDS];
};

struct xtrace_counts {
    struct xtrace_dom dom[XTRACE_MAX_DOMS];
    unsigned int ndoms;
    uint64_t records;               /* every record read */
    uint64_t lost;                  /* TRC_LOST_RECORDS records */
    uint64_t unattributed;          /* I/O records, domain not known */
    uint64_t overflow;              /* I/O records of a domid past MAX_DOMS */
    int32_t cur[XTRACE_MAX_CPUS];   /* domid running on each pCPU, or -1 */
};

/*
 * Count the records of buf[0..len) into *c (zeroed and set up first).
 * Returns 0, or -EINVAL when the data is not xentrace output (a record
 * that runs past its window or the end, a window past the end, a pCPU
 * past XTRACE_MAX_CPUS, a record outside any window); *where is then the
 * offset of the bad record.
 */
int xtrace_count(const uint8_t *buf, size_t len, struct xtrace_counts *c,
                 size_t *where);

/* The counts of domid, or NULL if it has no I/O record. */
const struct xtrace_dom *xtrace_dom(const struct xtrace_counts *c,
                                    uint32_t domid);

#endif /* COOPVMM_XTRACE_H */

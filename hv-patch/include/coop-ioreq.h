/* SPDX-License-Identifier: MIT */
/*
 * coop-ioreq.h: per-domain emulated I/O request counters and trace.
 *
 * The one ABI shared by the coopvmm hypervisor patch (installed as
 * xen/include/public/coop-ioreq.h) and the dom0 reader
 * (daemon/backend/xen/ioreq.c).
 * Only data layout and constants live here: no code.
 *
 * Everything is issued through XEN_SYSCTL_coop_ioreq, a sysctl command
 * number far outside upstream's range, so the sysctl interface version is
 * unchanged and an unmodified libxenctrl can carry it via xc_sysctl().  A
 * hypervisor without the patch fails the call with -ENOSYS.
 *
 * Include <xen/xen.h> (tools: <xenctrl.h>) before this file.
 */

#ifndef __XEN_PUBLIC_COOP_IOREQ_H__
#define __XEN_PUBLIC_COOP_IOREQ_H__

#if defined(__XEN__) || defined(__XEN_TOOLS__)

/* The sysctl command ("coop"); struct xen_sysctl_coop_ioreq is its payload. */
#define XEN_SYSCTL_coop_ioreq               0x636f6f70

/*
 * Version of this ABI, reported in every record and in the op.
 * 1: counters, trace.  2: runstate sums in xen_coop_ioreq_dom.
 */
#define XEN_COOP_IOREQ_VERSION              2

/* Sub-operations (xen_sysctl_coop_ioreq.op). */
#define XEN_COOP_IOREQ_OP_counters          1 /* counters of all domains   */
#define XEN_COOP_IOREQ_OP_trace_enable      2 /* allocate/reset the rings  */
#define XEN_COOP_IOREQ_OP_trace_disable     3 /* free the rings            */
#define XEN_COOP_IOREQ_OP_trace_read        4 /* drain, oldest first       */

/* Where a request went (counters and xen_coop_ioreq_trace_rec.dest). */
#define XEN_COOP_IOREQ_DEST_XEN             0 /* handled inside Xen        */
#define XEN_COOP_IOREQ_DEST_DM              1 /* sent to a device model    */
#define XEN_COOP_IOREQ_DEST_BUFFERED        2 /* buffered to a device model*/
#define XEN_COOP_IOREQ_DEST_NONE            3 /* claimed by no one         */
#define XEN_COOP_IOREQ_NR_DESTS             4

/* Largest ring trace_enable accepts, in entries per vCPU (768 KiB). */
#define XEN_COOP_IOREQ_MAX_RING             16384
/* Most records one trace_read moves; drain by calling until it gives 0. */
#define XEN_COOP_IOREQ_MAX_READ             4096

/*
 * One domain's counters, all cumulative since the domain was created.
 * "Requests" are new requests entering hvmemul_do_io(): a device model's
 * completion of an earlier request is not a new request.  Every counted
 * request has exactly one destination, so
 *   pio_read + pio_write + mmio_read + mmio_write
 *     == xen + dm + buffered + none.
 *
 * Version 2 appends, for every domain (PV and dom0 too), the sums over
 * its vCPUs of the time spent in each runstate (struct
 * vcpu_runstate_info.time[RUNSTATE_*], in ns of Xen system time,
 * including the time spent so far in the current state, as
 * vcpu_runstate_get() reads it), and the number of online vCPUs.  The
 * four sums together grow by the number of existing vCPUs times the
 * elapsed time, so a reader can take its time base from them.
 *
 * To let the ABI grow, the caller passes the stride of its records in
 * xen_sysctl_coop_ioreq.rec_size; Xen fills min(rec_size, its own record
 * size) bytes of each record and states that amount in .size.  New fields
 * are only ever appended: a field is present if .size covers it.
 */
struct xen_coop_ioreq_dom {
    uint16_t size;              /* bytes of this record Xen filled in */
    uint16_t version;           /* XEN_COOP_IOREQ_VERSION of Xen */
    domid_t  domid;
    uint16_t flags;             /* XEN_COOP_IOREQ_DOM_F_* */
    uint32_t nr_vcpus;          /* vCPUs the domain was created with */
    uint32_t pad;
    uint64_aligned_t pio_read;  /* requests, by kind */
    uint64_aligned_t pio_write;
    uint64_aligned_t mmio_read;
    uint64_aligned_t mmio_write;
    uint64_aligned_t reps;      /* sum of the requests' repeat counts */
    uint64_aligned_t bytes;     /* sum of size * count */
    uint64_aligned_t xen;       /* requests, by destination (..._DEST_*) */
    uint64_aligned_t dm;
    uint64_aligned_t buffered;
    uint64_aligned_t none;
    /* Version 2: present if .size >= XEN_COOP_IOREQ_DOM_SIZE_V2. */
    uint64_aligned_t running;   /* ns, sum of the vCPUs' runstate times */
    uint64_aligned_t runnable;  /* ns, ready to run but not running */
    uint64_aligned_t blocked;   /* ns, waiting for an event (idle) */
    uint64_aligned_t offline;   /* ns, neither of those (down, paused) */
    uint32_t nr_online_vcpus;   /* vCPUs not down (as getdomaininfo) */
    uint32_t pad2;
};
#define XEN_COOP_IOREQ_DOM_F_HVM            (1u << 0)
#define XEN_COOP_IOREQ_DOM_F_TRACING        (1u << 1)
/* Smallest rec_size a caller may pass for XEN_COOP_IOREQ_OP_counters. */
#define XEN_COOP_IOREQ_DOM_SIZE_V1          96
/* Size of a version 2 record: the runstate fields are present. */
#define XEN_COOP_IOREQ_DOM_SIZE_V2          136

/* One traced request. */
struct xen_coop_ioreq_trace_rec {
    uint64_aligned_t ts;        /* NOW() at the request, ns since boot */
    uint64_aligned_t addr;      /* port, or guest physical address */
    uint64_aligned_t data;      /* see XEN_COOP_IOREQ_TR_F_DATA* */
    uint64_aligned_t rip;       /* guest instruction pointer */
    uint32_t count;             /* repeat count */
    uint16_t vcpu;
    uint8_t  size;              /* bytes per repetition */
    uint8_t  flags;             /* XEN_COOP_IOREQ_TR_F_* */
    uint8_t  dest;              /* XEN_COOP_IOREQ_DEST_* */
    uint8_t  pad[7];
};
#define XEN_COOP_IOREQ_TR_F_MMIO            (1u << 0) /* else port I/O */
#define XEN_COOP_IOREQ_TR_F_WRITE           (1u << 1) /* else read */
#define XEN_COOP_IOREQ_TR_F_DATA            (1u << 2) /* data is the value */
#define XEN_COOP_IOREQ_TR_F_DATA_IS_PTR     (1u << 3) /* data is a gpa */
/* A PCI config data access (port 0xcfc-0xcff) routed to a device model:
 * addr is then (SBDF << 32) | register, as the device model sees it. */
#define XEN_COOP_IOREQ_TR_F_PCI_CONFIG      (1u << 4)
#define XEN_COOP_IOREQ_TRACE_SIZE_V1        48

/*
 * XEN_SYSCTL_coop_ioreq payload; it lives in xen_sysctl.u (the 128-byte
 * union), which it must fit.
 *
 * counters:      IN domid (first domain), max_recs, rec_size, buffer;
 *                OUT num_recs: one record per domain with domid >= the
 *                first, ascending, at most max_recs, those XSM lets the
 *                caller see (as XEN_SYSCTL_getdomaininfolist).
 * trace_enable:  IN domid, max_recs (ring entries per vCPU, rounded up to
 *                a power of two, at most XEN_COOP_IOREQ_MAX_RING).  An HVM
 *                domain other than the caller's only.  Enabling again
 *                replaces the rings: records and overruns start afresh.
 * trace_disable: IN domid.  Frees the rings; not tracing is not an error.
 * trace_read:    IN domid, max_recs, rec_size, buffer; OUT num_recs,
 *                overruns.  Moves up to max_recs (at most
 *                XEN_COOP_IOREQ_MAX_READ) of the oldest records (all
 *                vCPUs merged by timestamp) to buffer.  overruns is
 *                the number of requests dropped because a ring was full,
 *                since trace_enable.  -ENODATA if tracing is off.
 * Every op: OUT version (XEN_COOP_IOREQ_VERSION of Xen); rec_size
 * becomes the bytes filled per record.
 */
struct xen_sysctl_coop_ioreq {
    uint32_t op;                /* IN: XEN_COOP_IOREQ_OP_* */
    uint32_t version;           /* OUT */
    uint32_t domid;             /* IN */
    uint32_t max_recs;          /* IN */
    uint32_t rec_size;          /* IN/OUT */
    uint32_t num_recs;          /* OUT */
    uint64_aligned_t overruns;  /* OUT */
    XEN_GUEST_HANDLE_64(uint8) buffer; /* IN: records, rec_size apart */
};

#endif /* __XEN__ || __XEN_TOOLS__ */

#endif /* __XEN_PUBLIC_COOP_IOREQ_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */

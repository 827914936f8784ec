/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_types.h - the xen backend's state, shared by its files: the handles
 * of the Xen libraries, the cache of what is known of each domain and
 * cpupool between polls, and the state of each signal.
 *
 * Types and constants only.  Each file of the backend owns its fields:
 * xen_dom.c the domain arrays, xen_sched.c the cpupools and the cached
 * weights, caps and affinities, xen_xs.c the xenstore handle, names and
 * device-model pids, xen_dm.c the device models' processes, xen_pv.c the
 * PV counters' files, xen_ioreq.c and xen_trace.c the hv-patch sysctl;
 * xen.c opens, closes and runs a sample through them.
 */
#ifndef COOPVMM_XEN_TYPES_H
#define COOPVMM_XEN_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <time.h>
#include <xenctrl.h>
#include <xenstore.h>

#include "coop-ioreq.h"
#include "ioreq.h"
#include "policy.h"

#define XEN_MIN_DOMAINS     8
#define XEN_MAX_DOMAINS     DOMID_FIRST_RESERVED    /* every domid */

/*
 * Weights and caps are per-domain hypercalls (there is no "all domains"
 * form), so they are cached: read when a domain is first seen (or its
 * domid gets a new UUID, or it moves to a pool with another scheduler),
 * after each of our own sets, and otherwise every XEN_SCHED_REFRESH polls
 * per domain, staggered by domid so the reads are spread evenly over the
 * polls instead of bursting.  An administrator's `xl sched-credit -w` is
 * therefore seen within XEN_SCHED_REFRESH polls, at a cost of
 * n/XEN_SCHED_REFRESH hypercalls per poll.  Churn (@introduceDomain,
 * @releaseDomain) does not force a re-read: it never changes the weight
 * of a domain we already know, new ones are read at first sight, and a
 * create/destroy storm would otherwise cost a hypercall per domain per
 * poll.  vCPU hard affinities (one hypercall per vCPU; `xl vcpu-pin`
 * changes them) are read at first sight and in the sweep below, all at
 * once: n*vcpus hypercalls every XEN_XS_SWEEP_NS, none in between.
 * Pools (a handful, each a hypercall plus an allocation in libxenctrl,
 * and one more for the scheduler's parameters) are re-read every
 * XEN_CPUPOOL_REFRESH polls, on churn and when a domain names a pool we
 * do not know.
 *
 * xenstore (names, stub domains, device-model pids) is read at a
 * domain's first sight, again while what a domain should have is still
 * missing (a name not yet written, an HVM guest's device-model pid, which
 * the toolstack writes after the domain appears), on churn for such
 * domains only, and for every domain once every XEN_XS_SWEEP_NS (xl
 * rename, a lost connection): no xenstore request in the steady state.
 * The sweep goes by time, not polls, so that a short interval does not
 * make it frequent.
 */
#define XEN_SCHED_REFRESH       10
#define XEN_CPUPOOL_REFRESH     60
#define XEN_XS_SWEEP_NS         (300 * 1000000000ull)   /* 5 minutes */
/*
 * Polls in a row that a device-model pid is checked before it is refused:
 * libxl writes image/device-model-pid between its fork and QEMU's exec, so
 * the first look can find the toolstack's own command line (seen on a
 * guest's reboot under QEMU TCG).
 */
#define XEN_DM_TRIES            10

/*
 * The device model of a domain: its QEMU process in dom0, found through
 * xenstore and checked (xen_dm.c).  Its counters are reported from when
 * it was found (origin), on top of what earlier device models of the same
 * domain and its stub domain did (carry), so that the domain's counters
 * only grow.
 */
struct xen_dm {
    int32_t xs_pid;             /* image/device-model-pid, or 0 */
    int32_t pid;                /* the process counted, or 0 */
    int32_t refused;            /* a pid found not to serve it (said once) */
    uint32_t refusals;          /* polls that found it so, up to XEN_DM_TRIES */
    int fd;                     /* its /proc/PID/schedstat, or -1 */
    clockid_t clk;              /* its CPU clock, all threads */
    uint64_t start;             /* its start time, clock ticks after boot */
    uint64_t origin_ns, origin_runs;    /* its counters when found */
    uint64_t ns, runs;          /* since then, as of the last poll */
    int32_t stub;               /* the stub domain counted, or -1 */
    uint64_t stub_origin, stub_ns;      /* its CPU when linked, and since */
    uint64_t carry_ns, carry_runs;      /* earlier device models' */
};

/* What we remember of a domain between polls, sorted by domid. */
struct xen_dom {
    uint32_t domid;
    uint8_t uuid[16];
    char name[POLICY_NAME_MAX];
    int32_t dm_domid;           /* its device-model stub domain, or -1 */
    int32_t target;             /* the guest it is a stub domain of, or -1 */
    uint64_t xs_due;            /* poll to (re)read xenstore; 0: now */
    unsigned int xs_fails;      /* reads that found something missing */
    uint64_t sched_poll;        /* last read of weight/cap; 0: never */
    bool sched_ok;              /* that read worked */
    bool sched_dirty;           /* we set them since: read again */
    bool sched_unrun;           /* read before it ever ran: read again */
    bool sched_einval;          /* a read said EINVAL: pools re-read once */
    enum policy_sched sched;    /* the scheduler they were read from */
    uint32_t weight, cap;
    uint64_t affinity_poll;     /* last read of the vCPUs' affinity; 0: due */
    uint32_t affinity_cpus;     /* pCPUs of its pool they allow; 0: unknown */
    uint32_t affinity_pool;     /* the pool they were counted in */
    struct xen_dm dm;
};

struct xen_cpupool {
    uint32_t id, sched_id, ncpus;
    uint8_t *cpumap;            /* cpumap_bytes */
    int32_t tslice_ms;          /* credit's time slice; -1: none/unknown */
    int32_t ratelimit_us;       /* credit/credit2 rate limit; -1: ditto */
    bool warned;                /* "scheduler not managed" said once */
};

/*
 * A PV block backend's counters in sysfs, kept open (xen_pv.c), and
 * their last values: a direction's sectors are read only when its
 * requests moved, in that poll and the next (blkback counts the request
 * before its sectors).
 */
#define XEN_VBD_NSTATS      4   /* rd_req wr_req rd_sect wr_sect */
struct xen_vbd {
    uint32_t domid, dev;
    int fd[XEN_VBD_NSTATS];
    uint64_t val[XEN_VBD_NSTATS];
    uint8_t settle[2];          /* polls to read rd_sect, wr_sect again */
};

enum xen_ioreq_state { IOREQ_OK, IOREQ_MISSING, IOREQ_FAILING };

struct backend {
    xentoollog_logger xtl;      /* libxenctrl's messages into our log */
    xc_interface *xch;
    struct xs_handle *xsh;
    uint64_t xs_retry;          /* poll to retry xs_open */
    bool xs_lost_logged;
    bool xs_socket;             /* xenstored runs in dom0: socket only */
    struct ioreq_reader *ior;
    enum xen_ioreq_state ioreq;
    int ioreq_err;
    bool ioreq_runstate;        /* records carry runstate (ABI v2+) */
    uint64_t ioreq_retry;
    struct xen_coop_ioreq_trace_rec *trace_buf;

    unsigned int ndoms_max;     /* entries of info, dom, dom2, links */
    xc_domaininfo_t *info;
    struct xen_dom *dom, *dom2; /* cache and the scratch of its merge */
    int32_t *dm, *target;       /* per sample, for xen_link_stubs */
    unsigned int ndoms;         /* in dom, as of the last poll */

    struct xen_cpupool *cpupool;
    unsigned int ncpupools, ncpupools_max;
    uint64_t cpupool_poll;
    bool cpupool_logged;           /* a refresh failure said */
    size_t cpumap_bytes;
    uint8_t *affinity;          /* scratch cpumaps for xen_affinity_read */
    uint8_t *affinity_all;
    unsigned int npinned;       /* domains hard-pinned narrower than pool */
    bool cpupools_moved;        /* a pool is new or has other pCPUs */

    bool dm_visible;            /* dom0's /proc shows processes */
    bool dm_schedstat_logged;   /* "no /proc/PID/schedstat" said */
    unsigned int ndm;           /* device models counted */

    bool vbd_dir;               /* /sys/bus/xen-backend/devices exists */
    bool vbd_logged;            /* a vbd open failure said */
    bool pv_rescan;             /* look for new backends this poll */
    uint64_t pv_due;            /* poll of the next look; 0: none due */
    unsigned int pv_backoff;
    struct xen_vbd *vbd, *vbd2; /* sorted by domid, dev; and scratch */
    unsigned int nvbd, nvbd_max;
    int netdev_fd;              /* /proc/net/dev, or -1 */
    char *netdev_buf;
    size_t netdev_size;

    uint64_t poll;              /* samples taken, from 1 */
    uint64_t sweep_ns;          /* monotonic time of the next sweep */
    xc_hypercall_buffer_t list_buf;     /* XEN_CHUNK domain records */
    bool stale;                 /* churn seen: re-read what is missing */
    bool refresh;               /* this poll acts on `stale` */
};

#endif /* COOPVMM_XEN_TYPES_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_types.h - the xen backend's state, shared by its files: the handles
 * of the Xen libraries, the cache of what is known of each domain and
 * cpupool between polls, and the state of each signal.
 *
 * Types and constants only.  Each file of the backend owns its fields:
 * xen_dom.c the domain arrays, xen_sched.c the cpupools and the cached
 * weights and caps, xen_xs.c the xenstore handle and names, xen_pv.c
 * libxenstat, xen_ioreq.c and xen_trace.c the hv-patch sysctl; xen.c
 * opens, closes and runs a sample through them.
 */
#ifndef COOPVMM_XEN_TYPES_H
#define COOPVMM_XEN_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xenctrl.h>
#include <xenstore.h>
#include <xenstat.h>

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
 * poll.  Churn does re-read names (xenstore, no hypercall), because a
 * guest's device-model-domid appears after the guest itself.  Pools (a
 * handful, each a hypercall plus an allocation in libxenctrl) are re-read
 * every XEN_CPUPOOL_REFRESH polls, on churn and when a domain names a pool
 * we do not know.
 */
#define XEN_SCHED_REFRESH   10
#define XEN_CPUPOOL_REFRESH    XEN_SCHED_REFRESH

/* What we remember of a domain between polls, sorted by domid. */
struct xen_dom {
    uint32_t domid;
    uint8_t uuid[16];
    char name[POLICY_NAME_MAX];
    int32_t dm_domid;           /* its device-model stub domain, or -1 */
    uint64_t name_retry;        /* poll to (re)read the name; 0: now */
    unsigned int name_fails;    /* reads that found no name, in a row */
    uint64_t sched_poll;        /* last read of weight/cap; 0: never */
    bool sched_ok;              /* that read worked */
    bool sched_dirty;           /* we set them since: read again */
    enum policy_sched sched;    /* the scheduler they were read from */
    uint32_t weight, cap;
};

struct xen_cpupool {
    uint32_t id, sched_id, ncpus;
    bool warned;                /* "scheduler not managed" said once */
};

enum xen_ioreq_state { IOREQ_OK, IOREQ_MISSING, IOREQ_FAILING };

struct backend {
    xentoollog_logger xtl;      /* libxenctrl's messages into our log */
    xc_interface *xch;
    struct xs_handle *xsh;
    uint64_t xs_retry;          /* poll to retry xs_open */
    bool xs_lost_logged;
    bool xs_socket;             /* xenstored runs in dom0: socket only */
    xenstat_handle *xst;
    unsigned int xst_live;      /* XENSTAT_VBD/NETWORK that work */
    bool xst_logged;            /* xenstat_init failure said */
    struct ioreq_reader *ior;
    enum xen_ioreq_state ioreq;
    int ioreq_err;
    bool ioreq_runstate;        /* records carry runstate (ABI v2+) */
    uint64_t ioreq_retry;
    struct xen_coop_ioreq_trace_rec *trace_buf;

    unsigned int ndoms_max;     /* entries of info, dom, dom2, dm */
    xc_domaininfo_t *info;
    struct xen_dom *dom, *dom2; /* cache and the scratch of its merge */
    int32_t *dm;                /* per-sample dm_domid for xen_link_stubs */
    unsigned int ndoms;         /* in dom, as of the last poll */

    struct xen_cpupool *cpupool;
    unsigned int ncpupools, ncpupools_max;
    uint64_t cpupool_poll;
    bool cpupool_logged;           /* a refresh failure said */
    size_t cpumap_bytes;

    uint64_t poll;              /* samples taken, from 1 */
    bool stale;                 /* churn seen: re-read names, weights */
    bool refresh;               /* this poll acts on `stale` */
    uint64_t xst_retry;         /* poll to retry libxenstat */
};

#endif /* COOPVMM_XEN_TYPES_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy.h - coopvmm's decision logic: samples in, decisions out.
 *
 * Pure logic: no Xen calls, no I/O, no clock reads.  The caller hands in
 * each poll's cumulative counters with a monotonic timestamp and gets back,
 * for every domain, a class and the target weight and cap with the reason.
 * The same code runs on a live host and on a recording.
 */
#ifndef COOPVMM_POLICY_H
#define COOPVMM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POLICY_NAME_MAX      64   /* domain names, as xenstore allows */
#define POLICY_CLASS_MAX     32   /* class name length, with the NUL */
#define POLICY_REASON_MAX    96
/* Domids at or above this are Xen's own (DOMID_FIRST_RESERVED). */
#define POLICY_DOMID_LIMIT   0x7ff0u

/* Scheduler of the domain's cpupool. */
enum policy_sched {
    POLICY_SCHED_CREDIT,
    POLICY_SCHED_CREDIT2,
    POLICY_SCHED_OTHER,
};

/*
 * Name of a scheduler as recordings and coopctl spell it ("credit",
 * "credit2", "other"), and the reverse lookup (-1 if unknown).
 */
const char *policy_sched_name(enum policy_sched s);
int policy_sched_lookup(const char *name);

/* Smoothed per-domain metrics a class condition can test. */
enum policy_metric {
    M_CPU,          /* CPU use, % of the domain's online vCPUs (0..100) */
    M_IOREQ,        /* emulated I/O requests per second, all kinds */
    M_IOREQ_PIO,    /* port I/O requests/s */
    M_IOREQ_MMIO,   /* MMIO requests/s */
    M_IOREQ_READ,   /* read requests/s */
    M_IOREQ_WRITE,  /* write requests/s */
    M_IOREQ_BYTES,  /* bytes/s moved by emulated I/O (size x count) */
    M_IOREQ_XEN,    /* requests/s handled inside Xen */
    M_IOREQ_DM,     /* requests/s sent to a device model (sync + buffered) */
    M_IOREQ_NONE,   /* requests/s no one claimed */
    M_VBD_IOPS,     /* PV block read + write requests/s */
    M_VBD_SECTORS,  /* PV block sectors/s, read + write */
    M_NET_PKTS,     /* PV network packets/s, rx + tx */
    M_NET_BYTES,    /* PV network bytes/s, rx + tx */
    M_IO,           /* one I/O intensity: ioreq (or, without the hv-patch,
                       dm-runs) + vbd-iops + net-pkts, per second */
    M_CPUPOOL_BUSY,    /* CPU use of the domain's cpupool, % of its pCPUs */
    M_CPU_WAIT,     /* % of its online vCPUs' time spent runnable but not
                       running (runstate; XenMon's "waited"), 0..100 */
    M_CPU_DEMAND,   /* running + runnable, % of its online vCPUs' time:
                       what it would use if it never waited, 0..100 */
    M_CPUPOOL_WAIT,    /* the largest cpu-wait among the other domains of the
                       cpupool that the policy favours (target weight
                       above their base), 0..100; 0 if none */
    M_DM_CPU,       /* CPU of its device model process in dom0 (qemu-xen),
                       % of one pCPU */
    M_DM_RUNS,      /* times that process was scheduled in, per second: a
                       proxy of device-model round trips */
    M__COUNT
};

/* Configuration name of a metric ("ioreq-dm"), and the reverse lookup. */
const char *policy_metric_name(enum policy_metric m);
int policy_metric_lookup(const char *name);   /* -1 if unknown */

/* Cumulative counters, as the hypervisor and backends report them. */
struct policy_counters {
    uint64_t cpu_ns;
    uint64_t pio_read, pio_write, mmio_read, mmio_write;  /* requests */
    uint64_t ioreq_reps;        /* repetitions (rep ins/outs/movs) */
    uint64_t ioreq_bytes;
    uint64_t ioreq_xen, ioreq_dm, ioreq_buffered, ioreq_none;
    uint64_t vbd_rd_req, vbd_wr_req, vbd_rd_sect, vbd_wr_sect;
    uint64_t net_rx_pkts, net_tx_pkts, net_rx_bytes, net_tx_bytes;
    /*
     * Runstate times summed over the domain's vCPUs, ns (hv-patch record
     * v2, from each vCPU's struct vcpu_runstate_info as Xen's
     * vcpu_runstate_get() reads it, the current state's elapsed time
     * included).
     */
    uint64_t rs_running_ns, rs_runnable_ns, rs_blocked_ns, rs_offline_ns;
    /*
     * The device model process serving the domain in dom0 (qemu-xen):
     * CPU time of all its threads, ns, and the number of times they were
     * scheduled in (run-queue arrivals).
     */
    uint64_t dm_cpu_ns, dm_runs;
};

/* Which signals a sample carries (a backend may lack some). */
#define POLICY_HAS_CPU      (1u << 0)
#define POLICY_HAS_IOREQ    (1u << 1)
#define POLICY_HAS_VBD      (1u << 2)
#define POLICY_HAS_NET      (1u << 3)
#define POLICY_HAS_RUNSTATE (1u << 4)   /* rs_* (hv-patch v2) */
#define POLICY_HAS_DM       (1u << 5)   /* dm_* (a dom0 device model) */

/* The signals a metric needs: it is missing when none of them is there. */
uint32_t policy_metric_signals(enum policy_metric m);

/* Domain state flags. */
#define POLICY_DOM_DYING    (1u << 0)
#define POLICY_DOM_SHUTDOWN (1u << 1)
/*
 * Its vCPUs' hard affinity allows fewer pCPUs than its cpupool has
 * (affinity_cpus < cpupool_cpus): credit computes shares over the whole
 * pool, so weights may not act on it (two domains pinned to one pCPU of a
 * two-pCPU credit pool split it evenly whatever their weights).
 */
#define POLICY_DOM_PINNED   (1u << 2)

/* One domain at one poll. */
struct policy_sample {
    uint32_t domid;
    uint8_t uuid[16];
    char name[POLICY_NAME_MAX];
    uint32_t vcpus;             /* online vCPUs */
    uint32_t cpupool;           /* cpupool id */
    uint32_t cpupool_cpus;      /* pCPUs in that cpupool */
    enum policy_sched sched;
    uint32_t signals;           /* POLICY_HAS_* */
    uint32_t flags;             /* POLICY_DOM_* */
    int32_t stub_of;            /* device-model stub domain of this domid, or -1 */
    struct policy_counters c;
    uint32_t weight, cap;       /* current scheduler values */
    uint32_t base_weight, base_cap; /* the administrator's (state file) */
    /*
     * Shown, not decided on: the pCPUs of its cpupool that its vCPUs'
     * hard affinity allows (the union over its vCPUs; 0: not read), and
     * the process of its device model in dom0 (0: none counted).
     */
    uint32_t affinity_cpus;
    int32_t dm_pid;
};

/* What a class does to the weight. */
enum policy_weight_kind {
    POLICY_WEIGHT_KEEP,         /* the base weight */
    POLICY_WEIGHT_ABS,          /* value */
    POLICY_WEIGHT_PCT,          /* value % of the base weight */
    POLICY_WEIGHT_SHARE,        /* entitled to value % of the cpupool */
};

/* What a class does to the cap. */
enum policy_cap_kind {
    POLICY_CAP_KEEP,            /* leave the administrator's cap */
    POLICY_CAP_NONE,            /* 0: uncapped */
    POLICY_CAP_ABS,             /* value, % of one pCPU as Xen counts it */
    POLICY_CAP_PCT_VCPU,        /* value % of each online vCPU */
    POLICY_CAP_REST,            /* an even part of what the cpupool's other
                                   domains leave, to the nearest multiple
                                   of 5, at least POLICY_REST_MIN */
};

/*
 * One condition of a class.  "above": the metric must exceed `enter` to
 * join the class and stay above `leave` (<= enter) to remain in it.
 * "below" is the mirror image (under `enter`, then under `leave`).  The gap between the two levels is what
 * keeps a load hovering at a threshold from flapping.
 */
struct policy_cond {
    enum policy_metric metric;
    bool below;
    double enter, leave;
    /*
     * When the host does not provide the metric at all (e.g. cpu-wait on
     * a hypervisor without the hv-patch): true, the condition is left
     * out of its class; false, it does not hold.  A class whose every
     * condition is left out does not match.
     */
    bool skip_missing;
};

struct policy_class {
    char name[POLICY_CLASS_MAX];
    bool match_all;             /* all-of; otherwise any-of */
    unsigned int ncond;
    struct policy_cond *cond;   /* no conditions: always matches */
    enum policy_weight_kind weight_kind;
    uint32_t weight;
    enum policy_cap_kind cap_kind;
    uint32_t cap;
    /* Polls this class must match before a domain moves into it, 1 to
     * 1000; 0: the configuration's dwell. */
    unsigned int dwell;
};

/* Per-domain override, matched by name pattern (fnmatch) or UUID. */
struct policy_override {
    char pattern[POLICY_NAME_MAX];
    bool by_uuid;
    uint8_t uuid[16];
    bool exclude;
    int pin;                    /* class index, or -1 */
    uint32_t weight_min, weight_max;  /* 0: no bound */
    unsigned int line;          /* where it was written, for messages */
};

struct policy_config {
    uint64_t halflife_ns;       /* EWMA half-life */
    unsigned int dwell;         /* polls a new class must hold (>= 1),
                                   unless the class has its own */
    bool manage_dom0;
    bool stub_follows_guest;    /* a stub DM domain takes its guest's class */
    unsigned int nclass;
    struct policy_class *cls;
    unsigned int noverride;
    struct policy_override *ovr;
    /*
     * Effect check: `effect_polls` polls after a domain was moved into a
     * class that favours or throttles it, the measure it was moved for
     * (its own cpu-wait, or its cpupool's pool-wait) is compared with its
     * value at the move.  It helped if it fell by `effect_min` (0..1) of
     * that value, or below POLICY_EFFECT_FLOOR; otherwise the move is
     * undone and the class is not tried on that domain for `holdoff_ns`.
     * effect_polls 0: no check.
     */
    unsigned int effect_polls;
    double effect_min;
    uint64_t holdoff_ns;
};

/* A wait below this (%) counts as "nothing left to improve". */
#define POLICY_EFFECT_FLOOR 1.0

/* The implicit class of a domain no class matched: base values. */
#define POLICY_CLASS_NONE   (-1)

/* Why a domain is not managed. */
enum policy_unmanaged {
    POLICY_MANAGED,
    POLICY_EXCL_DOM0,
    POLICY_EXCL_OVERRIDE,
    POLICY_EXCL_SCHED,          /* its pool's scheduler is not credit/credit2 */
    POLICY_EXCL_DYING,
};

/* Bits of policy_decision.set: which fields differ from the current ones. */
#define POLICY_SET_WEIGHT   (1u << 0)
#define POLICY_SET_CAP      (1u << 1)

/* What a class change is judged by (policy_decision.effect_measure). */
enum policy_effect_measure {
    POLICY_MEASURE_NONE,        /* neutral class, pin, or no runstate */
    POLICY_MEASURE_WAIT,        /* favoured: its own cpu-wait */
    POLICY_MEASURE_WAITER_WAIT, /* throttled: the cpu-wait of its waiter,
                                   the domain whose wait made its
                                   cpupool's pool-wait at the move
                                   (policy_decision.effect_waiter) */
    POLICY_MEASURE_POOL_WAIT,   /* throttled while no one waited: its
                                   cpupool's pool-wait */
};

/*
 * A measure's name in machine-readable output: "wait", "waiter-wait",
 * "pool-wait"; "" for POLICY_MEASURE_NONE.
 */
const char *policy_measure_name(enum policy_effect_measure m);

/*
 * A measure as a person reads it, into buf (at most len bytes, always
 * terminated): "wait" (the domain's own), "d5's wait" (a throttle's
 * waiter, domid `waiter`), "pool-wait".  Returns buf.
 */
char *policy_measure_text(enum policy_effect_measure m, uint32_t waiter,
                          char *buf, size_t len);

enum policy_effect {
    POLICY_EFFECT_NONE,         /* nothing to judge */
    POLICY_EFFECT_PENDING,      /* measuring */
    POLICY_EFFECT_HELPED,
    POLICY_EFFECT_UNDONE,       /* did not help: undone this poll */
};

struct policy_decision {
    uint32_t domid;
    enum policy_unmanaged unmanaged;
    int cls, prev_cls;          /* class indexes, or POLICY_CLASS_NONE */
    bool class_changed;         /* adopted this poll */
    bool pinned;
    uint64_t since_ns;          /* when the current class was adopted */
    uint32_t weight, cap;       /* targets */
    unsigned int set;           /* POLICY_SET_* versus sample.weight/cap */
    double metric[M__COUNT];    /* smoothed; valid once rates_valid */
    bool metric_valid[M__COUNT];
    bool rates_valid;
    bool favoured;              /* target weight above the base */
    bool throttled;             /* target weight below the base, or a
                                   stricter cap */
    /* Effect of the last class change; values in % (see the measure). */
    enum policy_effect_measure effect_measure;
    uint32_t effect_waiter;     /* WAITER_WAIT: the waiter's domid */
    enum policy_effect effect;
    double effect_before, effect_after;     /* after: current if PENDING */
    unsigned int effect_polls;  /* polls measured so far */
    bool effect_new;            /* judged (HELPED or UNDONE) this poll;
                                   the effect fields then hold the
                                   verdict, even if the class changed
                                   again at this poll */
    char reason[POLICY_REASON_MAX];
};

struct policy_engine;

/* A table sized for `hint` domains; it grows (rarely) past that. */
struct policy_engine *policy_new(const struct policy_config *cfg,
                                 unsigned int hint);
void policy_free(struct policy_engine *pe);

/*
 * Swap in a new configuration (reload).  Domain history is kept; a
 * domain's class is carried over by name, or dropped if the class is
 * gone.  `cfg` must outlive its use by the engine.
 */
void policy_set_config(struct policy_engine *pe,
                       const struct policy_config *cfg);

/*
 * Run one poll.  `now_ns` is monotonic; `s` holds every domain present
 * now.  out[i] is the decision for s[i].  Domains missing from `s` are
 * forgotten.  Returns 0 or -ENOMEM (growing the table failed; nothing
 * was changed).
 */
int policy_update(struct policy_engine *pe, uint64_t now_ns,
                  const struct policy_sample *s, unsigned int n,
                  struct policy_decision *out);

/* Runtime pins (coopctl pin/unpin), by domid.  cls -1 removes the pin. */
int policy_pin(struct policy_engine *pe, uint32_t domid, int cls);

/* Class name for an index, "none" for POLICY_CLASS_NONE. */
const char *policy_class_name(const struct policy_config *cfg, int cls);

/*
 * For display, never from a poll: whether class `cls` holds for the
 * decision's smoothed metrics at the levels of a member (`leave`) or of
 * a newcomer (`enter`), and in `buf` each condition as it stands now,
 * e.g. "io 3500.0 > 50, cpu-wait 1.2 not > 0" or "cpu-wait missing
 * (skipped)"; "catch-all" for a class without conditions, "no class matched" for
 * POLICY_CLASS_NONE.  `signals`: the domain's POLICY_HAS_* (for
 * `missing = skip`).  A barred or pinned class is not this function's
 * concern: it tests the conditions only.
 */
bool policy_explain(const struct policy_config *cfg, int cls,
                    const struct policy_decision *d, uint32_t signals,
                    bool member, char *buf, size_t len);

/* Scheduler limits: weight 1..65535, cap 0..100 x vCPUs (0 = no cap). */
#define POLICY_WEIGHT_MIN   1u
#define POLICY_WEIGHT_MAX   65535u

/*
 * What `share` and `rest` actions need to know of a domain's cpupool,
 * worked out by policy_update() from the other domains' targets:
 *   share_base: the weight units (weight, or weight x online vCPUs on
 *     credit2) that a share of 100 % stands for: those of the active
 *     domains not in a share class, U, over (1 - the shares asked in
 *     all); 0 if there is no such domain;
 *   share_scale: 1, or less when the share classes of the pool ask for
 *     more than POLICY_SHARE_MAX in all (every share is scaled down);
 *   rest_cap: the cap, in % of one pCPU, each rest-capped domain gets.
 */
struct policy_cpupool_view {
    double share_base;
    double share_scale;
    uint32_t rest_cap;
};

/* Most of a pool all share classes together may claim (fraction). */
#define POLICY_SHARE_MAX    0.99
/* Smallest cap `rest` gives, % of one pCPU. */
#define POLICY_REST_MIN     5u

/*
 * Target weight and cap for a domain in class `cls` (exposed for tests).
 * `pv` may be NULL when the class has no share or rest action.
 */
void policy_target(const struct policy_config *cfg, int cls,
                   const struct policy_override *ovr,
                   const struct policy_sample *s,
                   const struct policy_cpupool_view *pv,
                   uint32_t *weight, uint32_t *cap);

/* The override matching a sample, or NULL (first match wins). */
const struct policy_override *policy_find_override(
    const struct policy_config *cfg, const struct policy_sample *s);

#endif /* COOPVMM_POLICY_H */

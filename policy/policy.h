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
    M_IO,           /* ioreq + vbd-iops + net-pkts: one I/O intensity */
    M_CPUPOOL_BUSY, /* CPU use of the domain's cpupool, % of its pCPUs */
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
};

/* Which signals a sample carries (a backend may lack some). */
#define POLICY_HAS_CPU      (1u << 0)
#define POLICY_HAS_IOREQ    (1u << 1)
#define POLICY_HAS_VBD      (1u << 2)
#define POLICY_HAS_NET      (1u << 3)

/* Domain state flags. */
#define POLICY_DOM_DYING    (1u << 0)
#define POLICY_DOM_SHUTDOWN (1u << 1)

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
};

/* What a class does to the weight. */
enum policy_weight_kind {
    POLICY_WEIGHT_KEEP,         /* the base weight */
    POLICY_WEIGHT_ABS,          /* value */
    POLICY_WEIGHT_PCT,          /* value % of the base weight */
};

/* What a class does to the cap. */
enum policy_cap_kind {
    POLICY_CAP_KEEP,            /* leave the administrator's cap */
    POLICY_CAP_NONE,            /* 0: uncapped */
    POLICY_CAP_ABS,             /* value, % of one pCPU as Xen counts it */
    POLICY_CAP_PCT_VCPU,        /* value % of each online vCPU */
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
    unsigned int dwell;         /* polls a new class must hold (>= 1) */
    bool manage_dom0;
    bool stub_follows_guest;    /* a stub DM domain takes its guest's class */
    unsigned int nclass;
    struct policy_class *cls;
    unsigned int noverride;
    struct policy_override *ovr;
};

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
    bool rates_valid;
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

/* Scheduler limits: weight 1..65535, cap 0..100 x vCPUs (0 = no cap). */
#define POLICY_WEIGHT_MIN   1u
#define POLICY_WEIGHT_MAX   65535u

/* Target weight and cap for a domain in class `cls` (exposed for tests). */
void policy_target(const struct policy_config *cfg, int cls,
                   const struct policy_override *ovr,
                   const struct policy_sample *s,
                   uint32_t *weight, uint32_t *cap);

/* The override matching a sample, or NULL (first match wins). */
const struct policy_override *policy_find_override(
    const struct policy_config *cfg, const struct policy_sample *s);

#endif /* COOPVMM_POLICY_H */

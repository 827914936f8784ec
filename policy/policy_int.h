/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy_int.h - what the files of policy/ share and nothing outside
 * policy/ may see: the engine, its per-domain history and its per-pool
 * sums of one poll.
 *
 * A poll runs in passes (engine.c): rates.c turns counters into smoothed
 * metrics and fills the pool sums; classify.c picks each domain's class
 * (dwell, hold-offs, the effect check); targets.c turns classes into
 * weights and caps, which for `share` and `rest` depend on the rest of
 * the cpupool.
 */
#ifndef COOPVMM_POLICY_INT_H
#define COOPVMM_POLICY_INT_H

#include "policy.h"

#define NO_SLOT             UINT32_MAX
#define MAX_CPUPOOLS        64
/* Classes a domain can be barred from at once (effect check). */
#define POLICY_BARS         4
/* A domain counts as active in its pool above this demand (% of a vCPU). */
#define POLICY_ACTIVE_MIN   1.0

struct bar {
    int cls;                    /* POLICY_CLASS_NONE: free slot */
    uint64_t until_ns;
};

struct dom_state {
    uint32_t domid;
    uint8_t uuid[16];
    uint32_t gen;               /* poll that last saw it */
    bool have_prev;
    uint64_t prev_ns;
    uint32_t prev_vcpus;
    double alpha;               /* this poll's EWMA weight */
    struct policy_counters prev;
    bool ewma_valid[M__COUNT];
    double ewma[M__COUNT];
    double raw[M__COUNT];
    bool raw_valid[M__COUNT];
    double cpus_used;           /* pCPUs used over the last interval */
    int cls, pending;
    unsigned int pending_count;
    uint64_t since_ns;
    int pin;                    /* runtime pin, or POLICY_CLASS_NONE */
    bool classified;            /* `reason` explains the current class */
    bool favoured, throttled;   /* as decided at the last poll */
    /* Effect check of the last class change (see policy_config). */
    enum policy_effect_measure eff_measure;
    enum policy_effect eff;
    double eff_before, eff_after;
    unsigned int eff_polls;
    int eff_from;               /* the class it came from */
    /* A throttle's waiter (eff_measure WAITER_WAIT): the favoured domain
     * whose cpu-wait made the pool-wait at the move; judged by that
     * domain's cpu-wait. */
    uint32_t eff_waiter;
    uint8_t eff_waiter_uuid[16];
    struct bar bar[POLICY_BARS];
    char reason[POLICY_REASON_MAX];
};

struct cpupool_acc {
    uint32_t id;
    uint32_t cpus;
    enum policy_sched sched;
    double busy;                /* pCPUs used by its domains */
    /* The two largest cpu-waits of its favoured domains, for pool-wait. */
    double wait1, wait2;
    uint32_t wait1_domid, wait2_domid;
    /* Targets pass: see struct policy_cpupool_view. */
    double share_sum;           /* shares asked, fractions of the pool */
    double share_units;
    double used;                /* % of a pCPU wanted by domains not
                                   capped by `rest` */
    unsigned int nrest;
    struct policy_cpupool_view view;
};

struct policy_engine {
    const struct policy_config *cfg;
    uint32_t *map;              /* domid -> slot */
    struct dom_state *slot;
    uint32_t *free_slots;
    unsigned int nslot, nfree;
    uint32_t gen;
    unsigned int ncpupools;
    struct cpupool_acc cpupool[MAX_CPUPOOLS];
};

/* engine.c */
struct dom_state *policy_lookup(struct policy_engine *pe, uint32_t domid);
struct cpupool_acc *policy_cpupool_for(struct policy_engine *pe,
                                 const struct policy_sample *s);

/* rates.c: counters -> raw rates -> EWMA, and the pool's busy/wait sums. */
void policy_observe(struct policy_engine *pe, struct dom_state *st,
                    uint64_t now, const struct policy_sample *s);
void policy_cpupool_metrics(struct policy_engine *pe, struct dom_state *st,
                         const struct policy_sample *s);
bool policy_metric_missing(enum policy_metric m, uint32_t signals);
/*
 * pool-wait as domain `domid` sees it: the largest smoothed cpu-wait (%)
 * among the pool's domains favoured at the last poll, other than its own;
 * *waiter (if not NULL) gets that domain's domid.  0: no one waits.
 */
double policy_cpupool_waiter(const struct cpupool_acc *pa, uint32_t domid,
                             uint32_t *waiter);

/* classify.c */
void policy_classify(struct policy_engine *pe, uint64_t now,
                     const struct policy_sample *s, struct policy_decision *d,
                     const struct policy_override *o, int follow);
void policy_effect_arm(struct policy_engine *pe, struct dom_state *st,
                       const struct policy_sample *s,
                       const struct policy_decision *d,
                       const struct cpupool_acc *pa);
void policy_effect_copy(const struct dom_state *st,
                        struct policy_decision *d);

/* targets.c */
enum policy_unmanaged policy_unmanaged_why(const struct policy_config *cfg,
                                           const struct policy_sample *s,
                                           const struct policy_override *o);
void policy_cpupool_add(const struct policy_config *cfg, struct cpupool_acc *pa,
                     const struct dom_state *st,
                     const struct policy_sample *s,
                     const struct policy_override *o, int cls);
void policy_cpupool_finish(struct cpupool_acc *pa);
/* The domain's demand in % of one pCPU (cpu-demand, else cpu). */
double policy_demand_pcpu(const struct dom_state *st,
                          const struct policy_sample *s);

#endif /* COOPVMM_POLICY_INT_H */

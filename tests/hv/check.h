/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check.h: what the unit tests of the hypervisor patch share: the CHECK
 * macros (a failure prints the expression and carries on) and the helpers
 * that drive the real patched code the way Xen would (test-util.c).
 */
#ifndef COOPVMM_CHECK_H
#define COOPVMM_CHECK_H

#include "harness.h"

extern unsigned int passed, failed;

#define CHECK(cond) do {                                                \
    if ( cond )                                                         \
        passed++;                                                       \
    else                                                                \
    {                                                                   \
        failed++;                                                       \
        printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);          \
    }                                                                   \
} while ( 0 )

#define CHECK_EQ(a, b) do {                                             \
    unsigned long long a_ = (a), b_ = (b);                              \
    if ( a_ == b_ )                                                     \
        passed++;                                                       \
    else                                                                \
    {                                                                   \
        failed++;                                                       \
        printf("FAIL %s:%d: %s == %s (%#llx != %#llx)\n", __FILE__,     \
               __LINE__, #a, #b, a_, b_);                               \
    }                                                                   \
} while ( 0 )

/* A fresh world: domain 0 (PV, privileged, the caller), HVM domain 1. */
struct domain *setup(void);
/* One access on vCPU v, as the instruction emulator would make it. */
int io(struct vcpu *v, bool is_mmio, paddr_t addr, unsigned long reps,
       unsigned int size, uint8_t dir, uint64_t *val);
/* XEN_SYSCTL_coop_ioreq from the current vCPU. */
int sysctl(uint32_t op, uint32_t domid, uint32_t max, uint32_t size,
           void *buf, struct xen_sysctl_coop_ioreq *out);
const struct coop_ioreq_vcpu *ctr(const struct vcpu *v);

/* test-sysctl.c */
void test_counters_sysctl(void);
void test_counters_xsm(void);
void test_trace_xsm(void);
void test_runstate(void);
void test_runstate_seqcount(void);
void test_runstate_v1_caller(void);
void test_debug_key(void);

#endif /* COOPVMM_CHECK_H */

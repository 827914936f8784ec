/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * harness.h: stand-ins for the hypervisor primitives that the patched
 * xen/arch/x86/hvm/coop-ioreq.c and hvmemul_do_io() use, so that the real
 * code can be compiled and tested in user space (the way Xen's
 * tools/tests/vpci and tools/tests/rangeset do).  extract-xen cuts the
 * Xen sources of one line (4.17, 4.20, ...) into gen/LINE/, dropping
 * their #include lines; this file includes them in the right order.
 *
 * What comes from the line's tree rather than from here: the public
 * headers, seqcount.h and vcpu_runstate_get() (how another vCPU's
 * runstate is read), VPF_down, is_control_domain()/is_xenstore_domain(),
 * and XSM's !CONFIG_XSM default hook for getdomaininfo with its action
 * check, so a hook called with the wrong default action fails to link
 * here as it does in Xen.
 *
 * Only what those files need is here; the fakes record what was done to
 * them (pauses, allocations, RCU nesting, printk output) so that tests
 * can check it.  Nothing here imitates libxenctrl.
 */
#ifndef COOPVMM_HARNESS_H
#define COOPVMM_HARNESS_H

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The real public headers of the patched tree (-I .../xen/include). */
#define __XEN_TOOLS__ 1
#include <public/xen.h>
#include <public/hvm/ioreq.h>
#include <public/sysctl.h>
#include <public/vcpu.h>
#include <public/coop-ioreq.h>

#include "line-features.h"               /* what this line's code has */

/* Compiler and build helpers. */
#define unlikely(x)         __builtin_expect(!!(x), 0)
#define likely(x)           __builtin_expect(!!(x), 1)
#define always_inline       inline __attribute__((__always_inline__))
#define __maybe_unused      __attribute__((__unused__))
#define fallthrough         __attribute__((__fallthrough__))
#define cf_check
#define __init
#define IS_ENABLED(option)  0           /* no Kconfig option is set here */
/* Speculation barriers are no-ops in user space. */
#define evaluate_nospec(c)      (c)
#define lock_evaluate_nospec(c) (c)
#define block_lock_speculation() ((void)0)
#define BUILD_BUG_ON(c)     ((void)sizeof(char[1 - 2 * !!(c)]))
#define ASSERT(p)           assert(p)
#define ASSERT_UNREACHABLE() assert(!"unreachable")
#define BUG()               abort()
#define min(a, b)           ((a) < (b) ? (a) : (b))
#define min_t(t, a, b)      ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define PAGE_SHIFT          12
#define PAGE_SIZE           (1UL << PAGE_SHIFT)
#define PAGE_MASK           (~(PAGE_SIZE - 1))
#define paddr_to_pfn(pa)    ((unsigned long)((pa) >> PAGE_SHIFT))
typedef bool bool_t;
typedef uint64_t paddr_t;
typedef int64_t s_time_t;

/* Barriers and single-copy accesses. */
#define barrier()           __asm__ __volatile__ ( "" ::: "memory" )
#define smp_mb()            __sync_synchronize()
#define smp_rmb()           barrier()
#define smp_wmb()           barrier()
#define ACCESS_ONCE(x)      (*(volatile __typeof__(x) *)&(x))
#define read_atomic(p)      (*(const volatile __typeof__(*(p)) *)(p))
#define add_sized(p, x)     (*(volatile __typeof__(*(p)) *)(p) += (x))
/*
 * A reader waiting for a seqcount writer spins here; h_relax_hook, if a
 * test sets it, plays the writer finishing its update (once).
 */
extern void (*h_relax_hook)(void);
extern unsigned int h_relax_calls;
void cpu_relax(void);

/* Xen's seqcount.h, as the line has it. */
#include "seqcount.h"

/* The code under test (its #include lines stripped). */
#include "coop-ioreq-asm.h"

/* x86_emulate return codes (xen/arch/x86/x86_emulate/x86_emulate.h). */
#define X86EMUL_OKAY            0
#define X86EMUL_UNHANDLEABLE    1
#define X86EMUL_EXCEPTION       2
#define X86EMUL_RETRY           3
#define X86EMUL_UNIMPLEMENTED   5

struct arch_vcpu_io {
    struct coop_ioreq_vcpu coop;
};

struct vcpu_io {
    bool suspended;
    ioreq_t req;
    struct arch_vcpu_io info;
};

struct domain;

struct vcpu {
    int vcpu_id;
    struct domain *domain;
    struct vcpu *next_in_list;
    unsigned long pause_flags;          /* VPF_* */
    struct vcpu_runstate_info runstate; /* written by the scheduler */
    struct seqcount runstate_seq;       /* around those writes */
    struct vcpu_io io;
};

struct domain {
    domid_t domain_id;
    unsigned int max_vcpus;
    struct vcpu **vcpu;
    struct domain *next_in_list;
    bool hvm;
    bool is_privileged;         /* the control domain */
    unsigned int options;       /* XEN_DOMCTL_CDF_*: xs_domain */
    struct domain *target;      /* a device model stub domain's target */
    int pause_count;            /* currently paused */
    unsigned int pauses;        /* domain_pause() calls, ever */
    bool crashed;
};

#define for_each_vcpu(d, v) \
    for ( (v) = (d)->vcpu ? (d)->vcpu[0] : NULL; (v); (v) = (v)->next_in_list )
#define for_each_domain(d) \
    for ( (d) = h_domain_list; (d); (d) = (d)->next_in_list )
#define is_hvm_domain(d)    ((d)->hvm)

extern struct domain *h_domain_list;
extern struct vcpu *h_current;
#define current             h_current
#define is_hardware_domain(d) ((d)->domain_id == 0)

/* From the line's xen/sched.h: VPF_down, is_control_domain(), ... */
#include "sched-bits.h"

/* Time and registers. */
extern s_time_t h_now;
#define NOW()               (h_now)
extern struct cpu_user_regs h_regs;     /* the public x86_64 layout */
#define guest_cpu_user_regs() (&h_regs)

/* RCU and domains. */
struct rcu_lock {
    int depth;
};
extern struct rcu_lock domlist_read_lock;
#define rcu_read_lock(l)    ((l)->depth++)
#define rcu_read_unlock(l)  (assert((l)->depth > 0), (l)->depth--)
struct domain *rcu_lock_domain_by_id(domid_t id);
void rcu_unlock_domain(struct domain *d);
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
void domain_crash(struct domain *d);

/* Xen's own runstate reader (common/sched/core.c of the line). */
void vcpu_runstate_get(const struct vcpu *v,
                       struct vcpu_runstate_info *runstate);

/*
 * XSM as Debian builds Xen (CONFIG_XSM off): the line's dummy.h hook,
 * inline, with its compile-time check of the default action.
 */
#include "xsm-dummy.h"

/* Memory. */
extern long h_live_allocs;
void *vzalloc(size_t size);
void vfree(void *p);
void *h_xzalloc(size_t size);
void xfree(void *p);
#define xzalloc_array(t, n) ((t *)h_xzalloc(sizeof(t) * (n)))

/* Guest access: a handle is a plain pointer here. */
extern int h_copy_fail_after;   /* fail the n-th copy from now; -1 never */
int h_copy(void *dst, const void *src, size_t len);
#define copy_to_guest_offset(hnd, off, ptr, nr) \
    h_copy((hnd).p + (off), (ptr), (nr) * sizeof(*(ptr)))

/* Console and keys. */
extern char h_printk_buf[65536];
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define gdprintk(lvl, fmt, ...) printk(fmt, ## __VA_ARGS__)
#define gprintk(lvl, fmt, ...) printk(fmt, ## __VA_ARGS__)
typedef void keyhandler_fn_t(unsigned char key);
void register_keyhandler(unsigned char key, keyhandler_fn_t *fn,
                         const char *desc, bool diagnostic);
extern unsigned char h_key;
extern keyhandler_fn_t *h_key_fn;
#define __initcall(fn)      int (*h_initcall)(void) = (fn)
extern int (*h_initcall)(void);

/* What hvmemul_do_io() calls, scripted by the tests (harness.c). */
struct hvm_io_handler {
    const char *name;
};
struct ioreq_server {
    int id;
};
typedef enum {
    p2m_invalid,
    p2m_ram_rw,
    p2m_mmio_dm,
    p2m_ioreq_server,
} p2m_type_t;
#define XENLOG_WARNING      ""
#define XENLOG_INFO         ""
#define XENLOG_DEBUG        ""
#define PFN_DOWN(x)         ((unsigned long)((x) >> PAGE_SHIFT))

/* 4.20+: a PVH hardware domain's access to an unmapped MMIO page. */
extern bool opt_dom0_pf_fixup;
int hwdom_fixup_p2m(paddr_t addr);
/* 4.21+: writes to read-only MMIO pages are not fixed up. */
struct rangeset;
extern struct rangeset *mmio_ro_ranges;
bool rangeset_contains_singleton(struct rangeset *r, unsigned long s);

struct h_script {
    int intercept_rc;           /* hvm_io_intercept() result */
    uint32_t intercept_count;   /* if non-zero, reduce p->count to this */
    bool intercept_stdvga;      /* stdvga queued it (buffered) */
    uint64_t intercept_data;    /* value a read returns */
    p2m_type_t p2mt;            /* type of the MMIO page */
    bool p2m_server;            /* p2m_ioreq_server page has a server */
    bool server;                /* ioreq_server_select() finds one */
    bool server_pci_cfg;        /* ... and rewrites to PCI_CONFIG */
    int buf_rc;                 /* buffered ioreq_send() result */
    int send_rc;                /* ioreq_send() result */
    bool send_suspends;         /* ioreq_send() suspends the vCPU */
    int fixup_rc;               /* hwdom_fixup_p2m() result */
    unsigned int fixups;        /* OUT: hwdom_fixup_p2m() calls */
    unsigned int sends;         /* OUT: ioreq_send() calls */
    unsigned int buf_sends;     /* OUT: buffered ioreq_send() calls */
    unsigned int null_calls;    /* OUT: null handler calls */
    unsigned int p2m_reads;     /* OUT: ioreq_server_handler calls */
};
extern struct h_script h_script;

int hvm_io_intercept(ioreq_t *p);
int hvm_process_io_intercept(const struct hvm_io_handler *handler,
                             ioreq_t *p);
void get_gfn_query_unlocked(struct domain *d, unsigned long gfn,
                            p2m_type_t *t);
struct ioreq_server *p2m_get_ioreq_server(struct domain *d,
                                          unsigned int *flags);
struct ioreq_server *ioreq_server_select(struct domain *d, ioreq_t *p);
int ioreq_send(struct ioreq_server *s, ioreq_t *p, bool buffered);
void hvmtrace_io_assist(const ioreq_t *p);
extern const struct hvm_io_handler null_handler, ioreq_server_handler;

static inline bool ioreq_needs_completion(const ioreq_t *ioreq)
{
    /* Copied from xen/include/xen/ioreq.h (4.17). */
    return ioreq->state == STATE_IOREQ_READY &&
           !ioreq->data_is_ptr &&
           (ioreq->type != IOREQ_TYPE_PIO || ioreq->dir != IOREQ_WRITE);
}

/* The code under test (extracted from the patched tree). */
int stdvga_mem_write(const struct hvm_io_handler *handler, uint64_t addr,
                     uint32_t size, uint64_t data);
int hvmemul_do_io(bool is_mmio, paddr_t addr, unsigned long *reps,
                  unsigned int size, uint8_t dir, bool df,
                  bool data_is_addr, uintptr_t data);

/* Building test domains. */
struct domain *h_domain_new(domid_t id, unsigned int nr_vcpus, bool hvm);
void h_domains_free(void);

#endif /* COOPVMM_HARNESS_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Xen glue for the test guest (see xen.h).  The guest runs in 32-bit mode,
 * so hypercalls use the 32-bit ABI: arguments in ebx, ecx, edx, esi, edi,
 * structures laid out as for i386.  Nothing here performs port or MMIO I/O.
 */
#include "xen.h"
#include "lib.h"

#define __HYPERVISOR_memory_op  12
#define __HYPERVISOR_sched_op   29

#define SCHEDOP_shutdown        2
#define SCHEDOP_poll            3

#define XENMEM_add_to_physmap   7
#define XENMAPSPACE_shared_info 0
#define DOMID_SELF              0x7ff0U

#define PAGE_SHIFT              12

extern char hypercall_page[];
extern char shared_info_page[];

struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};

/*
 * vcpu_info[0] opens shared_info; its time record sits at offset 32 in both
 * the 32-bit and the 64-bit layout (Xen picks the layout for HVM guests).
 */
#define VCPU0_TIME_OFFSET 32

struct sched_poll {
    uint32_t ports;             /* guest handle: a 32-bit pointer */
    uint32_t nr_ports;
    uint64_t timeout;           /* absolute Xen system time, ns */
};

struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;
    uint32_t space;
    uint32_t idx;               /* xen_ulong_t of the 32-bit ABI */
    uint32_t gpfn;              /* xen_pfn_t of the 32-bit ABI */
};

static volatile struct vcpu_time_info *vcpu0_time;
static uint32_t tsc_khz;

static long hypercall2(unsigned int nr, uint32_t a1, uint32_t a2)
{
    long ret;
    uint32_t b = a1, c = a2;

    asm volatile ( "call *%[entry]"
                   : "=a" (ret), "+b" (b), "+c" (c)
                   : [entry] "r" (hypercall_page + nr * 32)
                   : "memory", "edx", "esi", "edi" );
    return ret;
}

static uint32_t xen_cpuid_base(void)
{
    uint32_t base, a, b, c, d;

    for ( base = 0x40000000; base < 0x40010000; base += 0x100 )
    {
        cpuid(base, &a, &b, &c, &d);
        /* "XenVMMXenVMM" */
        if ( b == 0x566e6558 && c == 0x65584d4d && d == 0x4d4d566e &&
             a - base >= 3 )
            return base;
    }
    return 0;
}

int xen_init(void)
{
    uint32_t base = xen_cpuid_base(), a, b, c, d;
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info,
        .idx = 0,
        .gpfn = (uint32_t)(uintptr_t)shared_info_page >> PAGE_SHIFT,
    };

    if ( !base )
        return -1;
    /* Leaf base+2: EBX is the MSR that makes Xen fill in the hypercall page. */
    cpuid(base + 2, &a, &b, &c, &d);
    wrmsr(b, (uint32_t)(uintptr_t)hypercall_page);
    /* Leaf base+3, subleaf 0: ECX is the guest TSC frequency in kHz. */
    cpuid(base + 3, &a, &b, &c, &d);
    tsc_khz = c;
    if ( hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
                    (uint32_t)(uintptr_t)&xatp) )
        return -2;
    vcpu0_time = (volatile struct vcpu_time_info *)
                 (shared_info_page + VCPU0_TIME_OFFSET);
    return 0;
}

uint32_t xen_tsc_khz(void)
{
    return tsc_khz;
}

/* ((delta << shift) * mul) >> 32, with a 96-bit product done in two halves. */
static uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
    uint64_t lo, hi;

    if ( shift < 0 )
        delta >>= -shift;
    else
        delta <<= shift;
    lo = (uint64_t)(uint32_t)delta * mul;
    hi = (uint64_t)(uint32_t)(delta >> 32) * mul;
    return hi + (lo >> 32);
}

uint64_t xen_tsc_to_ns(uint64_t tsc_delta)
{
    return scale_delta(tsc_delta, vcpu0_time->tsc_to_system_mul,
                       vcpu0_time->tsc_shift);
}

uint64_t xen_now_ns(void)
{
    uint32_t version;
    uint64_t t;

    do {
        version = vcpu0_time->version;
        asm volatile ( "" ::: "memory" );
        t = vcpu0_time->system_time +
            scale_delta(rdtsc() - vcpu0_time->tsc_timestamp,
                        vcpu0_time->tsc_to_system_mul,
                        vcpu0_time->tsc_shift);
        asm volatile ( "" ::: "memory" );
    } while ( (version & 1) || version != vcpu0_time->version );
    return t;
}

/*
 * Block in Xen until the deadline: SCHEDOP_poll on no ports with a timeout.
 * The vCPU is descheduled (idle, as credit sees it) and no device is touched.
 */
void xen_sleep_until(uint64_t deadline_ns, uint32_t *wakeups)
{
    struct sched_poll poll = { .ports = 0, .nr_ports = 0 };

    while ( xen_now_ns() < deadline_ns )
    {
        poll.timeout = deadline_ns;
        hypercall2(__HYPERVISOR_sched_op, SCHEDOP_poll,
                   (uint32_t)(uintptr_t)&poll);
        if ( wakeups )
            (*wakeups)++;
    }
}

void xen_shutdown(unsigned int reason)
{
    uint32_t r = reason;

    hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown,
               (uint32_t)(uintptr_t)&r);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few Xen interfaces the test guest uses: hypercall page, shared info
 * (for the PV clock), SCHEDOP_poll with a timeout (an idle wait that makes no
 * emulated I/O) and SCHEDOP_shutdown.  Constants are from Xen's public
 * headers (xen.h, sched.h, memory.h, hvm/start_info.h), which are a stable ABI.
 */
#ifndef COOPVMM_GUEST_XEN_H
#define COOPVMM_GUEST_XEN_H

#include <stdint.h>

#define HVM_START_MAGIC_VALUE   0x336ec578

/* public/hvm/start_info.h, version 0 part */
struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
};

/* public/sched.h: enum sched_shutdown_reason */
#define SHUTDOWN_poweroff   0
#define SHUTDOWN_crash      3

int xen_init(void);
uint64_t xen_now_ns(void);
uint64_t xen_tsc_to_ns(uint64_t tsc_delta);
uint32_t xen_tsc_khz(void);
void xen_sleep_until(uint64_t deadline_ns, uint32_t *wakeups);
void xen_shutdown(unsigned int reason);

#endif /* COOPVMM_GUEST_XEN_H */

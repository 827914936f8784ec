/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_text.h - parsers of the text the xen backend reads from dom0's
 * kernel (xen_text.c): /proc/PID/schedstat, /proc/PID/stat,
 * /proc/PID/cmdline, the PV backends' sysfs counters and directory
 * names, and /proc/net/dev.
 *
 * Pure functions over a buffer and its length (no NUL needed, none
 * assumed): no I/O, no allocation, no logging, so that they are tested
 * and fuzzed on their own (tests/fuzz/fuzz_xentext.c).  Each returns 0
 * or -EINVAL for text it does not recognise, and leaves its outputs
 * untouched then.
 */
#ifndef COOPVMM_XEN_TEXT_H
#define COOPVMM_XEN_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * /proc/PID/schedstat: "RUN_NS WAIT_NS RUNS\n" of one task (Linux
 * CONFIG_SCHED_INFO): time on a CPU (ns), time runnable but waiting
 * (ns), and the number of times it was scheduled in.
 */
int xen_text_schedstat(const char *buf, size_t len, uint64_t *run_ns,
                       uint64_t *wait_ns, uint64_t *runs);

/*
 * /proc/PID/stat: field 22, the process's start time in clock ticks
 * since boot.  The command name (field 2) is in parentheses and may hold
 * spaces and parentheses itself: the fields are counted after the last
 * ')'.
 */
int xen_text_stat_start(const char *buf, size_t len, uint64_t *start);

/*
 * /proc/PID/cmdline (arguments separated and ended by NULs): the domid
 * that QEMU serves, the number after the argument "-xen-domid".
 * -ENOENT if there is no such argument.
 */
int xen_text_cmdline_domid(const char *buf, size_t len, uint32_t *domid);

/* A sysfs counter: a decimal number and an optional newline. */
int xen_text_u64(const char *buf, size_t len, uint64_t *v);

/*
 * A /sys/bus/xen-backend/devices entry "KIND-DOMID-DEV" (e.g.
 * "vbd-5-51712"), where KIND is `kind`: its domid and device number.
 */
int xen_text_backend_name(const char *name, const char *kind,
                          uint32_t *domid, uint32_t *dev);

/*
 * A network interface named as the Xen toolstack names a guest's:
 * "vif<DOMID>.<DEV>" (netback) or "vif<DOMID>.<DEV>-emu" (the tap of the
 * emulated NIC that the device model serves).
 */
int xen_text_vif_name(const char *name, uint32_t *domid, uint32_t *dev,
                      bool *emu);

/* One interface of /proc/net/dev, as dom0 counts it. */
struct xen_netdev {
    char name[32];
    uint64_t rx_bytes, rx_pkts, tx_bytes, tx_pkts;
};

/*
 * The next interface line of /proc/net/dev from *pos (start at 0) in
 * buf[0..len): 1 and *out filled, 0 at the end, -EINVAL for a damaged
 * line (skipped: *pos moves past it, so the caller may go on).  The two
 * header lines and lines cut short by the end of the buffer are skipped.
 */
int xen_text_netdev_next(const char *buf, size_t len, size_t *pos,
                         struct xen_netdev *out);

#endif /* COOPVMM_XEN_TEXT_H */

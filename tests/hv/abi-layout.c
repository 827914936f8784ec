/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * abi-layout.c: list every offset, size and constant of the coop-ioreq
 * ABI.  Built twice: -DSIDE_DAEMON against the daemon's headers and
 * -DSIDE_XEN against the patched Xen tree's public headers.
 */
#include <stdint.h>

#if defined(SIDE_DAEMON)
#include <xenctrl.h>
#include "ioreq.h"
#define ABI_LAYOUT  abi_layout_daemon
#elif defined(SIDE_XEN)
#define __XEN_TOOLS__ 1
#include <xen/xen.h>        /* -I gen/pub: the tree's xen/include/public */
#include <xen/sysctl.h>
#include <xen/coop-ioreq.h>
#define ABI_LAYOUT  abi_layout_xen
#else
#error "build with -DSIDE_DAEMON or -DSIDE_XEN"
#endif

#include "abi-layout.h"

#define OFF(t, f)   { "offsetof(" #t ", " #f ")", offsetof(struct t, f) }, \
                    { "sizeof(" #t "." #f ")", sizeof(((struct t *)0)->f) }
#define SIZE(t)     { "sizeof(" #t ")", sizeof(struct t) }
#define VAL(c)      { #c, (c) }

static const struct abi_item items[] = {
    SIZE(xen_coop_ioreq_dom),
    OFF(xen_coop_ioreq_dom, size),
    OFF(xen_coop_ioreq_dom, version),
    OFF(xen_coop_ioreq_dom, domid),
    OFF(xen_coop_ioreq_dom, flags),
    OFF(xen_coop_ioreq_dom, nr_vcpus),
    OFF(xen_coop_ioreq_dom, pio_read),
    OFF(xen_coop_ioreq_dom, pio_write),
    OFF(xen_coop_ioreq_dom, mmio_read),
    OFF(xen_coop_ioreq_dom, mmio_write),
    OFF(xen_coop_ioreq_dom, reps),
    OFF(xen_coop_ioreq_dom, bytes),
    OFF(xen_coop_ioreq_dom, xen),
    OFF(xen_coop_ioreq_dom, dm),
    OFF(xen_coop_ioreq_dom, buffered),
    OFF(xen_coop_ioreq_dom, none),
    OFF(xen_coop_ioreq_dom, running),
    OFF(xen_coop_ioreq_dom, runnable),
    OFF(xen_coop_ioreq_dom, blocked),
    OFF(xen_coop_ioreq_dom, offline),
    OFF(xen_coop_ioreq_dom, nr_online_vcpus),
    SIZE(xen_coop_ioreq_trace_rec),
    OFF(xen_coop_ioreq_trace_rec, ts),
    OFF(xen_coop_ioreq_trace_rec, addr),
    OFF(xen_coop_ioreq_trace_rec, data),
    OFF(xen_coop_ioreq_trace_rec, rip),
    OFF(xen_coop_ioreq_trace_rec, count),
    OFF(xen_coop_ioreq_trace_rec, vcpu),
    OFF(xen_coop_ioreq_trace_rec, size),
    OFF(xen_coop_ioreq_trace_rec, flags),
    OFF(xen_coop_ioreq_trace_rec, dest),
    SIZE(xen_sysctl_coop_ioreq),
    OFF(xen_sysctl_coop_ioreq, op),
    OFF(xen_sysctl_coop_ioreq, version),
    OFF(xen_sysctl_coop_ioreq, domid),
    OFF(xen_sysctl_coop_ioreq, max_recs),
    OFF(xen_sysctl_coop_ioreq, rec_size),
    OFF(xen_sysctl_coop_ioreq, num_recs),
    OFF(xen_sysctl_coop_ioreq, overruns),
    OFF(xen_sysctl_coop_ioreq, buffer),
    OFF(xen_sysctl, cmd),
    OFF(xen_sysctl, interface_version),
    OFF(xen_sysctl, u),
    VAL(XEN_SYSCTL_coop_ioreq),
    VAL(XEN_COOP_IOREQ_VERSION),
    VAL(XEN_COOP_IOREQ_OP_counters),
    VAL(XEN_COOP_IOREQ_OP_trace_enable),
    VAL(XEN_COOP_IOREQ_OP_trace_disable),
    VAL(XEN_COOP_IOREQ_OP_trace_read),
    VAL(XEN_COOP_IOREQ_DEST_XEN),
    VAL(XEN_COOP_IOREQ_DEST_DM),
    VAL(XEN_COOP_IOREQ_DEST_BUFFERED),
    VAL(XEN_COOP_IOREQ_DEST_NONE),
    VAL(XEN_COOP_IOREQ_NR_DESTS),
    VAL(XEN_COOP_IOREQ_MAX_RING),
    VAL(XEN_COOP_IOREQ_MAX_READ),
    VAL(XEN_COOP_IOREQ_DOM_F_HVM),
    VAL(XEN_COOP_IOREQ_DOM_F_TRACING),
    VAL(XEN_COOP_IOREQ_DOM_SIZE_V1),
    VAL(XEN_COOP_IOREQ_DOM_SIZE_V2),
    VAL(XEN_COOP_IOREQ_TR_F_MMIO),
    VAL(XEN_COOP_IOREQ_TR_F_WRITE),
    VAL(XEN_COOP_IOREQ_TR_F_DATA),
    VAL(XEN_COOP_IOREQ_TR_F_DATA_IS_PTR),
    VAL(XEN_COOP_IOREQ_TR_F_PCI_CONFIG),
    VAL(XEN_COOP_IOREQ_TRACE_SIZE_V1),
};

_Static_assert(sizeof(struct xen_coop_ioreq_dom) ==
               XEN_COOP_IOREQ_DOM_SIZE_V2, "dom record size");
_Static_assert(offsetof(struct xen_coop_ioreq_dom, running) ==
               XEN_COOP_IOREQ_DOM_SIZE_V1, "version 2 appends to version 1");
_Static_assert(sizeof(struct xen_coop_ioreq_trace_rec) ==
               XEN_COOP_IOREQ_TRACE_SIZE_V1, "trace record size");
_Static_assert(sizeof(struct xen_sysctl_coop_ioreq) <=
               sizeof(((struct xen_sysctl *)0)->u), "fits xen_sysctl.u");

const struct abi_item *ABI_LAYOUT(unsigned int *nr)
{
    *nr = sizeof(items) / sizeof(items[0]);
    return items;
}

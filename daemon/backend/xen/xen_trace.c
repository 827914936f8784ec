/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_trace.c - the xen backend's per-request trace: switch a domain's
 * trace on and off and read its records through the hv-patch sysctl
 * (ioreq.c), into the form coopctl iotrace shows.  The record buffer is
 * allocated at the first trace, never per read.
 */
#include <errno.h>
#include <stdlib.h>

#include "ioreq.h"
#include "log.h"
#include "xen_trace.h"

void xen_trace_rec(const struct xen_coop_ioreq_trace_rec *in,
                   struct backend_trace_rec *out)
{
    static const char *const dest[XEN_COOP_IOREQ_NR_DESTS] = {
        [XEN_COOP_IOREQ_DEST_XEN] = "xen",
        [XEN_COOP_IOREQ_DEST_DM] = "dm",
        [XEN_COOP_IOREQ_DEST_BUFFERED] = "buffered",
        [XEN_COOP_IOREQ_DEST_NONE] = "none",
    };

    out->ts_ns = in->ts;
    out->vcpu = in->vcpu;
    out->mmio = in->flags & XEN_COOP_IOREQ_TR_F_MMIO;
    out->write = in->flags & XEN_COOP_IOREQ_TR_F_WRITE;
    out->data_is_ptr = in->flags & XEN_COOP_IOREQ_TR_F_DATA_IS_PTR;
    out->addr = in->addr;
    out->size = in->size;
    out->count = in->count;
    out->data = in->data;
    out->rip = in->rip;
    out->handler = in->dest < XEN_COOP_IOREQ_NR_DESTS ? dest[in->dest]
                                                      : "unknown";
}

int xen_trace(struct backend *b, uint32_t domid,
              enum backend_trace_op op, struct backend_trace_rec *out,
              unsigned int max, uint64_t *overruns)
{
    int r, i;

    if ( !b->ior )
        return -ENOSYS;
    switch ( op )
    {
    case TRACE_ON:
        if ( !b->trace_buf &&
             !(b->trace_buf = calloc(XEN_COOP_IOREQ_MAX_READ,
                                     sizeof(*b->trace_buf))) )
            return -ENOMEM;
        r = ioreq_trace_enable(b->ior, domid, 0);
        break;
    case TRACE_OFF:
        r = ioreq_trace_disable(b->ior, domid);
        break;
    case TRACE_READ:
        if ( !b->trace_buf )
            return -ENODATA;    /* as Xen says when tracing is off */
        if ( max > XEN_COOP_IOREQ_MAX_READ )
            max = XEN_COOP_IOREQ_MAX_READ;
        r = ioreq_trace_read(b->ior, domid, b->trace_buf, max, overruns);
        for ( i = 0; i < r; i++ )
            xen_trace_rec(&b->trace_buf[i], &out[i]);
        break;
    default:
        return -EINVAL;
    }
    if ( r < 0 && r != -ENODATA )
    {
        errno = -r;
        log_warn("d%u: ioreq trace %s", domid,
                 op == TRACE_ON ? "enable" : op == TRACE_OFF ? "disable"
                                                             : "read");
    }
    return r;
}

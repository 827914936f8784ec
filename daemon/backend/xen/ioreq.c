/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ioreq.c: issue XEN_SYSCTL_coop_ioreq from dom0 (see ioreq.h).
 *
 * Uses only libxenctrl's public API (xc_sysctl() and hypercall buffers).
 * It must not allocate on the polling path (ioreq_reader_read()), and it
 * knows nothing of policy or logging.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>

#include "ioreq.h"

/* The daemon and the hypervisor must agree on the layout: V2 appends. */
_Static_assert(sizeof(struct xen_coop_ioreq_dom) ==
               XEN_COOP_IOREQ_DOM_SIZE_V2, "xen_coop_ioreq_dom size");
_Static_assert(offsetof(struct xen_coop_ioreq_dom, running) ==
               XEN_COOP_IOREQ_DOM_SIZE_V1, "V2 fields follow V1's");
_Static_assert(sizeof(struct xen_coop_ioreq_trace_rec) ==
               XEN_COOP_IOREQ_TRACE_SIZE_V1, "xen_coop_ioreq_trace_rec size");
_Static_assert(sizeof(struct xen_sysctl_coop_ioreq) <=
               sizeof(((struct xen_sysctl *)NULL)->u),
               "payload fits xen_sysctl.u");
_Static_assert(offsetof(struct xen_coop_ioreq_dom, pio_read) == 16,
               "first counter at 16");
_Static_assert(offsetof(struct xen_coop_ioreq_dom, none) == 88,
               "last counter at 88");

struct ioreq_reader {
    xc_interface *xch;
    unsigned int max_domains;
    xc_hypercall_buffer_t dom_buf;      /* max_domains records */
    xc_hypercall_buffer_t trace_buf;    /* XEN_COOP_IOREQ_MAX_READ, lazily */
};

/* An unallocated hypercall buffer, as DECLARE_HYPERCALL_BUFFER makes. */
static void ioreq_buf_init(xc_hypercall_buffer_t *b)
{
    memset(b, 0, sizeof(*b));
    b->ubuf = (void *)-1;
}

/* Issue one op; op->buffer must already be set.  0 or -errno. */
static int ioreq_sysctl(xc_interface *xch, struct xen_sysctl_coop_ioreq *op)
{
    struct xen_sysctl sysctl;

    memset(&sysctl, 0, sizeof(sysctl));
    sysctl.cmd = XEN_SYSCTL_coop_ioreq;
    memcpy(&sysctl.u, op, sizeof(*op));
    if ( xc_sysctl(xch, &sysctl) )
        return errno ? -errno : -EIO;
    memcpy(op, &sysctl.u, sizeof(*op));

    return 0;
}

/*
 * An older hypervisor filled only the first 'filled' bytes of each of the
 * n records: zero the rest, so that absent fields read as 0 and .size
 * (which Xen set to 'filled') tells the caller what is real.
 */
static void ioreq_zero_tails(uint8_t *buf, unsigned int n, size_t filled)
{
    const size_t rsz = sizeof(struct xen_coop_ioreq_dom);
    unsigned int i;

    if ( filled >= rsz )
        return;
    for ( i = 0; i < n; i++ )
        memset(buf + i * rsz + filled, 0, rsz - filled);
}

struct ioreq_reader *ioreq_reader_new(xc_interface *xch,
                                      unsigned int max_domains)
{
    struct ioreq_reader *r;

    if ( !xch || !max_domains || max_domains > DOMID_FIRST_RESERVED )
    {
        errno = EINVAL;
        return NULL;
    }
    r = calloc(1, sizeof(*r));
    if ( !r )
        return NULL;
    r->xch = xch;
    r->max_domains = max_domains;
    ioreq_buf_init(&r->dom_buf);
    ioreq_buf_init(&r->trace_buf);
    if ( !xc__hypercall_buffer_alloc(xch, &r->dom_buf,
                                     (size_t)max_domains *
                                     sizeof(struct xen_coop_ioreq_dom)) )
    {
        int saved = errno ? errno : ENOMEM;

        free(r);
        errno = saved;
        return NULL;
    }

    return r;
}

void ioreq_reader_free(struct ioreq_reader *r)
{
    if ( !r )
        return;
    xc__hypercall_buffer_free(r->xch, &r->dom_buf);
    if ( r->trace_buf.hbuf )
        xc__hypercall_buffer_free(r->xch, &r->trace_buf);
    free(r);
}

int ioreq_reader_read(struct ioreq_reader *r,
                      const struct xen_coop_ioreq_dom **recs)
{
    struct xen_sysctl_coop_ioreq op = {
        .op = XEN_COOP_IOREQ_OP_counters,
        .domid = 0,
        .max_recs = r->max_domains,
        .rec_size = sizeof(struct xen_coop_ioreq_dom),
    };
    uint8_t *buf = r->dom_buf.hbuf;
    int rc;

    /*
     * buf is hypercall-safe memory; set_xen_guest_handle() would say the
     * same but does void-pointer arithmetic that -Wpointer-arith rejects.
     */
    set_xen_guest_handle_raw(op.buffer, buf);
    rc = ioreq_sysctl(r->xch, &op);
    if ( rc )
        return rc;
    if ( op.num_recs > r->max_domains ||
         op.rec_size < XEN_COOP_IOREQ_DOM_SIZE_V1 ||
         op.rec_size > sizeof(struct xen_coop_ioreq_dom) )
        return -EPROTO;
    ioreq_zero_tails(buf, op.num_recs, op.rec_size);

    *recs = (const struct xen_coop_ioreq_dom *)buf;
    return op.num_recs;
}

static int ioreq_trace_op(struct ioreq_reader *r, uint32_t op_nr,
                          uint32_t domid, uint32_t arg)
{
    struct xen_sysctl_coop_ioreq op = {
        .op = op_nr,
        .domid = domid,
        .max_recs = arg,
    };

    set_xen_guest_handle_raw(op.buffer, NULL);
    return ioreq_sysctl(r->xch, &op);
}

int ioreq_trace_enable(struct ioreq_reader *r, uint32_t domid,
                       unsigned int entries_per_vcpu)
{
    if ( !entries_per_vcpu )
        entries_per_vcpu = IOREQ_TRACE_DEFAULT_ENTRIES;
    if ( entries_per_vcpu > XEN_COOP_IOREQ_MAX_RING )
        return -EINVAL;

    return ioreq_trace_op(r, XEN_COOP_IOREQ_OP_trace_enable, domid,
                          entries_per_vcpu);
}

int ioreq_trace_disable(struct ioreq_reader *r, uint32_t domid)
{
    return ioreq_trace_op(r, XEN_COOP_IOREQ_OP_trace_disable, domid, 0);
}

int ioreq_trace_read(struct ioreq_reader *r, uint32_t domid,
                     struct xen_coop_ioreq_trace_rec *out, unsigned int max,
                     uint64_t *overruns)
{
    const size_t rsz = sizeof(struct xen_coop_ioreq_trace_rec);
    unsigned int got = 0;
    int rc;

    if ( !r->trace_buf.hbuf &&
         !xc__hypercall_buffer_alloc(r->xch, &r->trace_buf,
                                     XEN_COOP_IOREQ_MAX_READ * rsz) )
        return errno ? -errno : -ENOMEM;

    /* Each call moves the oldest records, so the batches stay in order. */
    do {
        uint8_t *buf = r->trace_buf.hbuf;
        struct xen_sysctl_coop_ioreq op = {
            .op = XEN_COOP_IOREQ_OP_trace_read,
            .domid = domid,
            .max_recs = max - got < XEN_COOP_IOREQ_MAX_READ
                        ? max - got : XEN_COOP_IOREQ_MAX_READ,
            .rec_size = rsz,
        };

        set_xen_guest_handle_raw(op.buffer, buf);
        rc = ioreq_sysctl(r->xch, &op);
        if ( rc )
            return rc;
        if ( op.num_recs > op.max_recs ||
             op.rec_size < XEN_COOP_IOREQ_TRACE_SIZE_V1 )
            return -EPROTO;
        memcpy(out + got, buf, op.num_recs * rsz);
        got += op.num_recs;
        if ( overruns )
            *overruns = op.overruns;
        if ( !op.num_recs )
            break;
    } while ( got < max );

    return got;
}

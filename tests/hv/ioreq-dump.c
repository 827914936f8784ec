/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ioreq-dump: print the hv-patch ioreq counters of every domain, or trace
 * one domain's requests for a while.  A dom0 test tool: its output format
 * is stable and parsed by the system test, so change it only together.
 *
 *   ioreq-dump                  one line per domain:
 *     domid=1 vcpus=1 pio_read=N pio_write=N mmio_read=N mmio_write=N
 *     reps=N bytes=N xen=N dm=N buffered=N none=N
 *     and, from a version 2 hypervisor (runstate sums, ns):
 *     online=N running_ns=N runnable_ns=N blocked_ns=N offline_ns=N
 *   ioreq-dump -t DOMID SECONDS [-n ENTRIES]
 *                               trace DOMID for SECONDS, then one line per
 *                               request (see trace_print()) and a summary
 *                               "trace domid=D records=N overruns=N"
 *
 * Exit status: 0 on success, 2 when the hypervisor lacks the patch
 * (ENOSYS), 1 on any other error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenctrl.h>

#include "ioreq.h"

#define MAX_DOMAINS     1024
#define TRACE_BATCH     XEN_COOP_IOREQ_MAX_READ

static const char *const dest_name[XEN_COOP_IOREQ_NR_DESTS] = {
    [XEN_COOP_IOREQ_DEST_XEN] = "xen",
    [XEN_COOP_IOREQ_DEST_DM] = "dm",
    [XEN_COOP_IOREQ_DEST_BUFFERED] = "buffered",
    [XEN_COOP_IOREQ_DEST_NONE] = "none",
};

static int fail(const char *what, int rc)
{
    fprintf(stderr, "ioreq-dump: %s: %s%s\n", what, strerror(-rc),
            rc == -ENOSYS ? " (hypervisor without the coopvmm patch?)" : "");
    return rc == -ENOSYS ? 2 : 1;
}

static int counters(struct ioreq_reader *r)
{
    const struct xen_coop_ioreq_dom *d;
    int n, i;

    n = ioreq_reader_read(r, &d);
    if ( n < 0 )
        return fail("reading counters", n);
    for ( i = 0; i < n; i++ )
    {
        printf("domid=%u vcpus=%u pio_read=%" PRIu64 " pio_write=%" PRIu64
               " mmio_read=%" PRIu64 " mmio_write=%" PRIu64 " reps=%" PRIu64
               " bytes=%" PRIu64 " xen=%" PRIu64 " dm=%" PRIu64
               " buffered=%" PRIu64 " none=%" PRIu64,
               d[i].domid, d[i].nr_vcpus, d[i].pio_read, d[i].pio_write,
               d[i].mmio_read, d[i].mmio_write, d[i].reps, d[i].bytes,
               d[i].xen, d[i].dm, d[i].buffered, d[i].none);
        if ( ioreq_dom_has_runstate(&d[i]) )
            printf(" online=%u running_ns=%" PRIu64 " runnable_ns=%" PRIu64
                   " blocked_ns=%" PRIu64 " offline_ns=%" PRIu64,
                   d[i].nr_online_vcpus, d[i].running, d[i].runnable,
                   d[i].blocked, d[i].offline);
        printf("\n");
    }

    return 0;
}

/*
 * ts=NS vcpu=V pio|mmio read|write addr=0xA size=S count=C
 * data=0xD|data=ptr:0xGPA|data=- rip=0xR to=xen|dm|buffered|none
 */
static void trace_print(const struct xen_coop_ioreq_trace_rec *t)
{
    printf("ts=%" PRIu64 " vcpu=%u %s %s addr=0x%" PRIx64 " size=%u count=%u",
           t->ts, t->vcpu,
           t->flags & XEN_COOP_IOREQ_TR_F_MMIO ? "mmio" : "pio",
           t->flags & XEN_COOP_IOREQ_TR_F_WRITE ? "write" : "read",
           t->addr, t->size, t->count);
    if ( t->flags & XEN_COOP_IOREQ_TR_F_DATA_IS_PTR )
        printf(" data=ptr:0x%" PRIx64, t->data);
    else if ( t->flags & XEN_COOP_IOREQ_TR_F_DATA )
        printf(" data=0x%" PRIx64, t->data);
    else
        printf(" data=-");
    printf(" rip=0x%" PRIx64 " to=%s%s\n", t->rip,
           t->dest < XEN_COOP_IOREQ_NR_DESTS ? dest_name[t->dest] : "?",
           t->flags & XEN_COOP_IOREQ_TR_F_PCI_CONFIG ? " pcicfg" : "");
}

static int trace(struct ioreq_reader *r, uint32_t domid, unsigned int secs,
                 unsigned int entries)
{
    struct xen_coop_ioreq_trace_rec *buf;
    uint64_t overruns = 0, total = 0;
    int rc, n, i, ret = 0;

    buf = calloc(TRACE_BATCH, sizeof(*buf));
    if ( !buf )
        return fail("allocating", -ENOMEM);
    rc = ioreq_trace_enable(r, domid, entries);
    if ( rc )
    {
        free(buf);
        return fail("enabling the trace", rc);
    }
    sleep(secs);

    while ( (n = ioreq_trace_read(r, domid, buf, TRACE_BATCH,
                                  &overruns)) > 0 )
    {
        for ( i = 0; i < n; i++ )
            trace_print(&buf[i]);
        total += n;
    }
    if ( n < 0 )
        ret = fail("reading the trace", n);
    rc = ioreq_trace_disable(r, domid);
    if ( rc && !ret )
        ret = fail("disabling the trace", rc);
    if ( !ret )
        printf("trace domid=%u records=%" PRIu64 " overruns=%" PRIu64 "\n",
               domid, total, overruns);
    free(buf);

    return ret;
}

static int usage(void)
{
    fprintf(stderr, "usage: ioreq-dump [-t DOMID SECONDS [-n ENTRIES]]\n");
    return 1;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;

    errno = 0;
    *out = strtoul(s, &end, 0);
    return (errno || !*s || *end || *out > max) ? -1 : 0;
}

int main(int argc, char **argv)
{
    struct ioreq_reader *r;
    xc_interface *xch;
    unsigned long domid = 0, secs = 0, entries = 0;
    int ret;

    if ( argc == 1 )
        ;
    else if ( (argc == 4 || argc == 6) && !strcmp(argv[1], "-t") )
    {
        if ( parse_uint(argv[2], DOMID_FIRST_RESERVED - 1, &domid) ||
             parse_uint(argv[3], 86400, &secs) ||
             (argc == 6 && (strcmp(argv[4], "-n") ||
                            parse_uint(argv[5], XEN_COOP_IOREQ_MAX_RING,
                                       &entries))) )
            return usage();
    }
    else
        return usage();

    xch = xc_interface_open(NULL, NULL, 0);
    if ( !xch )
    {
        perror("ioreq-dump: xc_interface_open");
        return 1;
    }
    r = ioreq_reader_new(xch, MAX_DOMAINS);
    if ( !r )
    {
        ret = fail("ioreq_reader_new", -errno);
        xc_interface_close(xch);
        return ret;
    }

    ret = argc == 1 ? counters(r) : trace(r, domid, secs, entries);

    ioreq_reader_free(r);
    xc_interface_close(xch);
    if ( fflush(stdout) )
        ret = 1;

    return ret;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_pv.c - the xen backend's PV block and network counters: one
 * libxenstat node per poll for all domains, as xentop reads them, kept
 * going with what works when one collector fails.
 *
 * A missing counter degrades the sample; it never fails it.
 */
#include "log.h"
#include "xen_dom.h"
#include "xen_pv.h"

#define XEN_XST_RETRY       600     /* polls between libxenstat retries */

static void xen_pv_domain(xenstat_domain *xd, unsigned int flags,
                          struct policy_sample *s)
{
    unsigned int i, nv, nn;

    if ( flags & XENSTAT_VBD )
    {
        nv = xenstat_domain_num_vbds(xd);
        for ( i = 0; i < nv; i++ )
        {
            xenstat_vbd *v = xenstat_domain_vbd(xd, i);

            if ( !v || xenstat_vbd_error(v) )
                continue;
            s->c.vbd_rd_req += xenstat_vbd_rd_reqs(v);
            s->c.vbd_wr_req += xenstat_vbd_wr_reqs(v);
            s->c.vbd_rd_sect += xenstat_vbd_rd_sects(v);
            s->c.vbd_wr_sect += xenstat_vbd_wr_sects(v);
        }
        s->signals |= POLICY_HAS_VBD;
    }
    if ( flags & XENSTAT_NETWORK )
    {
        nn = xenstat_domain_num_networks(xd);
        for ( i = 0; i < nn; i++ )
        {
            xenstat_network *net = xenstat_domain_network(xd, i);

            if ( !net )
                continue;
            s->c.net_rx_pkts += xenstat_network_rpackets(net);
            s->c.net_tx_pkts += xenstat_network_tpackets(net);
            s->c.net_rx_bytes += xenstat_network_rbytes(net);
            s->c.net_tx_bytes += xenstat_network_tbytes(net);
        }
        s->signals |= POLICY_HAS_NET;
    }
}

/*
 * libxenstat's node for the flags that work.  A node fails as a whole if
 * one collector fails (e.g. no /sys/bus/xen-backend), so on failure, and
 * now and then while degraded, try block and network apart and keep what
 * works; say each change once.
 */
static xenstat_node *xen_pv_node(struct backend *b)
{
    static const unsigned int one[] = { XENSTAT_VBD, XENSTAT_NETWORK };
    const unsigned int all = XENSTAT_VBD | XENSTAT_NETWORK;
    xenstat_node *node;
    unsigned int i, flags = 0, lost;

    if ( b->xst_live &&
         (b->xst_live == all || b->poll % XEN_XST_RETRY) &&
         (node = xenstat_get_node(b->xst, b->xst_live)) )
        return node;
    for ( i = 0; i < 2; i++ )
        if ( (node = xenstat_get_node(b->xst, one[i])) )
        {
            xenstat_free_node(node);
            flags |= one[i];
        }
    lost = all & ~flags;
    if ( flags != b->xst_live && !lost )
        log_notice("libxenstat: PV block and network counters are back");
    else if ( flags != b->xst_live )
        log_warnx("libxenstat: cannot collect PV %s counters; continuing "
                  "without them",
                  lost == all ? "block and network" :
                  lost == XENSTAT_VBD ? "block" : "network");
    b->xst_live = flags;
    return flags ? xenstat_get_node(b->xst, flags) : NULL;
}

void xen_pv_stats(struct backend *b, struct policy_sample *s,
                  unsigned int n)
{
    xenstat_node *node;
    unsigned int i, nd;
    int k;

    if ( !b->xst )
    {
        if ( b->poll < b->xst_retry )
            return;
        if ( !(b->xst = xenstat_init()) )
        {
            if ( !b->xst_logged )
                log_warnx("libxenstat: xenstat_init failed; continuing "
                          "without PV block and network counters");
            b->xst_logged = true;
            b->xst_retry = b->poll + XEN_XST_RETRY;
            return;
        }
        if ( b->xst_logged )
            log_notice("libxenstat: initialised");
        b->xst_logged = false;
        b->xst_live = XENSTAT_VBD | XENSTAT_NETWORK;
    }
    if ( !(node = xen_pv_node(b)) )
        return;
    nd = xenstat_node_num_domains(node);
    for ( i = 0; i < nd; i++ )
    {
        xenstat_domain *xd = xenstat_node_domain_by_index(node, i);

        if ( xd && (k = XEN_DOMID_INDEX(s, n, xenstat_domain_id(xd))) >= 0 )
            xen_pv_domain(xd, b->xst_live, &s[k]);
    }
    xenstat_free_node(node);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rates.c - cumulative counters -> per-second rates and percentages ->
 * smoothed metrics, and the cpupool figures built from them.
 *
 * Pure logic.  Every metric stays within its documented range whatever
 * the counters did: a counter that went down (a reset) gives no rate for
 * that poll, and a domain whose vCPUs came or went mid-interval is
 * measured against the most vCPUs it had during it.
 */
#include <math.h>
#include <string.h>

#include "policy_int.h"

/* Signal groups, each with its own reset detection. */
enum group { G_CPU, G_IOREQ, G_VBD, G_NET, G_RUNSTATE, G_DM, G__COUNT };

uint32_t policy_metric_signals(enum policy_metric m)
{
    switch ( m )
    {
    case M_CPU:
    case M_CPUPOOL_BUSY:
        return POLICY_HAS_CPU;
    case M_VBD_IOPS:
    case M_VBD_SECTORS:
        return POLICY_HAS_VBD;
    case M_NET_PKTS:
    case M_NET_BYTES:
        return POLICY_HAS_NET;
    case M_IO:
        return POLICY_HAS_IOREQ | POLICY_HAS_DM | POLICY_HAS_VBD |
               POLICY_HAS_NET;
    case M_CPU_WAIT:
    case M_CPU_DEMAND:
    case M_CPUPOOL_WAIT:
        return POLICY_HAS_RUNSTATE;
    case M_DM_CPU:
    case M_DM_RUNS:
        return POLICY_HAS_DM;
    default:
        return POLICY_HAS_IOREQ;        /* the ioreq family */
    }
}

bool policy_metric_missing(enum policy_metric m, uint32_t signals)
{
    return !(signals & policy_metric_signals(m));
}

/* Counter delta; false if it went down (a reset). */
static bool delta(uint64_t cur, uint64_t prev, double *d)
{
    if ( cur < prev )
        return false;
    *d = (double)(cur - prev);
    return true;
}

static void set_raw(struct dom_state *st, enum policy_metric m, double v)
{
    st->raw[m] = v;
    st->raw_valid[m] = true;
}

static double clamp_pct(double v)
{
    return v < 0 ? 0 : v > 100 ? 100 : v;
}

static void rate_cpu(struct dom_state *st, const struct policy_sample *s,
                     double dt)
{
    uint32_t vcpus = s->vcpus > st->prev_vcpus ? s->vcpus : st->prev_vcpus;
    double d;

    if ( !(s->signals & POLICY_HAS_CPU) || !vcpus ||
         !delta(s->c.cpu_ns, st->prev.cpu_ns, &d) )
        return;
    st->cpus_used = d / (dt * 1e9);
    if ( st->cpus_used > vcpus )
        st->cpus_used = vcpus;
    set_raw(st, M_CPU, clamp_pct(st->cpus_used / vcpus * 100.0));
}

/* Runstate shares of the time the vCPUs were online (not offline). */
static void rate_runstate(struct dom_state *st,
                          const struct policy_sample *s)
{
    const struct policy_counters *c = &s->c, *p = &st->prev;
    double run, wait, blk, online;

    if ( !(s->signals & POLICY_HAS_RUNSTATE) ||
         !delta(c->rs_running_ns, p->rs_running_ns, &run) ||
         !delta(c->rs_runnable_ns, p->rs_runnable_ns, &wait) ||
         !delta(c->rs_blocked_ns, p->rs_blocked_ns, &blk) )
        return;
    online = run + wait + blk;
    if ( online <= 0 )
        return;
    set_raw(st, M_CPU_WAIT, clamp_pct(wait / online * 100.0));
    set_raw(st, M_CPU_DEMAND, clamp_pct((run + wait) / online * 100.0));
}

static bool rate_ioreq(struct dom_state *st, const struct policy_sample *s,
                       double dt)
{
    const struct policy_counters *c = &s->c, *p = &st->prev;
    double pr, pw, mr, mw, bytes, xen, dm, buf, none;

    if ( !(s->signals & POLICY_HAS_IOREQ) ||
         !delta(c->pio_read, p->pio_read, &pr) ||
         !delta(c->pio_write, p->pio_write, &pw) ||
         !delta(c->mmio_read, p->mmio_read, &mr) ||
         !delta(c->mmio_write, p->mmio_write, &mw) ||
         !delta(c->ioreq_bytes, p->ioreq_bytes, &bytes) ||
         !delta(c->ioreq_xen, p->ioreq_xen, &xen) ||
         !delta(c->ioreq_dm, p->ioreq_dm, &dm) ||
         !delta(c->ioreq_buffered, p->ioreq_buffered, &buf) ||
         !delta(c->ioreq_none, p->ioreq_none, &none) )
        return false;
    set_raw(st, M_IOREQ, (pr + pw + mr + mw) / dt);
    set_raw(st, M_IOREQ_PIO, (pr + pw) / dt);
    set_raw(st, M_IOREQ_MMIO, (mr + mw) / dt);
    set_raw(st, M_IOREQ_READ, (pr + mr) / dt);
    set_raw(st, M_IOREQ_WRITE, (pw + mw) / dt);
    set_raw(st, M_IOREQ_BYTES, bytes / dt);
    set_raw(st, M_IOREQ_XEN, xen / dt);
    set_raw(st, M_IOREQ_DM, (dm + buf) / dt);
    set_raw(st, M_IOREQ_NONE, none / dt);
    return true;
}

static bool rate_dm(struct dom_state *st, const struct policy_sample *s,
                    double dt)
{
    double cpu, runs;

    if ( !(s->signals & POLICY_HAS_DM) ||
         !delta(s->c.dm_cpu_ns, st->prev.dm_cpu_ns, &cpu) ||
         !delta(s->c.dm_runs, st->prev.dm_runs, &runs) )
        return false;
    set_raw(st, M_DM_CPU, cpu / (dt * 1e9) * 100.0);
    set_raw(st, M_DM_RUNS, runs / dt);
    return true;
}

static bool rate_pv(struct dom_state *st, const struct policy_sample *s,
                    double dt)
{
    const struct policy_counters *c = &s->c, *p = &st->prev;
    double rr, wr, rs, ws, rp, tp, rb, tb;
    bool any = false;

    if ( (s->signals & POLICY_HAS_VBD) &&
         delta(c->vbd_rd_req, p->vbd_rd_req, &rr) &&
         delta(c->vbd_wr_req, p->vbd_wr_req, &wr) &&
         delta(c->vbd_rd_sect, p->vbd_rd_sect, &rs) &&
         delta(c->vbd_wr_sect, p->vbd_wr_sect, &ws) )
    {
        set_raw(st, M_VBD_IOPS, (rr + wr) / dt);
        set_raw(st, M_VBD_SECTORS, (rs + ws) / dt);
        any = true;
    }
    if ( (s->signals & POLICY_HAS_NET) &&
         delta(c->net_rx_pkts, p->net_rx_pkts, &rp) &&
         delta(c->net_tx_pkts, p->net_tx_pkts, &tp) &&
         delta(c->net_rx_bytes, p->net_rx_bytes, &rb) &&
         delta(c->net_tx_bytes, p->net_tx_bytes, &tb) )
    {
        set_raw(st, M_NET_PKTS, (rp + tp) / dt);
        set_raw(st, M_NET_BYTES, (rb + tb) / dt);
        any = true;
    }
    return any;
}

/* Raw rates of one domain since its previous sample. */
static void raw_rates(struct dom_state *st, const struct policy_sample *s,
                      double dt)
{
    bool ioreq, dm, pv;
    double io = 0;

    rate_cpu(st, s, dt);
    rate_runstate(st, s);
    ioreq = rate_ioreq(st, s, dt);
    dm = rate_dm(st, s, dt);
    pv = rate_pv(st, s, dt);
    if ( !ioreq && !dm && !pv )
        return;
    /* The device model's round trips stand in for ioreq without it. */
    if ( ioreq )
        io += st->raw[M_IOREQ];
    else if ( dm )
        io += st->raw[M_DM_RUNS];
    if ( st->raw_valid[M_VBD_IOPS] )
        io += st->raw[M_VBD_IOPS];
    if ( st->raw_valid[M_NET_PKTS] )
        io += st->raw[M_NET_PKTS];
    set_raw(st, M_IO, io);
}

/* EWMA whose weight follows the real interval: irregular polls are fine. */
static void smooth_one(struct dom_state *st, int m)
{
    if ( !st->raw_valid[m] )
        return;
    if ( !st->ewma_valid[m] )
    {
        st->ewma[m] = st->raw[m];
        st->ewma_valid[m] = true;
    }
    else
        st->ewma[m] += st->alpha * (st->raw[m] - st->ewma[m]);
}

/* Pass 1: rates and smoothing for one sample; feeds the pool sums. */
void policy_observe(struct policy_engine *pe, struct dom_state *st,
                    uint64_t now, const struct policy_sample *s)
{
    const struct policy_config *cfg = pe->cfg;
    struct cpupool_acc *pa;
    int m;

    memset(st->raw_valid, 0, sizeof(st->raw_valid));
    st->cpus_used = 0;
    if ( st->have_prev && now > st->prev_ns )
    {
        raw_rates(st, s, (now - st->prev_ns) / 1e9);
        st->alpha = cfg->halflife_ns
                    ? 1.0 - exp2(-(double)(now - st->prev_ns) /
                                 (double)cfg->halflife_ns)
                    : 1.0;
        for ( m = 0; m < M__COUNT; m++ )
            if ( m != M_CPUPOOL_BUSY && m != M_CPUPOOL_WAIT )
                smooth_one(st, m);
    }
    st->have_prev = true;
    st->prev_ns = now;
    st->prev = s->c;
    st->prev_vcpus = s->vcpus;
    pa = policy_cpupool_for(pe, s);
    if ( !pa )
        return;
    if ( st->raw_valid[M_CPU] )
        pa->busy += st->cpus_used;
    /* Favoured at the last poll: its wait is what throttling is for. */
    if ( st->favoured && st->ewma_valid[M_CPU_WAIT] )
    {
        double w = st->ewma[M_CPU_WAIT];

        if ( w > pa->wait1 )
        {
            pa->wait2 = pa->wait1;
            pa->wait2_domid = pa->wait1_domid;
            pa->wait1 = w;
            pa->wait1_domid = s->domid;
        }
        else if ( w > pa->wait2 )
        {
            pa->wait2 = w;
            pa->wait2_domid = s->domid;
        }
    }
}

double policy_cpupool_waiter(const struct cpupool_acc *pa, uint32_t domid,
                             uint32_t *waiter)
{
    bool self = pa->wait1_domid == domid && pa->wait1 > 0;

    if ( waiter )
        *waiter = self ? pa->wait2_domid : pa->wait1_domid;
    return self ? pa->wait2 : pa->wait1;
}

/* Pass 2: pool-busy and pool-wait, once every domain has been observed. */
void policy_cpupool_metrics(struct policy_engine *pe, struct dom_state *st,
                         const struct policy_sample *s)
{
    struct cpupool_acc *pa = policy_cpupool_for(pe, s);

    if ( !pa )
        return;
    if ( pa->cpus && st->raw_valid[M_CPU] )
    {
        set_raw(st, M_CPUPOOL_BUSY, clamp_pct(pa->busy / pa->cpus * 100.0));
        smooth_one(st, M_CPUPOOL_BUSY);
    }
    /* A maximum of smoothed waits: not smoothed again. */
    if ( (s->signals & POLICY_HAS_RUNSTATE) && st->ewma_valid[M_CPU_WAIT] )
    {
        double w = policy_cpupool_waiter(pa, s->domid, NULL);

        set_raw(st, M_CPUPOOL_WAIT, w);
        st->ewma[M_CPUPOOL_WAIT] = w;
        st->ewma_valid[M_CPUPOOL_WAIT] = true;
    }
}

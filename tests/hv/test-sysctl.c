/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test-sysctl.c: the counters operation of XEN_SYSCTL_coop_ioreq, run
 * against the real patched coop-ioreq.c of a line: records and their
 * sizes (a v1 caller next to a v2 hypervisor), which domains XSM's
 * default hook lets a caller see, the runstate sums read through Xen's own
 * vcpu_runstate_get() and seqcount.h, and the debug key's output.
 */
#include "check.h"

void test_counters_sysctl(void)
{
    struct domain *d = setup(), *d7;
    unsigned char buf[4 * 256];
    struct xen_coop_ioreq_dom *r = (void *)buf;
    struct xen_sysctl_coop_ioreq o;
    uint64_t val = 0;
    unsigned int i;

    d7 = h_domain_new(7, 3, true);

    /* Domain 1: one request on each vCPU; domain 7: two on vCPU 2. */
    h_script.intercept_rc = X86EMUL_OKAY;
    io(d->vcpu[0], false, 0x60, 1, 1, IOREQ_READ, &val);
    io(d->vcpu[1], true, 0xfec00000, 1, 4, IOREQ_WRITE, &val);
    io(d7->vcpu[2], false, 0x70, 2, 2, IOREQ_WRITE, &val);
    h_script.intercept_rc = X86EMUL_UNHANDLEABLE;
    io(d7->vcpu[2], false, 0x71, 1, 1, IOREQ_READ, &val);

    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_counters, 1, 4, sizeof(*r), buf, &o),
             0);
    CHECK_EQ(o.num_recs, 2);                /* 1 and 7 */
    CHECK_EQ(o.version, XEN_COOP_IOREQ_VERSION);
    CHECK_EQ(o.version, 2);
    CHECK_EQ(o.rec_size, XEN_COOP_IOREQ_DOM_SIZE_V2);
    CHECK_EQ(r[0].domid, 1);
    CHECK_EQ(r[0].size, XEN_COOP_IOREQ_DOM_SIZE_V2);
    CHECK_EQ(r[0].version, XEN_COOP_IOREQ_VERSION);
    CHECK_EQ(r[0].nr_vcpus, 2);
    CHECK_EQ(r[0].flags, XEN_COOP_IOREQ_DOM_F_HVM);
    CHECK_EQ(r[0].pio_read, 1);
    CHECK_EQ(r[0].mmio_write, 1);
    CHECK_EQ(r[0].pio_write + r[0].mmio_read, 0);
    CHECK_EQ(r[0].reps, 2);
    CHECK_EQ(r[0].bytes, 5);
    CHECK_EQ(r[0].xen, 2);
    CHECK_EQ(r[1].domid, 7);
    CHECK_EQ(r[1].nr_vcpus, 3);
    CHECK_EQ(r[1].pio_write, 1);
    CHECK_EQ(r[1].pio_read, 1);
    CHECK_EQ(r[1].reps, 3);
    CHECK_EQ(r[1].bytes, 5);
    CHECK_EQ(r[1].xen, 1);
    CHECK_EQ(r[1].none, 1);

    /* From domain 0, at most 2: 0 and 1. */
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_counters, 0, 2, sizeof(*r), buf, &o),
             0);
    CHECK_EQ(o.num_recs, 2);
    CHECK_EQ(r[0].domid, 0);
    CHECK_EQ(r[0].flags, 0);
    CHECK_EQ(r[1].domid, 1);

    /* A newer caller with bigger records: Xen fills what it knows. */
    memset(buf, 0xaa, sizeof(buf));
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_counters, 2, 4, 256, buf, &o), 0);
    CHECK_EQ(o.num_recs, 1);
    CHECK_EQ(o.rec_size, XEN_COOP_IOREQ_DOM_SIZE_V2);
    r = (void *)buf;
    CHECK_EQ(r->domid, 7);
    CHECK_EQ(r->size, XEN_COOP_IOREQ_DOM_SIZE_V2);
    for ( i = XEN_COOP_IOREQ_DOM_SIZE_V2; i < sizeof(buf); i++ )
        if ( buf[i] != 0xaa )
            break;
    CHECK_EQ(i, sizeof(buf));

    /* Bad record sizes, a faulting buffer. */
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_counters, 0, 4, 88, buf, NULL),
             -EINVAL);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_counters, 0, 4, 100, buf, NULL),
             -EINVAL);
    h_copy_fail_after = 1;
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_counters, 0, 4, 96, buf, &o),
             -EFAULT);
    CHECK_EQ(o.num_recs, 1);
    CHECK_EQ(sysctl(99, 0, 4, 96, buf, NULL), -EOPNOTSUPP);
}

/* Domains 2 (xenstore), 3 (device model stub domain of 1), 4 (plain). */
static struct domain *xsm_world(struct domain **xs, struct domain **dm,
                                struct domain **plain)
{
    struct domain *d = setup();

    *xs = h_domain_new(2, 1, false);
    (*xs)->options = XEN_DOMCTL_CDF_xs_domain;
    *dm = h_domain_new(3, 1, false);
    (*dm)->target = d;
    *plain = h_domain_new(4, 1, true);

    return d;
}

/* The domids the current vCPU's domain gets records for, as a string. */
static const char *visible(void)
{
    static char out[64];
    struct xen_coop_ioreq_dom r[8];
    struct xen_sysctl_coop_ioreq o;
    unsigned int i;
    int rc;

    rc = sysctl(XEN_COOP_IOREQ_OP_counters, 0, 8, sizeof(r[0]), r, &o);
    if ( rc )
    {
        snprintf(out, sizeof(out), "rc=%d", rc);
        return out;
    }
    out[0] = '\0';
    for ( i = 0; i < o.num_recs && i < 8; i++ )
        snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%u",
                 i ? " " : "", r[i].domid);

    return out;
}

/*
 * xsm_getdomaininfo()'s default action is XSM_XS_PRIV (4.17.7, 4.20.x
 * and later): the control domain and the xenstore domain see every
 * domain, a device model stub domain its target, others nothing.  (In
 * Xen, do_sysctl() first lets only the control domain issue a sysctl at
 * all; that check is not part of this code.)
 */
void test_counters_xsm(void)
{
    struct domain *xs, *dm, *plain;

    xsm_world(&xs, &dm, &plain);
    CHECK(strcmp(visible(), "0 1 2 3 4") == 0);
    h_current = xs->vcpu[0];
    CHECK(strcmp(visible(), "0 1 2 3 4") == 0);
    h_current = dm->vcpu[0];
    CHECK(strcmp(visible(), "1") == 0);
    h_current = plain->vcpu[0];
    CHECK(strcmp(visible(), "") == 0);
    h_current = h_domain_list->vcpu[0];
}

void test_trace_xsm(void)
{
    struct domain *xs, *dm, *plain, *d = xsm_world(&xs, &dm, &plain);
    struct xen_coop_ioreq_trace_rec tr[2];

    h_current = plain->vcpu[0];
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_enable, 1, 8, 0, NULL, NULL),
             -EPERM);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_read, 1, 2, sizeof(tr[0]), tr,
                    NULL), -EPERM);
    CHECK_EQ(d->pauses, 0);
    CHECK_EQ(h_live_allocs, 0);

    h_current = xs->vcpu[0];
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_read, 1, 2, sizeof(tr[0]), tr,
                    NULL), -ENODATA);       /* allowed, but not tracing */
    h_current = dm->vcpu[0];
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_read, 4, 2, sizeof(tr[0]), tr,
                    NULL), -EPERM);         /* not its target */
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_read, 1, 2, sizeof(tr[0]), tr,
                    NULL), -ENODATA);
    h_current = h_domain_list->vcpu[0];
}

/* Put v in state since entry, with these totals of earlier states. */
static void runstate_set(struct vcpu *v, int state, s_time_t entry,
                         uint64_t t0, uint64_t t1, uint64_t t2, uint64_t t3)
{
    v->runstate.state = state;
    v->runstate.state_entry_time = entry;
    v->runstate.time[RUNSTATE_running] = t0;
    v->runstate.time[RUNSTATE_runnable] = t1;
    v->runstate.time[RUNSTATE_blocked] = t2;
    v->runstate.time[RUNSTATE_offline] = t3;
}

static const struct xen_coop_ioreq_dom *rec_of(
    const struct xen_coop_ioreq_dom *r, unsigned int n, domid_t domid)
{
    while ( n-- )
        if ( r[n].domid == domid )
            return &r[n];

    return NULL;
}

/*
 * Each sum is the vCPUs' totals plus, for the vCPU in that state, the
 * time since it entered it (NOW() - state_entry_time); an entry time
 * ahead of NOW() adds nothing.  One vCPU of each state, and dom0 (PV, the
 * caller, read without waiting on its own seqcount).
 */
void test_runstate(void)
{
    struct domain *d = setup(), *d5;
    struct xen_coop_ioreq_dom r[4];
    const struct xen_coop_ioreq_dom *p;
    struct xen_sysctl_coop_ioreq o;

    d5 = h_domain_new(5, 4, true);
    runstate_set(d5->vcpu[0], RUNSTATE_running, 9000, 1000, 2000, 3000, 4000);
    runstate_set(d5->vcpu[1], RUNSTATE_runnable, 9500, 10, 20, 30, 40);
    runstate_set(d5->vcpu[2], RUNSTATE_blocked, 8000, 100, 200, 300, 400);
    runstate_set(d5->vcpu[3], RUNSTATE_offline, 7000, 1, 2, 3, 4);
    d5->vcpu[3]->pause_flags |= VPF_down;
    runstate_set(h_current, RUNSTATE_running, 1000, 0, 0, 0, 0);
    /* Domain 1: one vCPU's clock ahead of NOW(), one not yet run. */
    runstate_set(d->vcpu[0], RUNSTATE_blocked, 10005, 7, 0, 0, 0);
    h_now = 10000;

    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_counters, 0, 4, sizeof(r[0]), r, &o),
             0);
    CHECK_EQ(o.num_recs, 3);

    p = rec_of(r, o.num_recs, 5);
    CHECK(p != NULL);
    if ( !p )
        return;
    CHECK_EQ(p->size, XEN_COOP_IOREQ_DOM_SIZE_V2);
    CHECK_EQ(p->running, 1000 + 10 + 100 + 1 + (10000 - 9000));
    CHECK_EQ(p->runnable, 2000 + 20 + 200 + 2 + (10000 - 9500));
    CHECK_EQ(p->blocked, 3000 + 30 + 300 + 3 + (10000 - 8000));
    CHECK_EQ(p->offline, 4000 + 40 + 400 + 4 + (10000 - 7000));
    CHECK_EQ(p->nr_online_vcpus, 3);
    CHECK_EQ(p->nr_vcpus, 4);

    p = rec_of(r, o.num_recs, 0);
    CHECK(p != NULL && p->running == 9000 && p->nr_online_vcpus == 1);
    CHECK(p != NULL && p->runnable + p->blocked + p->offline == 0);
    CHECK(p != NULL && !(p->flags & XEN_COOP_IOREQ_DOM_F_HVM));

    p = rec_of(r, o.num_recs, 1);
    CHECK(p != NULL && p->running == 7 && p->blocked == 0);
    CHECK(p != NULL && p->offline == 10000 - 1000);    /* vCPU 1 */
    CHECK(p != NULL && p->nr_online_vcpus == 2);

    /* 100 ns later every state's vCPU has 100 ns more in it. */
    h_now = 10100;
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_counters, 5, 1, sizeof(r[0]), r, &o),
             0);
    CHECK_EQ(o.num_recs, 1);
    CHECK_EQ(r[0].running, 2111 + 100);
    CHECK_EQ(r[0].runnable, 2722 + 100);
    CHECK_EQ(r[0].blocked, 5333 + 100);
    CHECK_EQ(r[0].offline, 7444 + 100);
    /* Reading changed nothing the scheduler keeps. */
    CHECK_EQ(d5->vcpu[0]->runstate.time[RUNSTATE_running], 1000);
    CHECK_EQ(d5->vcpu[0]->runstate.state_entry_time, 9000);
    CHECK_EQ(h_relax_calls, 0);
}

/* The scheduler's update of vCPU 1 of domain 1, finished late. */
static void finish_write(void)
{
    struct vcpu *v = h_domain_list->next_in_list->vcpu[1];

    runstate_set(v, RUNSTATE_blocked, 1500, 50, 0, 0, 500);
    v->runstate_seq.sequence++;
}

/*
 * Another vCPU's runstate is read under its seqcount, as
 * vcpu_runstate_get() does: a read during an update waits for it to end
 * and never returns the half-written values.
 */
void test_runstate_seqcount(void)
{
    struct domain *d = setup();
    struct xen_coop_ioreq_dom r[2];
    struct xen_sysctl_coop_ioreq o;
    struct vcpu *v = d->vcpu[1];

    runstate_set(d->vcpu[0], RUNSTATE_offline, 1000, 0, 0, 0, 0);
    /* Mid-update: the state changed, the times not yet. */
    runstate_set(v, RUNSTATE_running, 1000, 999999, 0, 0, 0);
    v->runstate_seq.sequence = 1;
    h_relax_hook = finish_write;
    h_now = 2000;

    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_counters, 1, 2, sizeof(r[0]), r, &o),
             0);
    CHECK_EQ(h_relax_calls, 1);
    CHECK_EQ(o.num_recs, 1);
    CHECK_EQ(r[0].running, 50);
    CHECK_EQ(r[0].blocked, 2000 - 1500);
    CHECK_EQ(r[0].offline, 500 + (2000 - 1000));
}

/*
 * A reader built for version 1 (96-byte records) keeps working: it gets
 * 96 bytes a record, nothing beyond; a stride between the two sizes gets
 * what it covers, and .size says so.
 */
void test_runstate_v1_caller(void)
{
    unsigned char buf[3 * 104 + 16];
    const struct xen_coop_ioreq_dom *r;
    struct xen_sysctl_coop_ioreq o;
    struct domain *d = setup();
    unsigned int i;

    runstate_set(d->vcpu[0], RUNSTATE_running, 1000, 0, 0, 0, 0);
    h_now = 1234;

    memset(buf, 0xaa, sizeof(buf));
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_counters, 0, 3,
                    XEN_COOP_IOREQ_DOM_SIZE_V1, buf, &o), 0);
    CHECK_EQ(o.num_recs, 2);
    CHECK_EQ(o.rec_size, XEN_COOP_IOREQ_DOM_SIZE_V1);
    r = (const void *)(buf + XEN_COOP_IOREQ_DOM_SIZE_V1);
    CHECK_EQ(r->domid, 1);
    CHECK_EQ(r->size, XEN_COOP_IOREQ_DOM_SIZE_V1);
    CHECK_EQ(r->version, 2);
    CHECK_EQ(r->nr_vcpus, 2);
    for ( i = 2 * XEN_COOP_IOREQ_DOM_SIZE_V1; i < sizeof(buf); i++ )
        if ( buf[i] != 0xaa )
            break;
    CHECK_EQ(i, sizeof(buf));

    memset(buf, 0xaa, sizeof(buf));
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_counters, 1, 3, 104, buf, &o), 0);
    CHECK_EQ(o.num_recs, 1);
    CHECK_EQ(o.rec_size, 104);
    r = (const void *)buf;
    CHECK_EQ(r->size, 104);
    CHECK_EQ(r->running, 234);
    CHECK_EQ(buf[104], 0xaa);               /* runnable: not sent */
}

void test_debug_key(void)
{
    struct domain *d = setup();
    uint64_t val = 0;

    h_script.intercept_rc = X86EMUL_OKAY;
    io(d->vcpu[0], false, 0x511, 4, 2, IOREQ_WRITE, &val);
    h_script.intercept_rc = X86EMUL_UNHANDLEABLE;
    h_script.server = true;
    io(d->vcpu[1], true, 0xf0000000, 1, 8, IOREQ_READ, &val);
    /* At 1020: dom0 running since 1000, domain 1's vCPU 1 down. */
    runstate_set(h_current, RUNSTATE_running, 1000, 0, 0, 0, 0);
    d->vcpu[1]->pause_flags |= VPF_down;

    CHECK_EQ(h_initcall(), 0);
    CHECK_EQ(h_key, 'j');
    CHECK(h_key_fn != NULL);
    if ( !h_key_fn )
        return;
    h_key_fn('j');
    CHECK(strcmp(h_printk_buf,
                 "'j' pressed -> dumping ioreq counters\n"
                 "domid=0 vcpus=1 pio_read=0 pio_write=0 mmio_read=0 "
                 "mmio_write=0 reps=0 bytes=0 xen=0 dm=0 buffered=0 none=0 "
                 "online=1 running_ns=20 runnable_ns=0 blocked_ns=0 "
                 "offline_ns=0\n"
                 "domid=1 vcpus=2 pio_read=0 pio_write=1 mmio_read=1 "
                 "mmio_write=0 reps=5 bytes=16 xen=1 dm=1 buffered=0 none=0 "
                 "online=1 running_ns=0 runnable_ns=0 blocked_ns=0 "
                 "offline_ns=40\n")
          == 0);
    if ( !strstr(h_printk_buf, "domid=1 vcpus=2 pio_read=0 pio_write=1") )
        printf("printk output:\n%s", h_printk_buf);
    CHECK_EQ(domlist_read_lock.depth, 0);
}


/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test-coop-ioreq.c: unit tests of the hypervisor patch, run in user space
 * against the REAL patched code: hvmemul_do_io() and stdvga_mem_write()
 * cut out of the patched emulate.c and stdvga.c, and all of coop-ioreq.c,
 * with harness.h standing in for the rest of Xen.
 *
 * Checks attribution (which destination a request is counted against),
 * the counters and the trace rings (merge order, overruns, draining)
 * here; the counters sysctl, XSM, the runstate sums and the debug key in
 * test-sysctl.c.  The last line is "N passed, N failed"; the exit status
 * is non-zero on failure.
 */
#include "check.h"

static uint64_t sum(const uint64_t *a, unsigned int n)
{
    uint64_t s = 0;

    while ( n-- )
        s += a[n];
    return s;
}

static void check_invariant(const struct vcpu *v)
{
    CHECK_EQ(sum(ctr(v)->req, COOP_IOREQ_NR_KINDS),
             sum(ctr(v)->dest, XEN_COOP_IOREQ_NR_DESTS));
}

static void test_handled_by_xen(void)
{
    struct vcpu *v = setup()->vcpu[0];
    uint64_t val = 0x5a;

    h_script.intercept_rc = X86EMUL_OKAY;
    CHECK_EQ(io(v, false, 0x511, 1, 1, IOREQ_WRITE, &val), X86EMUL_OKAY);
    CHECK_EQ(ctr(v)->req[1], 1);            /* pio_write */
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_XEN], 1);
    CHECK_EQ(ctr(v)->reps, 1);
    CHECK_EQ(ctr(v)->bytes, 1);
    CHECK_EQ(h_script.sends, 0);

    h_script.intercept_data = 0x1234;
    CHECK_EQ(io(v, true, 0xfee00030, 1, 4, IOREQ_READ, &val), X86EMUL_OKAY);
    CHECK_EQ(val, 0x1234);
    CHECK_EQ(ctr(v)->req[2], 1);            /* mmio_read */
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_XEN], 2);
    CHECK_EQ(ctr(v)->bytes, 5);
    check_invariant(v);
}

static void test_no_one(void)
{
    struct vcpu *v = setup()->vcpu[0];
    uint64_t val = 0;

    CHECK_EQ(io(v, false, 0x512, 1, 1, IOREQ_READ, &val), X86EMUL_OKAY);
    CHECK_EQ(val & 0xff, 0xff);
    CHECK_EQ(h_script.null_calls, 1);
    CHECK_EQ(ctr(v)->req[0], 1);            /* pio_read */
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_NONE], 1);
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_XEN], 0);
    check_invariant(v);
}

static void test_device_model_read_counted_once(void)
{
    struct vcpu *v = setup()->vcpu[1];
    uint64_t val = 0;

    h_script.server = true;
    CHECK_EQ(io(v, true, 0xf0000000, 1, 4, IOREQ_READ, &val), X86EMUL_RETRY);
    CHECK_EQ(h_script.sends, 1);
    CHECK_EQ(ctr(v)->req[2], 1);
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_DM], 1);

    /* The device model answers; the emulator re-issues the access. */
    CHECK_EQ(v->io.req.state, STATE_IOREQ_READY);
    v->io.req.state = STATE_IORESP_READY;
    v->io.req.data = 0xcafe;
    CHECK_EQ(io(v, true, 0xf0000000, 1, 4, IOREQ_READ, &val), X86EMUL_OKAY);
    CHECK_EQ(val, 0xcafe);
    CHECK_EQ(h_script.sends, 1);
    CHECK_EQ(ctr(v)->req[2], 1);            /* still one request */
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_DM], 1);
    CHECK_EQ(ctr(v)->reps, 1);
    CHECK_EQ(ctr(v)->bytes, 4);
    check_invariant(v);
}

static void test_device_model_pio_write(void)
{
    struct vcpu *v = setup()->vcpu[0];
    uint64_t val = 7;

    /* A port write needs no completion: the vCPU carries on (OKAY). */
    h_script.server = true;
    CHECK_EQ(io(v, false, 0x3f8, 1, 1, IOREQ_WRITE, &val), X86EMUL_OKAY);
    CHECK_EQ(ctr(v)->req[1], 1);
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_DM], 1);
    check_invariant(v);
}

static void test_not_sent_is_not_counted(void)
{
    struct vcpu *v = setup()->vcpu[0];
    uint64_t val = 0;

    /* p2m_ioreq_server page whose server went away: retried later. */
    h_script.p2mt = p2m_ioreq_server;
    h_script.p2m_server = false;
    CHECK_EQ(io(v, true, 0x1000, 1, 4, IOREQ_WRITE, &val), X86EMUL_RETRY);
    CHECK_EQ(sum(ctr(v)->req, COOP_IOREQ_NR_KINDS), 0);

    /* The vCPU is being paused for a shutdown: nothing was sent. */
    h_script.p2mt = p2m_mmio_dm;
    h_script.server = true;
    h_script.send_suspends = true;
    CHECK_EQ(io(v, true, 0x2000, 1, 4, IOREQ_READ, &val), X86EMUL_RETRY);
    CHECK_EQ(h_script.sends, 1);
    CHECK_EQ(sum(ctr(v)->req, COOP_IOREQ_NR_KINDS), 0);

    /* ioreq_send() failed (bad state): emulation fails, not counted. */
    v->io.suspended = false;
    h_script.send_suspends = false;
    h_script.send_rc = X86EMUL_UNHANDLEABLE;
    CHECK_EQ(io(v, true, 0x2000, 1, 4, IOREQ_READ, &val),
             X86EMUL_UNHANDLEABLE);
    CHECK_EQ(sum(ctr(v)->dest, XEN_COOP_IOREQ_NR_DESTS), 0);

    /* A weird size is refused before anything happens. */
    CHECK_EQ(io(v, false, 0x80, 1, 3, IOREQ_WRITE, &val),
             X86EMUL_UNHANDLEABLE);
    CHECK_EQ(sum(ctr(v)->req, COOP_IOREQ_NR_KINDS), 0);
    CHECK_EQ(ctr(v)->reps, 0);
}

static void test_p2m_ioreq_server(void)
{
    struct vcpu *v = setup()->vcpu[0];
    uint64_t val = 0;

    h_script.p2mt = p2m_ioreq_server;
    h_script.p2m_server = true;
    h_script.intercept_data = 0x77;

    /* The read half of a read-modify-write is emulated by Xen. */
    CHECK_EQ(io(v, true, 0x3000, 1, 4, IOREQ_READ, &val), X86EMUL_OKAY);
    CHECK_EQ(h_script.p2m_reads, 1);
    CHECK_EQ(val, 0x77);
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_XEN], 1);

    /* The write goes to the page's server. */
    CHECK_EQ(io(v, true, 0x3000, 1, 4, IOREQ_WRITE, &val), X86EMUL_RETRY);
    CHECK_EQ(h_script.sends, 1);
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_DM], 1);
    CHECK_EQ(ctr(v)->req[2], 1);
    CHECK_EQ(ctr(v)->req[3], 1);
    check_invariant(v);
}

static void test_stdvga_buffered(void)
{
    struct vcpu *v = setup()->vcpu[0];
    uint64_t val = 0x41;

    h_script.server = true;
    h_script.intercept_stdvga = true;
    CHECK_EQ(io(v, true, 0xa0000, 1, 1, IOREQ_WRITE, &val), X86EMUL_OKAY);
    CHECK_EQ(h_script.buf_sends, 1);
    CHECK_EQ(h_script.sends, 0);
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_BUFFERED], 1);
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_XEN], 0);
    CHECK_EQ(ctr(v)->req[3], 1);

    /* The flag does not stick to the next request Xen handles. */
    h_script.intercept_stdvga = false;
    h_script.intercept_rc = X86EMUL_OKAY;
    CHECK_EQ(io(v, false, 0x40, 1, 1, IOREQ_WRITE, &val), X86EMUL_OKAY);
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_BUFFERED], 1);
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_XEN], 1);

    /* Buffered page full: stdvga declines, the write goes synchronously. */
    h_script.intercept_stdvga = true;
    h_script.buf_rc = X86EMUL_UNHANDLEABLE;
    CHECK_EQ(io(v, true, 0xa0001, 1, 1, IOREQ_WRITE, &val), X86EMUL_RETRY);
    CHECK_EQ(h_script.buf_sends, 2);
    CHECK_EQ(h_script.sends, 1);
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_BUFFERED], 1);
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_DM], 1);
    check_invariant(v);
}

/* 4.20+: a PVH dom0's access to an MMIO page its p2m lacks. */
static void test_hwdom_fixup(void)
{
#ifdef XEN_HAS_HWDOM_FIXUP
    struct vcpu *v;
    uint64_t val = 0;

    setup();
    v = h_current;              /* dom0's own vCPU makes the access */
    h_domain_list->hvm = true;  /* PVH */

    /* Mapped now: the instruction is retried, nothing was requested. */
    opt_dom0_pf_fixup = true;
    h_script.fixup_rc = 0;
    CHECK_EQ(io(v, true, 0xfe000000, 1, 4, IOREQ_READ, &val),
             X86EMUL_RETRY);
    CHECK_EQ(h_script.fixups, 1);
    CHECK_EQ(h_script.null_calls, 0);
    CHECK_EQ(sum(ctr(v)->req, COOP_IOREQ_NR_KINDS), 0);

    /* Cannot be mapped: the null handler takes it, counted as "none". */
    h_script.fixup_rc = -ENOMEM;
    CHECK_EQ(io(v, true, 0xfe000000, 1, 4, IOREQ_READ, &val), X86EMUL_OKAY);
    CHECK_EQ(h_script.fixups, 2);
    CHECK_EQ(h_script.null_calls, 1);
    CHECK_EQ(ctr(v)->req[2], 1);
    CHECK_EQ(ctr(v)->dest[XEN_COOP_IOREQ_DEST_NONE], 1);
    check_invariant(v);
#else
    passed++;                   /* this line has no such path */
#endif
}

static void test_reps_and_bytes(void)
{
    struct vcpu *v = setup()->vcpu[0];
    uint64_t val = 0;

    /* A handler did 5 of 16 repetitions; the rest come back later. */
    h_script.intercept_rc = X86EMUL_OKAY;
    h_script.intercept_count = 5;
    CHECK_EQ(io(v, true, 0x10000, 16, 4, IOREQ_WRITE, &val), X86EMUL_OKAY);
    CHECK_EQ(ctr(v)->reps, 5);
    CHECK_EQ(ctr(v)->bytes, 20);

    /* hvmemul_do_io() itself cuts rep MMIO at the page boundary. */
    h_script.intercept_count = 0;
    CHECK_EQ(io(v, true, 0x1fff0, 16, 4, IOREQ_WRITE, &val), X86EMUL_OKAY);
    CHECK_EQ(ctr(v)->reps, 5 + 4);
    CHECK_EQ(ctr(v)->bytes, 20 + 16);

    /* Port repetitions are not cut. */
    CHECK_EQ(io(v, false, 0x1f0, 256, 2, IOREQ_READ, &val), X86EMUL_OKAY);
    CHECK_EQ(ctr(v)->reps, 9 + 256);
    CHECK_EQ(ctr(v)->bytes, 36 + 512);
    CHECK_EQ(ctr(v)->req[0], 1);
    CHECK_EQ(ctr(v)->req[3], 2);
    check_invariant(v);
}

static void test_pci_config_is_pio(void)
{
    struct domain *d = setup();
    struct vcpu *v = d->vcpu[0];
    struct xen_coop_ioreq_trace_rec tr[4];
    struct xen_sysctl_coop_ioreq o;
    uint64_t val = 0x11223344;

    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_enable, 1, 4, 0, NULL, NULL), 0);
    h_script.server = true;
    h_script.server_pci_cfg = true;
    CHECK_EQ(io(v, false, 0xcfc, 1, 4, IOREQ_WRITE, &val), X86EMUL_OKAY);
    CHECK_EQ(ctr(v)->req[1], 1);            /* pio_write, not MMIO */
    CHECK_EQ(ctr(v)->req[2] + ctr(v)->req[3], 0);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_read, 1, 4, sizeof(tr[0]), tr,
                    &o), 0);
    CHECK_EQ(o.num_recs, 1);
    CHECK_EQ(tr[0].flags, XEN_COOP_IOREQ_TR_F_WRITE |
                          XEN_COOP_IOREQ_TR_F_DATA |
                          XEN_COOP_IOREQ_TR_F_PCI_CONFIG);
    CHECK_EQ(tr[0].addr, (0x18ULL << 32) | 0x40);
    CHECK_EQ(tr[0].data, 0x11223344);
}

static void test_trace_args(void)
{
    struct domain *d = setup();
    struct xen_coop_ioreq_trace_rec tr[2];

    h_domain_new(3, 1, false);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_enable, 1, 0, 0, NULL, NULL),
             -EINVAL);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_enable, 1,
                    XEN_COOP_IOREQ_MAX_RING + 1, 0, NULL, NULL), -EINVAL);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_enable, 0, 8, 0, NULL, NULL),
             -EOPNOTSUPP);                  /* the caller's own domain */
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_enable, 3, 8, 0, NULL, NULL),
             -EOPNOTSUPP);                  /* PV */
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_enable, 9, 8, 0, NULL, NULL),
             -ESRCH);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_enable, DOMID_SELF, 8, 0, NULL,
                    NULL), -EINVAL);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_read, 1, 2, sizeof(tr[0]), tr,
                    NULL), -ENODATA);
    CHECK_EQ(h_live_allocs, 0);

    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_enable, 1, 3, 0, NULL, NULL), 0);
    CHECK_EQ(d->pauses, 1);
    CHECK_EQ(d->pause_count, 0);
    CHECK(ctr(d->vcpu[0])->ring != NULL && ctr(d->vcpu[1])->ring != NULL);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_read, 1, 2, 40, tr, NULL),
             -EINVAL);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_disable, 1, 0, 0, NULL, NULL), 0);
    CHECK_EQ(d->pauses, 2);
    CHECK_EQ(d->pause_count, 0);
    CHECK(ctr(d->vcpu[0])->ring == NULL && ctr(d->vcpu[1])->ring == NULL);
    CHECK_EQ(h_live_allocs, 0);
    /* Disabling what is off is fine. */
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_disable, 1, 0, 0, NULL, NULL), 0);
}

static void test_trace_sparse_vcpus(void)
{
    struct domain *d;
    uint64_t val = 0;

    /* max_vcpus is 3 but vCPU 2 was never created. */
    setup();
    d = h_domain_new(2, 3, true);
    free(d->vcpu[2]);
    d->vcpu[2] = NULL;
    d->vcpu[1]->next_in_list = NULL;

    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_enable, 2, 8, 0, NULL, NULL), 0);
    CHECK_EQ(h_live_allocs, 2);             /* one ring per vCPU that is */
    h_script.intercept_rc = X86EMUL_OKAY;
    io(d->vcpu[1], false, 0x80, 1, 1, IOREQ_WRITE, &val);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_enable, 2, 4, 0, NULL, NULL), 0);
    CHECK_EQ(h_live_allocs, 2);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_disable, 2, 0, 0, NULL, NULL), 0);
    CHECK_EQ(h_live_allocs, 0);
}

static void test_trace_merge_and_fields(void)
{
    struct domain *d = setup();
    struct xen_coop_ioreq_trace_rec tr[8];
    struct xen_sysctl_coop_ioreq o;
    uint64_t val;

    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_enable, 1, 8, 0, NULL, NULL), 0);

    /* t=1000 v0 PIO write, Xen */
    h_script.intercept_rc = X86EMUL_OKAY;
    h_regs.rip = 0xffffffff81000010ULL;
    val = 0xabcd5a;
    io(d->vcpu[0], false, 0x511, 1, 1, IOREQ_WRITE, &val);
    /* t=1010 v1 MMIO read, device model: no value yet */
    h_script.intercept_rc = X86EMUL_UNHANDLEABLE;
    h_script.server = true;
    h_regs.rip = 0x2000;
    val = 0;
    io(d->vcpu[1], true, 0xf0001000, 1, 2, IOREQ_READ, &val);
    /* t=1020 v0 PIO read, no one: all-ones of the access size */
    h_script.server = false;
    h_regs.rip = 0x3000;
    io(d->vcpu[0], false, 0x512, 1, 2, IOREQ_READ, &val);
    /* t=1030 v1 rep outsw from guest memory (data is a pointer) */
    {
        unsigned long reps = 3;
        struct vcpu *caller = h_current;

        /* (the device model has answered v1's read by now) */
        d->vcpu[1]->io.req.state = STATE_IOREQ_NONE;
        h_current = d->vcpu[1];
        h_now = 1030;
        h_script.intercept_rc = X86EMUL_OKAY;
        CHECK_EQ(hvmemul_do_io(false, 0x1f0, &reps, 2, IOREQ_WRITE, 0, 1,
                               0x8000), X86EMUL_OKAY);
        h_current = caller;
    }

    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_read, 1, 8, sizeof(tr[0]), tr,
                    &o), 0);
    CHECK_EQ(o.num_recs, 4);
    CHECK_EQ(o.overruns, 0);
    CHECK_EQ(o.rec_size, XEN_COOP_IOREQ_TRACE_SIZE_V1);

    CHECK_EQ(tr[0].ts, 1000);
    CHECK_EQ(tr[0].vcpu, 0);
    CHECK_EQ(tr[0].addr, 0x511);
    CHECK_EQ(tr[0].size, 1);
    CHECK_EQ(tr[0].count, 1);
    CHECK_EQ(tr[0].data, 0x5a);             /* only the access's bytes */
    CHECK_EQ(tr[0].rip, 0xffffffff81000010ULL);
    CHECK_EQ(tr[0].dest, XEN_COOP_IOREQ_DEST_XEN);
    CHECK_EQ(tr[0].flags, XEN_COOP_IOREQ_TR_F_WRITE |
                          XEN_COOP_IOREQ_TR_F_DATA);

    CHECK_EQ(tr[1].ts, 1010);
    CHECK_EQ(tr[1].vcpu, 1);
    CHECK_EQ(tr[1].addr, 0xf0001000);
    CHECK_EQ(tr[1].dest, XEN_COOP_IOREQ_DEST_DM);
    CHECK_EQ(tr[1].flags, XEN_COOP_IOREQ_TR_F_MMIO);
    CHECK_EQ(tr[1].rip, 0x2000);

    CHECK_EQ(tr[2].ts, 1020);
    CHECK_EQ(tr[2].vcpu, 0);
    CHECK_EQ(tr[2].dest, XEN_COOP_IOREQ_DEST_NONE);
    CHECK_EQ(tr[2].data, 0xffff);
    CHECK_EQ(tr[2].flags, XEN_COOP_IOREQ_TR_F_DATA);

    CHECK_EQ(tr[3].ts, 1030);
    CHECK_EQ(tr[3].vcpu, 1);
    CHECK_EQ(tr[3].count, 3);
    CHECK_EQ(tr[3].data, 0x8000);
    CHECK_EQ(tr[3].flags, XEN_COOP_IOREQ_TR_F_WRITE |
                          XEN_COOP_IOREQ_TR_F_DATA_IS_PTR);

    /* Drained. */
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_read, 1, 8, sizeof(tr[0]), tr,
                    &o), 0);
    CHECK_EQ(o.num_recs, 0);
}

static void test_trace_overrun_and_partial_drain(void)
{
    struct domain *d = setup();
    struct xen_coop_ioreq_trace_rec tr[8];
    struct xen_sysctl_coop_ioreq o;
    uint64_t val = 0;
    unsigned int i;

    /* 3 rounds up to 4 entries per vCPU. */
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_enable, 1, 3, 0, NULL, NULL), 0);
    h_script.intercept_rc = X86EMUL_OKAY;
    for ( i = 0; i < 6; i++ )               /* ts 1000..1050 on vCPU 0 */
        io(d->vcpu[0], false, 0x100 + i, 1, 1, IOREQ_WRITE, &val);
    io(d->vcpu[1], false, 0x200, 1, 1, IOREQ_WRITE, &val);   /* ts 1060 */

    /* Counting is not affected by a full ring. */
    CHECK_EQ(ctr(d->vcpu[0])->req[1], 6);

    /* Oldest first, two at a time; the two newest of vCPU 0 were lost. */
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_read, 1, 2, sizeof(tr[0]), tr,
                    &o), 0);
    CHECK_EQ(o.num_recs, 2);
    CHECK_EQ(o.overruns, 2);
    CHECK_EQ(tr[0].addr, 0x100);
    CHECK_EQ(tr[1].addr, 0x101);

    /* Room again: a new request is kept. */
    io(d->vcpu[0], false, 0x300, 1, 1, IOREQ_WRITE, &val);   /* ts 1070 */

    /* A copy fault leaves the record in the ring. */
    h_copy_fail_after = 1;
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_read, 1, 8, sizeof(tr[0]), tr,
                    &o), -EFAULT);
    h_copy_fail_after = -1;
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_read, 1, 8, sizeof(tr[0]), tr,
                    &o), 0);
    CHECK_EQ(o.num_recs, 3);
    CHECK_EQ(tr[0].addr, 0x103);
    CHECK_EQ(tr[1].addr, 0x200);
    CHECK_EQ(tr[2].addr, 0x300);
    CHECK_EQ(o.overruns, 2);
    CHECK(tr[0].ts < tr[1].ts && tr[1].ts < tr[2].ts);

    /* Enabling again starts afresh. */
    for ( i = 0; i < 5; i++ )
        io(d->vcpu[0], false, 0x400, 1, 1, IOREQ_WRITE, &val);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_enable, 1, 16, 0, NULL, NULL), 0);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_read, 1, 8, sizeof(tr[0]), tr,
                    &o), 0);
    CHECK_EQ(o.num_recs, 0);
    CHECK_EQ(o.overruns, 0);
    for ( i = 0; i < 16; i++ )
        io(d->vcpu[1], false, 0x500, 1, 1, IOREQ_WRITE, &val);
    io(d->vcpu[1], false, 0x500, 1, 1, IOREQ_WRITE, &val);
    CHECK_EQ(sysctl(XEN_COOP_IOREQ_OP_trace_read, 1, 8, sizeof(tr[0]), tr,
                    &o), 0);
    CHECK_EQ(o.num_recs, 8);
    CHECK_EQ(o.overruns, 1);

    /* Destroying the vCPUs frees the rings. */
    h_domains_free();
    CHECK_EQ(h_live_allocs, 0);
}

int main(void)
{
    test_handled_by_xen();
    test_no_one();
    test_device_model_read_counted_once();
    test_device_model_pio_write();
    test_not_sent_is_not_counted();
    test_p2m_ioreq_server();
    test_stdvga_buffered();
    test_hwdom_fixup();
    test_reps_and_bytes();
    test_pci_config_is_pio();
    test_counters_sysctl();
    test_counters_xsm();
    test_trace_xsm();
    test_runstate();
    test_runstate_seqcount();
    test_runstate_v1_caller();
    test_trace_args();
    test_trace_sparse_vcpus();
    test_trace_merge_and_fields();
    test_trace_overrun_and_partial_drain();
    test_debug_key();
    h_domains_free();
    CHECK_EQ(h_live_allocs, 0);

    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}

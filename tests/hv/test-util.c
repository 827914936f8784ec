/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test-util.c: the helpers of check.h, shared by the unit tests.
 */
#include "check.h"

unsigned int passed, failed;

struct domain *setup(void)
{
    struct domain *d0;

    h_domains_free();
    memset(&h_script, 0, sizeof(h_script));
    h_script.intercept_rc = X86EMUL_UNHANDLEABLE;
    h_script.send_rc = X86EMUL_RETRY;
    h_script.buf_rc = X86EMUL_OKAY;
    h_script.p2mt = p2m_mmio_dm;
    h_copy_fail_after = -1;
    h_printk_buf[0] = '\0';
    h_relax_hook = NULL;
    h_relax_calls = 0;
    opt_dom0_pf_fixup = false;
    h_now = 1000;

    d0 = h_domain_new(0, 1, false);
    d0->is_privileged = true;
    h_current = d0->vcpu[0];

    return h_domain_new(1, 2, true);
}

int io(struct vcpu *v, bool is_mmio, paddr_t addr, unsigned long reps,
       unsigned int size, uint8_t dir, uint64_t *val)
{
    struct vcpu *caller = h_current;
    uint64_t scratch = val ? *val : 0;
    int rc;

    h_current = v;
    rc = hvmemul_do_io(is_mmio, addr, &reps, size, dir, 0, 0,
                       (uintptr_t)&scratch);
    h_current = caller;
    if ( val )
        *val = scratch;
    h_now += 10;

    return rc;
}

int sysctl(uint32_t op, uint32_t domid, uint32_t max, uint32_t size,
           void *buf, struct xen_sysctl_coop_ioreq *out)
{
    struct xen_sysctl_coop_ioreq o = {
        .op = op, .domid = domid, .max_recs = max, .rec_size = size,
    };
    int rc;

    o.buffer.p = buf;
    rc = coop_ioreq_sysctl(&o);
    if ( out )
        *out = o;
    CHECK_EQ(domlist_read_lock.depth, 0);

    return rc;
}

const struct coop_ioreq_vcpu *ctr(const struct vcpu *v)
{
    return &v->io.info.coop;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * harness.c: state and scripted behaviour behind harness.h.  The callees
 * of hvmemul_do_io() do what the current test's h_script says, the way the
 * real ones would in that situation.
 */
#include <stdarg.h>

#include "harness.h"

struct domain *h_domain_list;
struct vcpu *h_current;
s_time_t h_now;
struct cpu_user_regs h_regs;
struct rcu_lock domlist_read_lock;
long h_live_allocs;
int h_copy_fail_after = -1;
char h_printk_buf[65536];
unsigned char h_key;
keyhandler_fn_t *h_key_fn;
struct h_script h_script;

const struct hvm_io_handler null_handler = { "null" };
const struct hvm_io_handler ioreq_server_handler = { "ioreq_server" };
static struct ioreq_server server = { 1 };

struct domain *rcu_lock_domain_by_id(domid_t id)
{
    struct domain *d;

    for_each_domain ( d )
        if ( d->domain_id == id )
        {
            rcu_read_lock(&domlist_read_lock);
            return d;
        }

    return NULL;
}

void rcu_unlock_domain(struct domain *d)
{
    (void)d;
    rcu_read_unlock(&domlist_read_lock);
}

void domain_pause(struct domain *d)
{
    assert(!h_current || d != h_current->domain);
    d->pause_count++;
    d->pauses++;
}

void domain_unpause(struct domain *d)
{
    assert(d->pause_count > 0);
    d->pause_count--;
}

void domain_crash(struct domain *d)
{
    d->crashed = true;
}

void (*h_relax_hook)(void);
unsigned int h_relax_calls;

void cpu_relax(void)
{
    void (*hook)(void) = h_relax_hook;

    /* A reader that spins with no writer to finish would hang: fail. */
    assert(hook);
    h_relax_calls++;
    h_relax_hook = NULL;
    hook();
}

bool opt_dom0_pf_fixup;
struct rangeset *mmio_ro_ranges;

int hwdom_fixup_p2m(paddr_t addr)
{
    (void)addr;
    h_script.fixups++;
    return h_script.fixup_rc;
}

bool rangeset_contains_singleton(struct rangeset *r, unsigned long s)
{
    (void)r;
    (void)s;
    return false;
}

void *vzalloc(size_t size)
{
    void *p = calloc(1, size);

    if ( p )
        h_live_allocs++;
    return p;
}

void vfree(void *p)
{
    if ( p )
        h_live_allocs--;
    free(p);
}

void *h_xzalloc(size_t size)
{
    return vzalloc(size);
}

void xfree(void *p)
{
    vfree(p);
}

int h_copy(void *dst, const void *src, size_t len)
{
    if ( h_copy_fail_after == 0 )
        return 1;
    if ( h_copy_fail_after > 0 )
        h_copy_fail_after--;
    memcpy(dst, src, len);
    return 0;
}

void printk(const char *fmt, ...)
{
    size_t used = strlen(h_printk_buf);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(h_printk_buf + used, sizeof(h_printk_buf) - used, fmt, ap);
    va_end(ap);
}

void register_keyhandler(unsigned char key, keyhandler_fn_t *fn,
                         const char *desc, bool diagnostic)
{
    (void)desc;
    (void)diagnostic;
    h_key = key;
    h_key_fn = fn;
}

/* A handler ran for every repetition of p (hvm_process_io_intercept()). */
static void handled(ioreq_t *p, uint64_t data)
{
    if ( p->dir == IOREQ_READ && !p->data_is_ptr )
        p->data = data;
}

int hvm_io_intercept(ioreq_t *p)
{
    if ( h_script.intercept_stdvga )
    {
        /* stdvga accepts single direct writes and forwards them. */
        assert(p->dir == IOREQ_WRITE && p->count == 1 && !p->data_is_ptr);
        if ( stdvga_mem_write(NULL, p->addr, p->size, p->data) ==
             X86EMUL_OKAY )
            return X86EMUL_OKAY;
        p->count = 1;
        return X86EMUL_UNHANDLEABLE;
    }

    if ( h_script.intercept_rc == X86EMUL_OKAY )
    {
        if ( h_script.intercept_count )
            p->count = h_script.intercept_count;
        handled(p, h_script.intercept_data);
    }

    return h_script.intercept_rc;
}

int hvm_process_io_intercept(const struct hvm_io_handler *handler,
                             ioreq_t *p)
{
    if ( handler == &null_handler )
    {
        h_script.null_calls++;
        handled(p, ~0ULL);
    }
    else
    {
        assert(handler == &ioreq_server_handler);
        assert(p->dir == IOREQ_READ);
        h_script.p2m_reads++;
        handled(p, h_script.intercept_data);
    }

    return X86EMUL_OKAY;
}

void get_gfn_query_unlocked(struct domain *d, unsigned long gfn,
                            p2m_type_t *t)
{
    (void)d;
    (void)gfn;
    *t = h_script.p2mt;
}

struct ioreq_server *p2m_get_ioreq_server(struct domain *d,
                                          unsigned int *flags)
{
    (void)d;
    *flags = 0;
    return h_script.p2m_server ? &server : NULL;
}

struct ioreq_server *ioreq_server_select(struct domain *d, ioreq_t *p)
{
    (void)d;
    if ( !h_script.server )
        return NULL;

    if ( h_script.server_pci_cfg && p->type == IOREQ_TYPE_PIO &&
         (p->addr & ~3ULL) == 0xcfc )
    {
        /* As common/ioreq.c does for a PCI config data cycle. */
        p->type = IOREQ_TYPE_PCI_CONFIG;
        p->addr = (0x18ULL << 32) | 0x40 | (p->addr & 3);
    }

    return &server;
}

int ioreq_send(struct ioreq_server *s, ioreq_t *p, bool buffered)
{
    assert(s == &server);
    (void)p;

    if ( buffered )
    {
        h_script.buf_sends++;
        return h_script.buf_rc;
    }

    h_script.sends++;
    if ( h_script.send_suspends )
    {
        h_current->io.suspended = true;
        return X86EMUL_RETRY;
    }

    return h_script.send_rc;
}

void hvmtrace_io_assist(const ioreq_t *p)
{
    (void)p;
}

struct domain *h_domain_new(domid_t id, unsigned int nr_vcpus, bool hvm)
{
    struct domain *d = calloc(1, sizeof(*d)), **pp;
    unsigned int i;

    assert(d);
    d->domain_id = id;
    d->max_vcpus = nr_vcpus;
    d->hvm = hvm;
    d->vcpu = calloc(nr_vcpus, sizeof(*d->vcpu));
    assert(d->vcpu);
    for ( i = 0; i < nr_vcpus; i++ )
    {
        d->vcpu[i] = calloc(1, sizeof(*d->vcpu[i]));
        assert(d->vcpu[i]);
        d->vcpu[i]->vcpu_id = i;
        d->vcpu[i]->domain = d;
        /* As vcpu_create() leaves it. */
        d->vcpu[i]->runstate.state = RUNSTATE_offline;
        d->vcpu[i]->runstate.state_entry_time = h_now;
        if ( i )
            d->vcpu[i - 1]->next_in_list = d->vcpu[i];
    }

    /* Keep the list sorted by domid, as Xen's is. */
    for ( pp = &h_domain_list; *pp && (*pp)->domain_id < id;
          pp = &(*pp)->next_in_list )
        ;
    d->next_in_list = *pp;
    *pp = d;

    return d;
}

void h_domains_free(void)
{
    while ( h_domain_list )
    {
        struct domain *d = h_domain_list;
        unsigned int i;

        h_domain_list = d->next_in_list;
        for ( i = 0; i < d->max_vcpus; i++ )
        {
            if ( !d->vcpu[i] )
                continue;
            coop_ioreq_vcpu_destroy(d->vcpu[i]);
            free(d->vcpu[i]);
        }
        free(d->vcpu);
        free(d);
    }
    h_current = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixture.h - a struct daemon filled with fixed samples and decisions,
 * for the control-socket unit tests and fuzz target.
 *
 * This is test data, not a fake of Xen: the dispatcher only reads what
 * the poll loop leaves in struct daemon.  The test links the real daemon
 * core (daemon.c: domain look-up, iotrace), but stands in for the calls
 * that change the daemon's state: the linker's --wrap (cmocka's way to
 * mock a function; see the Makefile's TEST_LDFLAGS_control) sends the
 * dispatcher's daemon_reload/pause/resume/pin to the __wrap_ versions
 * below, which record each call and answer as configured in
 * `fixture_calls`.  The backend's trace op returns canned records so
 * that iotrace can be driven over a real socket.  Include it in exactly
 * one file.
 */
#ifndef COOPVMM_TEST_FIXTURE_H
#define COOPVMM_TEST_FIXTURE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"

#define FIX_SEC 1000000000ull

const char daemon_version[] = "9.8.7";

struct fixture_calls {
    int reload, pause, resume, pin, unpin;
    int reload_rc;              /* what daemon_reload returns */
    const char *reload_errors;  /* and its error text */
    char pin_domain[256], pin_class[256];
    int trace_on, trace_off, trace_read;
    uint32_t trace_domid;
    unsigned int trace_left;    /* records still to hand out */
};

static struct fixture_calls fix;

static struct policy_class fix_classes[] = {
    { .name = "io-bound" }, { .name = "cpu-hog" }, { .name = "idle" },
};

static struct conf fix_conf = {
    .name = "fixture",
    .interval_ns = FIX_SEC,
    .policy = { .nclass = 3, .cls = fix_classes },
};

static int fix_trace(struct backend *b, uint32_t domid,
                     enum backend_trace_op op, struct backend_trace_rec *out,
                     unsigned int max, uint64_t *overruns)
{
    unsigned int i;

    (void)b;
    switch ( op )
    {
    case TRACE_ON:
        fix.trace_on++;
        fix.trace_domid = domid;
        return 0;
    case TRACE_OFF:
        fix.trace_off++;
        return 0;
    case TRACE_READ:
        fix.trace_read++;
        break;
    }
    for ( i = 0; i < max && fix.trace_left; i++, fix.trace_left-- )
    {
        memset(&out[i], 0, sizeof(out[i]));
        out[i].ts_ns = 1000 + i;
        out[i].vcpu = i % 2;
        out[i].mmio = i % 3 == 0;
        out[i].write = true;
        out[i].addr = out[i].mmio ? 0xfed00000 : 0x3f8;
        out[i].size = 1;
        out[i].count = 1;
        out[i].data = 'A' + i % 26;
        out[i].rip = 0xffffffff81000000ull + i;
        out[i].handler = "dm";
    }
    if ( overruns )
        *overruns = 3;
    return (int)i;
}

static const struct backend_ops fix_ops = {
    .name = "fixture",
    .trace = fix_trace,
};

static struct policy_sample fix_s[6];
static struct policy_decision fix_d[6];

static void fix_dom(unsigned int i, uint32_t domid, const char *name,
                    int cls, uint32_t w, uint32_t cap, uint32_t bw)
{
    struct policy_sample *s = &fix_s[i];
    struct policy_decision *d = &fix_d[i];

    memset(s, 0, sizeof(*s));
    memset(d, 0, sizeof(*d));
    s->domid = d->domid = domid;
    s->uuid[0] = 0xc0;
    s->uuid[15] = (uint8_t)domid;
    strncpy(s->name, name, sizeof(s->name));
    s->vcpus = 2;
    s->cpupool_cpus = 4;
    s->sched = POLICY_SCHED_CREDIT2;
    s->signals = POLICY_HAS_CPU | POLICY_HAS_IOREQ | POLICY_HAS_VBD |
                 POLICY_HAS_NET;
    s->stub_of = -1;
    s->weight = w;
    s->cap = cap;
    s->base_weight = bw;
    d->cls = d->prev_cls = cls;
    d->since_ns = 10 * FIX_SEC;
    d->weight = w;
    d->cap = cap;
    d->rates_valid = true;
    snprintf(d->reason, sizeof(d->reason), "fixture");
}

/* Six domains: dom0, web, batch, a hostile name, one without rates. */
static void fixture_init(struct daemon *dm)
{
    static const char odd[] = "o\"d\\d\nx\xff\xc3\xa9";

    memset(dm, 0, sizeof(*dm));
    memset(&fix, 0, sizeof(fix));
    fix_dom(0, 0, "Domain-0", POLICY_CLASS_NONE, 256, 0, 256);
    fix_d[0].unmanaged = POLICY_EXCL_DOM0;
    fix_d[0].metric[M_CPU] = 5;

    fix_dom(1, 1, "web", 0, 512, 0, 256);
    fix_d[1].metric[M_IOREQ] = 3500;
    fix_d[1].metric[M_IOREQ_DM] = 875;
    fix_d[1].metric[M_NET_PKTS] = 800;
    fix_d[1].metric[M_CPU] = 30;

    fix_dom(2, 2, "batch", 1, 128, 160, 256);
    fix_d[2].pinned = true;
    fix_d[2].metric[M_CPU] = 98;
    fix_d[2].since_ns = 40 * FIX_SEC;

    fix_dom(3, 7, odd, 2, 256, 0, 256);
    fix_d[3].metric[M_CPU] = __builtin_nan("");    /* must not reach JSON */
    fix_d[3].metric[M_IOREQ] = __builtin_inf();

    fix_dom(4, 9, "fresh", POLICY_CLASS_NONE, 256, 0, 256);
    fix_d[4].rates_valid = false;
    fix_s[4].signals = POLICY_HAS_CPU;

    /* A name that fills its field with no NUL: the code must stop there. */
    fix_dom(5, 11, "", 2, 256, 0, 256);
    memset(fix_s[5].name, 'n', sizeof(fix_s[5].name));

    dm->conf_path = "fixture.conf";
    dm->conf = &fix_conf;
    dm->ops = &fix_ops;
    dm->be = (struct backend *)&fix;    /* non-NULL; fix_trace ignores it */
    dm->info.signals = POLICY_HAS_CPU | POLICY_HAS_IOREQ | POLICY_HAS_VBD |
                       POLICY_HAS_NET;
    snprintf(dm->info.scheds, sizeof(dm->info.scheds), "credit2");
    dm->ndoms = dm->ndoms_max = 6;
    dm->samples = fix_s;
    dm->decisions = fix_d;
    dm->stats.polls = 42;
    dm->stats.decisions = 3;
    dm->stats.sets = 5;
    dm->stats.failed_calls = 1;
    dm->stats.last_poll_ns = 100 * FIX_SEC;
    dm->stats.last_poll_dur_ns = 1500000;
}

/* ---------------------------- stand-ins for the state-changing calls */

int __wrap_daemon_reload(struct daemon *d, char **errors);
int __wrap_daemon_pause(struct daemon *d);
int __wrap_daemon_resume(struct daemon *d);
int __wrap_daemon_pin(struct daemon *d, const char *domain, const char *cls,
                      char *err, size_t errlen);

int __wrap_daemon_reload(struct daemon *d, char **errors)
{
    (void)d;
    fix.reload++;
    if ( errors && fix.reload_errors )
        *errors = strdup(fix.reload_errors);
    return fix.reload_rc;
}

int __wrap_daemon_pause(struct daemon *d)
{
    fix.pause++;
    if ( d->paused )
        return 1;               /* as daemon_pause() does */
    d->paused = true;
    d->gen++;                   /* as daemon_pause() does */
    return 0;
}

int __wrap_daemon_resume(struct daemon *d)
{
    fix.resume++;
    if ( !d->paused )
        return 1;
    d->paused = false;
    d->gen++;
    return 0;
}

int __wrap_daemon_pin(struct daemon *d, const char *domain, const char *cls,
                      char *err, size_t errlen)
{
    if ( cls )
        fix.pin++;
    else
        fix.unpin++;
    snprintf(fix.pin_domain, sizeof(fix.pin_domain), "%s", domain);
    snprintf(fix.pin_class, sizeof(fix.pin_class), "%s", cls ? cls : "");
    if ( daemon_find_domain(d, domain) < 0 )
    {
        snprintf(err, errlen, "no domain %s", domain);
        return -ENOENT;
    }
    return 0;
}

#endif /* COOPVMM_TEST_FIXTURE_H */
